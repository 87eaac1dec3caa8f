"""A copy of the report with every finding marked, to send back to its authors.

Each finding becomes a Word comment (python-docx ≥ 1.2, ``Document.add_comment``) anchored on the
figure it is about, and that text is highlighted in yellow. A .txt report is first laid out as a
.docx (paragraphs, and tables with grid lines) so it can be marked the same way. Where comments are
not available, the marked text is followed by "〔审N〕" and the notes are listed at the end.
"""

from __future__ import annotations

import copy
from pathlib import Path

from jixiao.audit.document import Document, Paragraph, Table, paragraph_runs
from jixiao.audit.findings import KIND_LABELS, Finding

AUTHOR = "jixiao 报告审核"
INITIALS = "JX"


def annotate(document: Document, findings: list[Finding], out_path) -> Path:
    """Write the marked copy of ``document`` to ``out_path`` (.docx) and return its path."""
    docx, paragraphs, cells = _docx_with_refs(document)
    notes = []
    comments = hasattr(docx, "add_comment")
    for number, f in enumerate(findings, 1):
        runs = _anchor(f, paragraphs, cells)
        if not runs:
            continue
        for run in runs:
            _highlight(run)
        text = f"【{KIND_LABELS[f.kind]}】{f.message}"
        if f.expected:
            text += f"（应为：{f.expected}；报告中为：{f.found}）"
        if comments:
            docx.add_comment(runs, text=text, author=AUTHOR, initials=INITIALS)
        else:  # pragma: no cover - python-docx < 1.2
            marker = runs[-1]._r.getparent()
            new = copy.deepcopy(runs[-1]._r)
            marker.insert(marker.index(runs[-1]._r) + 1, new)
            from docx.text.run import Run

            Run(new, runs[-1]._parent).text = f"〔审{number}〕"
            notes.append(f"〔审{number}〕{f.location.describe()}：{text}")
    if notes:  # pragma: no cover - python-docx < 1.2
        docx.add_paragraph("报告审核意见")
        for note in notes:
            docx.add_paragraph(note)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    docx.save(str(out))
    return out


def _docx_with_refs(document: Document):
    """The python-docx document to mark and its paragraphs / cells by location."""
    paragraphs: dict[int, object] = {}
    cells: dict[tuple[int, int, int], object] = {}
    if document.kind == "docx":
        if document.docx is None:
            from jixiao.audit.document import read_docx

            document = read_docx(Path(document.path))
        docx = document.docx
        for block in document.blocks:
            if isinstance(block, Paragraph):
                paragraphs[block.number] = block.ref
            else:
                for row in block.rows:
                    for cell in row:
                        if cell.ref is not None:
                            cells[(block.number, cell.row, cell.col)] = cell.ref
        return docx, paragraphs, cells
    return _layout(document)


def _layout(document: Document):
    """A .txt report as a .docx: one paragraph per paragraph, tables with grid lines."""
    from docx import Document as new_docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    docx = new_docx()
    style = docx.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    paragraphs, cells = {}, {}
    for block in document.blocks:
        if isinstance(block, Paragraph):
            paragraphs[block.number] = docx.add_paragraph(block.text)
        elif isinstance(block, Table):
            width = max(block.width, 1)
            table = docx.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    target = table.cell(r, c)
                    target.text = cell.text
                    cells[(block.number, r, c)] = target
            docx.add_paragraph("")
    return docx, paragraphs, cells


def _anchor(f: Finding, paragraphs: dict, cells: dict) -> list:
    loc = f.location
    if loc.table is None:
        p = paragraphs.get(loc.paragraph)
        if p is None:
            return []
        if loc.start is not None and loc.end is not None and loc.end > loc.start:
            return _span_runs(p, loc.start, loc.end)
        return _all_runs(p)
    cell = cells.get((loc.table, loc.row, loc.col)) if loc.col is not None else None
    if cell is None:
        cell = next((cells[k] for k in sorted(cells) if k[0] == loc.table and k[1] == loc.row), None)
    if cell is None:
        return []
    found = (f.found or "").strip()
    for p in cell.paragraphs:
        text = "".join(run.text for run, _, _ in paragraph_runs(p))
        at = text.find(found) if found else -1
        if at >= 0:
            return _span_runs(p, at, at + len(found))
    for p in cell.paragraphs:
        if p.text.strip():
            return _all_runs(p)
    return _all_runs(cell.paragraphs[0])


def _all_runs(p) -> list:
    runs = [run for run, a, b in paragraph_runs(p) if b > a]
    if not runs:
        runs = [p.add_run("")]
    return runs


def _split(run, at: int):
    """Split a plain text run in two at character ``at``; returns the second part (or None)."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    r = run._r
    content = [child for child in r if child.tag != qn("w:rPr")]
    if not content or any(child.tag != qn("w:t") for child in content) or len(content) != 1:
        return None
    text = run.text
    if not 0 < at < len(text):
        return None
    second = copy.deepcopy(r)
    r.addnext(second)
    run.text = text[:at]
    tail = Run(second, run._parent)
    tail.text = text[at:]
    return tail


def _span_runs(p, start: int, end: int) -> list:
    for pos in (start, end):
        for run, a, b in paragraph_runs(p):
            if a < pos < b:
                _split(run, pos - a)
                break
    runs = [run for run, a, b in paragraph_runs(p) if a < end and b > start and b > a]
    return runs or _all_runs(p)


def _highlight(run) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
