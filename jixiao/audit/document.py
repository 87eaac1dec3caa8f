"""A report read into a neutral model: paragraphs and tables in document order, each with a location.

Two inputs give the same model:

- ``.docx``: body paragraphs and tables (python-docx). Table rows are laid out on the table grid:
  a cell merged across columns keeps its text in its first column, a cell merged down keeps it in its
  first row, and the other grid positions are empty, so a column index means the same column in every
  row. Each paragraph and cell keeps a reference to its python-docx object for ``annotate``.
- ``.txt`` in the flattened form of the source reports: a paragraph per line, a table cell per
  tab-indented line, a blank line after each table row. A cell whose text had a line break comes out as
  an untabbed line inside the row (right after the cell, or after a blank line and followed by the
  next cell); those lines are joined back to their cell.

Paragraphs are numbered 1, 2, … over non-empty body paragraphs; tables 1, 2, … in order; rows and
columns are 0-based here and printed 1-based (see ``findings.Location``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.common.limits import FileRefused, check_docx, check_file_size, current_limits

SUPPORTED_SUFFIXES = (".docx", ".txt")
UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|元)")
HEADING_LIKE = re.compile(r"^\s|^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\d+[.、．]")


class DocumentUnreadable(Exception):
    """The file cannot be read as a report (missing, wrong format, damaged)."""


@dataclass
class Paragraph:
    number: int  # 1-based among non-empty body paragraphs
    text: str
    block: int  # index in Document.blocks
    ref: object = field(default=None, repr=False, compare=False)  # docx.text.paragraph.Paragraph


@dataclass
class Cell:
    text: str
    row: int  # 0-based
    col: int  # 0-based grid column
    ref: object = field(default=None, repr=False, compare=False)  # docx.table._Cell (docx input)


@dataclass
class Table:
    number: int  # 1-based
    rows: list[list[Cell]]
    block: int
    caption: str = ""  # the paragraph just before the table (its title), for messages
    unit: str = ""  # 万元 / 元 when the table states "单位：万元"

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> Cell | None:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def texts(self, row: int) -> list[str]:
        return [c.text for c in self.rows[row]]


@dataclass
class Document:
    path: str
    kind: str  # "docx" or "txt"
    blocks: list[Paragraph | Table]
    docx: object = field(default=None, repr=False, compare=False)  # docx.document.Document

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def all_text(self) -> str:
        """Every paragraph and cell, one per line (for document-wide searches)."""
        lines = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                lines.append(b.text)
            else:
                lines.extend(c.text for row in b.rows for c in row if c.text)
        return "\n".join(lines)


def read_document(path) -> Document:
    path = Path(path)
    if not path.is_file():
        raise DocumentUnreadable(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        _check_bounds(path, suffix)
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".txt":
        return read_txt(path)
    if suffix == ".doc":
        raise DocumentUnreadable(f"“{path.name}”是旧版 Word 文件（.doc），请在 Word 或 WPS 中另存为 .docx 后再审核")
    raise DocumentUnreadable(f"“{path.name}”不是 .docx 或 .txt 文件，无法审核")


def _check_bounds(path: Path, suffix: str) -> None:
    """Size (and, for .docx — a zip — members, uncompressed size and ratios) before python-docx opens it."""
    limits = current_limits()
    try:
        if suffix == ".docx":
            check_docx(path, limits)
        else:
            check_file_size(path, limits.audit_max_bytes, what="报告文件")
    except FileRefused as exc:
        raise DocumentUnreadable(str(exc)) from None


# ---- common ----------------------------------------------------------------------------------------

def _finish(path: Path, kind: str, blocks: list, docx=None) -> Document:
    """Number tables and paragraphs, attach each table's caption and unit."""
    number = 0
    for i, block in enumerate(blocks):
        block.block = i
        if isinstance(block, Table):
            number += 1
            block.number = number
            before = [b.text for b in blocks[max(0, i - 3):i] if isinstance(b, Paragraph)]
            captions = [t for t in before if not UNIT_LINE.search(t)]
            block.caption = captions[-1].strip() if captions else ""
            first = [c.text for c in block.rows[0] if c.text] if block.rows else []
            if len(first) == 1 and block.width >= 3 and not UNIT_LINE.fullmatch(first[0]):
                block.caption = first[0]  # a title row inside the table
            first_row = " ".join(block.texts(0)) if block.rows else ""
            for text in [*reversed(before), first_row]:
                m = UNIT_LINE.search(text)
                if m:
                    block.unit = m.group(1)
                    break
    return Document(path=str(path), kind=kind, blocks=blocks, docx=docx)


# ---- .docx -----------------------------------------------------------------------------------------

def read_docx(path: Path) -> Document:
    try:
        from docx import Document as open_docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise DocumentUnreadable("缺少 python-docx，无法读取 .docx") from exc
    try:
        docx = open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentUnreadable(f"“{path.name}”不是有效的 Word（.docx）文件或已损坏") from exc
    except Exception as exc:  # lxml errors on a damaged document part
        raise DocumentUnreadable(f"“{path.name}”无法读取：{exc.__class__.__name__}") from exc
    blocks: list = []
    number = 0
    for kind, obj in _body_items(docx):
        if kind == "p":
            text = paragraph_text(obj)
            if text.strip():
                number += 1
                blocks.append(Paragraph(number=number, text=text, block=0, ref=obj))
        else:
            rows = _docx_table_rows(obj)
            if rows:
                blocks.append(Table(number=0, rows=rows, block=0))
    return _finish(path, "docx", blocks, docx)


def _body_items(docx):
    """('p', Paragraph) and ('t', Table) in body order, looking inside content controls."""
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    def walk(parent):
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield "p", DocxParagraph(child, docx.part)
            elif child.tag == qn("w:tbl"):
                yield "t", DocxTable(child, docx.part)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)

    yield from walk(docx.element.body)


RUN_XPATH = ("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
             " | ./w:sdt/w:sdtContent/w:r")


def paragraph_runs(paragraph) -> list[tuple[object, int, int]]:
    """(Run, start, end) of every text run of a paragraph, offsets into ``paragraph_text``."""
    from docx.text.run import Run

    out, pos = [], 0
    for r in paragraph._p.xpath(RUN_XPATH):
        run = Run(r, paragraph)
        text = run.text
        out.append((run, pos, pos + len(text)))
        pos += len(text)
    return out


def paragraph_text(paragraph) -> str:
    return "".join(run.text for run, _, _ in paragraph_runs(paragraph))


def _docx_table_rows(table) -> list[list[Cell]]:
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[Cell] = []
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        for _ in range(int(before.get(qn("w:val"), "0")) if before is not None else 0):
            row.append(Cell("", r, len(row)))
        for tc in tr.tc_lst:
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"), "1")) if span_el is not None else 1
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continued = vmerge is not None and vmerge.get(qn("w:val"), "continue") != "restart"
            cell = _Cell(tc, table)
            text = "" if continued else "\n".join(paragraph_text(p) for p in cell.paragraphs).strip()
            row.append(Cell(text, r, len(row), ref=cell))
            for _ in range(span - 1):
                row.append(Cell("", r, len(row), ref=cell))
        rows.append(row)
    return rows


# ---- .txt (the seeds' flattened form) --------------------------------------------------------------

def read_txt(path: Path) -> Document:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DocumentUnreadable(f"“{path.name}”不是 UTF-8 或 GB18030 编码的文本文件")
    if "\x00" in text:
        raise DocumentUnreadable(f"“{path.name}”不是文本文件")
    return _finish(path, "txt", parse_flat_text(text))


def parse_flat_text(text: str) -> list:
    lines = [line.rstrip("\r") for line in text.split("\n")]
    blocks: list = []
    table: list[list[str]] | None = None  # rows of cell texts
    row: list[str] | None = None  # the row being read (None between rows)
    number = 0

    def is_cell(i: int) -> bool:
        return 0 <= i < len(lines) and lines[i].startswith("\t")

    def close_table():
        nonlocal table, row
        if row:
            table.append(row)
        if table:
            rows = [[Cell(t.strip(), r, c) for c, t in enumerate(cells)] for r, cells in enumerate(table)]
            blocks.append(Table(number=0, rows=rows, block=0))
        table, row = None, None

    for i, line in enumerate(lines):
        if line.startswith("\t"):
            if table is None:
                table = []
            if row is None:
                row = []
            row.append(line[1:])
            continue
        if not line.strip():
            if row is not None:
                table.append(row)
                row = None
            continue
        if table is not None:
            width = max([len(r) for r in table] + [len(row or [])])
            # right after a cell, in a row not yet complete: the cell's text went on after a line break
            if row and is_cell(i - 1) and len(row) < width and not HEADING_LIKE.match(line):
                row[-1] += "\n" + line
                continue
            # after a row's blank line and directly followed by the next cell: same, the row goes on
            if row is None and table and not lines[i - 1].strip() and is_cell(i - 2) and is_cell(i + 1):
                row = table.pop()
                row[-1] += "\n" + line
                continue
            close_table()
        number += 1
        blocks.append(Paragraph(number=number, text=line.strip(), block=0))
    close_table()
    return blocks
