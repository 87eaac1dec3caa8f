"""Bounds on the files jixiao reads, checked before any parser touches them.

A 3 MB .xlsx can inflate to 1.2 GB, and a 1 KB one can place a single cell at row 30,000 column XFD,
for which python-calamine allocates a dense 15 GB range (and aborts the process). So every .xlsx is
inspected with ``zipfile`` first:

- the file size, the number of members, the sum of the members' declared sizes and the compression ratio
  of every member larger than 1 MB (a ratio above ``zip_max_ratio`` is a zip bomb, not a spreadsheet:
  real sheets compress 5–20 times);
- every worksheet the reader will parse is *streamed* (inflated 1 MB at a time, never held whole) and the
  real extent of its cells measured: the largest row number and column of any row or cell reference (also
  for rows and cells written without a reference, counted the way calamine counts them). Reading stops as
  soon as a limit is passed. (A member's declared size cannot understate it: Python's zipfile and calamine's
  zip reader both stop with an error at the declared size.) A worksheet larger than ``FULL_SCAN_BYTES`` (only big registries: 1M rows are 756 MB of
  XML, 4 s of inflating alone) is measured from its ``<dimension ref="…">`` in the first 64 KB instead, and
  streamed with an early stop only when it has none.

.docx (also a zip) gets the same size, member and ratio checks; .csv and .xls only a size limit.

The limits are settings (``settings.JIXIAO_LIMITS``, from environment variables, see ``ENVIRONMENT``):
outside Django (``jixiao evaluate --no-store``) they are read from the environment directly.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

MB = 1024 * 1024
FULL_SCAN_BYTES = 32 * MB  # worksheets up to this size are measured cell by cell, larger ones by <dimension>
HEAD_BYTES = 64 * 1024  # where a worksheet's <dimension> must be
CHUNK = 1 << 20
RATIO_FLOOR = 1 * MB  # members smaller than this are not judged by their compression ratio
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384


@dataclass(frozen=True)
class InputLimits:
    """Every bound on input, with its default (the reasons are in README, 输入文件的上限)."""

    workbook_max_bytes: int = 20 * MB
    workbook_max_uncompressed_bytes: int = 50 * MB
    workbook_max_rows: int = 5_000  # rows per sheet, header included
    workbook_max_answer_rows: int = 20_000  # the 问卷答卷 sheet: one row per answered questionnaire
    workbook_max_columns: int = 200
    registry_max_bytes: int = 500 * MB
    registry_xls_max_bytes: int = 50 * MB
    registry_max_uncompressed_bytes: int = 1536 * MB
    registry_max_rows: int = EXCEL_MAX_ROWS
    registry_max_columns: int = 64
    registry_max_cells: int = 30_000_000
    roster_max_bytes: int = 4096 * MB  # a department's roster as .csv or .parquet (spreadsheets: the registry's bounds)
    roster_max_uncompressed_bytes: int = 16384 * MB  # a .parquet roster's data once decompressed
    audit_max_bytes: int = 20 * MB
    docx_max_uncompressed_bytes: int = 100 * MB
    zip_max_members: int = 1_000
    zip_max_ratio: int = 100
    error_report_max_rows: int = 10_000
    problems_max_listed: int = 1_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InputLimits:
        environ = os.environ if environ is None else environ
        values = {}
        for name, (variable, scale) in ENVIRONMENT.items():
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                number = float(raw)
            except ValueError:
                number = -1
            if number <= 0 or number * scale > 2**62:
                raise ValueError(f"环境变量 {variable} 应为正数，实际为“{raw}”")
            values[name] = max(1, int(number * scale))
        return replace(cls(), **values)


# field → (environment variable, its unit in bytes or 1)
ENVIRONMENT: dict[str, tuple[str, int]] = {
    "workbook_max_bytes": ("JIXIAO_WORKBOOK_MAX_MB", MB),
    "workbook_max_uncompressed_bytes": ("JIXIAO_WORKBOOK_MAX_UNCOMPRESSED_MB", MB),
    "workbook_max_rows": ("JIXIAO_WORKBOOK_MAX_ROWS", 1),
    "workbook_max_answer_rows": ("JIXIAO_WORKBOOK_MAX_ANSWER_ROWS", 1),
    "workbook_max_columns": ("JIXIAO_WORKBOOK_MAX_COLUMNS", 1),
    "registry_max_bytes": ("JIXIAO_REGISTRY_MAX_MB", MB),
    "registry_xls_max_bytes": ("JIXIAO_REGISTRY_XLS_MAX_MB", MB),
    "registry_max_uncompressed_bytes": ("JIXIAO_REGISTRY_MAX_UNCOMPRESSED_MB", MB),
    "registry_max_rows": ("JIXIAO_REGISTRY_MAX_ROWS", 1),
    "registry_max_columns": ("JIXIAO_REGISTRY_MAX_COLUMNS", 1),
    "registry_max_cells": ("JIXIAO_REGISTRY_MAX_CELLS", 1),
    "roster_max_bytes": ("JIXIAO_ROSTER_MAX_MB", MB),
    "roster_max_uncompressed_bytes": ("JIXIAO_ROSTER_MAX_UNCOMPRESSED_MB", MB),
    "audit_max_bytes": ("JIXIAO_AUDIT_MAX_MB", MB),
    "docx_max_uncompressed_bytes": ("JIXIAO_DOCX_MAX_UNCOMPRESSED_MB", MB),
    "zip_max_members": ("JIXIAO_ZIP_MAX_MEMBERS", 1),
    "zip_max_ratio": ("JIXIAO_ZIP_MAX_RATIO", 1),
    "error_report_max_rows": ("JIXIAO_ERROR_REPORT_MAX_ROWS", 1),
    "problems_max_listed": ("JIXIAO_PROBLEMS_MAX_LISTED", 1),
}
assert set(ENVIRONMENT) == {f.name for f in fields(InputLimits)}


def current_limits() -> InputLimits:
    """The limits in force: Django's ``JIXIAO_LIMITS`` setting when Django is in use, else the environment."""
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.conf import settings

        limits = getattr(settings, "JIXIAO_LIMITS", None)
        if isinstance(limits, InputLimits):
            return limits
    return InputLimits.from_env()


class FileRefused(Exception):
    """A file refused before parsing (too large, or not the kind of file it claims to be).

    ``reason`` says why and which limit, in Chinese, without the file's name (a web upload is saved under
    another name); ``file`` and ``sheet`` say where; ``str()`` is the whole sentence."""

    def __init__(self, reason: str, *, file: str = "", sheet: str = ""):
        self.reason, self.file, self.sheet = reason, file, sheet
        where = (f"“{file}”" if file else "") + (f"工作表“{sheet}”" if sheet else "")
        super().__init__(f"{where}：{reason}" if where else reason)


@dataclass(frozen=True)
class SheetLimit:
    rows: int
    columns: int
    cells: int | None = None  # rows × columns of the sheet's extent (what calamine allocates)


# ---- numbers in messages ------------------------------------------------------------------------

def format_size(n: int) -> str:
    if n >= MB:
        text = f"{n / MB:.1f}".removesuffix(".0")
        return f"{text} MB"
    return f"{max(1, round(n / 1024))} KB"


def _count(n: int) -> str:
    return f"{n:,}"


def column_letters(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes | str) -> int:
    index = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        index = index * 26 + ord(ch) - 64
    return index


# ---- plain files ----------------------------------------------------------------------------------

def check_file_size(path, max_bytes: int, *, what: str = "文件") -> None:
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise FileRefused(f"{what}有 {format_size(size)}，超过 {format_size(max_bytes)} 的上限", file=path.name)


# ---- zip files (.xlsx, .docx, .ods) -----------------------------------------------------------------

def open_zip(path, *, kind: str, noun: str, max_bytes: int, max_uncompressed: int, limits: InputLimits,
             required: str | None = None) -> zipfile.ZipFile:
    """The open archive once its size, members, declared sizes and ratios are within bounds.

    ``kind`` names the format in messages ("Excel 工作簿（.xlsx）"), ``noun`` the thing ("工作簿");
    ``required`` is a member the format must have (a renamed .docx is no workbook)."""
    path = Path(path)
    name = path.name
    check_file_size(path, max_bytes)
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: encrypted OOXML, or an old .xls/.doc
        raise FileRefused(f"无法读取{noun}：这不是 {kind}，而是加密（设置了打开密码）的文件或旧版 Office 文件；"
                          f"请去掉密码，或在 Excel/WPS 中另存为 {kind}", file=name)
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(f"无法读取{noun}：不是有效的 {kind}，或文件已损坏", file=name) from None
    try:
        if len(members) > limits.zip_max_members:
            raise FileRefused(f"文件中有 {_count(len(members))} 个组成部分，超过 {_count(limits.zip_max_members)} 个的上限，"
                              f"不是正常的 {kind}", file=name)
        total = sum(m.file_size for m in members)
        if total > max_uncompressed:
            raise FileRefused(f"解压后有 {format_size(total)}，超过 {format_size(max_uncompressed)} 的上限", file=name)
        for m in members:
            if m.file_size > RATIO_FLOOR and m.file_size > limits.zip_max_ratio * max(m.compress_size, 1):
                ratio = m.file_size // max(m.compress_size, 1)
                raise FileRefused(f"其中的“{m.filename}”压缩比为 {_count(ratio)} 倍（{format_size(m.compress_size)} 解压为 "
                                  f"{format_size(m.file_size)}），超过 {limits.zip_max_ratio} 倍的上限，疑为“压缩炸弹”，不予读取",
                                  file=name)
        if required and required not in {m.filename for m in members}:
            raise FileRefused(f"无法读取{noun}：不是有效的 {kind}（缺少 {required}）", file=name)
    except BaseException:
        archive.close()
        raise
    return archive


def check_docx(path, limits: InputLimits | None = None) -> None:
    """A Word report: file size, members, uncompressed size and ratios (raises FileRefused)."""
    limits = limits or current_limits()
    open_zip(path, kind="Word 文档（.docx）", noun="文档", max_bytes=limits.audit_max_bytes,
             max_uncompressed=limits.docx_max_uncompressed_bytes, limits=limits,
             required="word/document.xml").close()


def check_zip_archive(path, *, kind: str, max_bytes: int, max_uncompressed: int,
                      limits: InputLimits | None = None) -> None:
    """Any other zip-based format (.ods): the archive-level checks only."""
    open_zip(path, kind=kind, noun="文件", max_bytes=max_bytes, max_uncompressed=max_uncompressed,
             limits=limits or current_limits()).close()


# ---- .xlsx ------------------------------------------------------------------------------------------

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, member name) in workbook order; worksheets the workbook does not name come last."""
    def small(name: str) -> bytes:
        with archive.open(name) as handle:
            data = handle.read(4 * MB + 1)
        if len(data) > 4 * MB:
            raise FileRefused(f"无法读取工作簿：其中的“{name}”超过 4 MB，不是正常的 Excel 工作簿")
        return data

    names = set(archive.namelist())
    parts: list[tuple[str, str]] = []
    try:
        targets = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in ElementTree.fromstring(small("xl/_rels/workbook.xml.rels")):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                targets[rel.get("Id")] = os.path.normpath(path).replace(os.sep, "/")
        for element in ElementTree.fromstring(small("xl/workbook.xml")).iter():
            if element.tag.endswith("}sheet"):
                part = targets.get(element.get(f"{_REL_NS}id"))
                if part in names:
                    parts.append((element.get("name", "").strip() or part, part))
    except ElementTree.ParseError:
        raise FileRefused("无法读取工作簿：工作簿目录（xl/workbook.xml）已损坏") from None
    known = {part for _, part in parts}
    parts += [(name, name) for name in sorted(names)
              if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in known]
    return parts


_WHITESPACE = bytes.maketrans(b"\t\r\n", b"   ")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension [^>]*?ref="\$?([A-Z]{1,3})?\$?(\d+)?'
                        rb'(?::\$?([A-Z]{1,3})\$?(\d+))?"')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[ >/]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[ >/]")
_COLUMNS = re.compile(rb' r="([A-Z]+)\d')
_ROW_NUMBERS = re.compile(rb'<row r="(\d+)"')
_ELEMENT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)([ /][^>]*)?>')
_REF = re.compile(rb' r="([A-Z]*)(\d*)"')


def _beyond_rows(limit: int) -> re.Pattern:
    """A reference (row or cell) whose row number is greater than ``limit``."""
    digits = str(limit)
    options = [rf"[1-9]\d{{{len(digits)},}}"]  # more digits
    for i, ch in enumerate(digits):  # same length, larger at position i
        if ch != "9":
            rest = len(digits) - i - 1
            options.append(digits[:i] + f"[{int(ch) + 1}-9]" + (rf"\d{{{rest}}}" if rest else ""))
    return re.compile(rb' r="[A-Z]{0,3}0*(' + "|".join(options).encode() + rb')"')


class _Extent:
    """The extent of one worksheet as calamine will see it, measured from its XML a chunk at a time."""

    def __init__(self, limit: SheetLimit):
        self.limit = limit
        self.beyond = _beyond_rows(limit.rows)
        self.max_row = 0
        self.max_column = 0
        self.exact = False  # True once an element without a reference (or with a prefix) was seen
        self.row = 0  # the exact walk's current row and column
        self.column = 0

    def feed(self, chunk: bytes) -> None:
        chunk = chunk.translate(_WHITESPACE)
        if not self.exact:
            elements = sum(chunk.count(tag) for tag in (b"<c ", b"<c>", b"<c/", b"<row ", b"<row>", b"<row/"))
            if elements != chunk.count(b' r="') or _PREFIXED.search(chunk):
                self.exact = True
        if self.exact:
            self._walk(chunk)
        else:
            found = self.beyond.search(chunk)
            if found:
                self.max_row = max(self.max_row, int(found.group(1)))
            columns = set(_COLUMNS.findall(chunk))
            if columns:
                self.max_column = max(self.max_column, max(_column_index(c) for c in columns))
            rows = _ROW_NUMBERS.findall(chunk)
            if rows:
                self.max_row = max(self.max_row, max(int(r) for r in rows))

    def _walk(self, chunk: bytes) -> None:
        """Every row and cell in order, placed as calamine places them (a missing reference = the next one)."""
        for match in _ELEMENT.finditer(chunk):
            ref = _REF.search(match.group(2) or b"")
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if match.group(1) == b"row":
                self.row = int(digits) if digits else self.row + 1
                self.column = 0
                self.max_row = max(self.max_row, self.row)
            else:
                self.column = _column_index(letters) if letters else self.column + 1
                self.max_row = max(self.max_row, int(digits) if digits else self.row)
                self.max_column = max(self.max_column, self.column)
            if self.too_large():
                return

    def set_dimension(self, last_column: int, last_row: int) -> None:
        self.max_row, self.max_column = last_row, last_column

    def too_large(self) -> bool:
        limit = self.limit
        return (self.max_row > limit.rows or self.max_column > limit.columns
                or (limit.cells is not None and self.max_row * self.max_column > limit.cells))

    def reason(self) -> str:
        """Why the sheet is refused; the numbers are what was measured when reading stopped (at least)."""
        limit = self.limit
        if self.max_row > limit.rows:
            return (f"超过每张工作表 {_count(limit.rows)} 行的上限（内容至少延伸到第 {_count(self.max_row)} 行）；"
                    "请删除多余的行，或分成几个文件")
        if self.max_column > limit.columns:
            return (f"超过每张工作表 {_count(limit.columns)} 列的上限（内容至少延伸到第 {_count(self.max_column)} 列，"
                    f"即 {column_letters(self.max_column)} 列）；请删除多余的列")
        return (f"范围为 {_count(self.max_row)} 行 × {_count(self.max_column)} 列，超过 {_count(limit.cells or 0)} "
                "个单元格的上限；请删除多余的行或列")


def check_xlsx(path, *, max_bytes: int, max_uncompressed: int, sheet_limit: Callable[[str], SheetLimit],
               first_sheet_only: bool = False, limits: InputLimits | None = None,
               full_scan_bytes: int = FULL_SCAN_BYTES) -> None:
    """Refuse (FileRefused) an .xlsx that is too large in any way before a parser reads it.

    ``sheet_limit(name)`` gives each worksheet's bounds; ``first_sheet_only``: only the first sheet will be
    parsed (the registry), so only it is measured."""
    limits = limits or current_limits()
    path = Path(path)
    archive = open_zip(path, kind="Excel 工作簿（.xlsx）", noun="工作簿", max_bytes=max_bytes,
                       max_uncompressed=max_uncompressed, limits=limits, required="xl/workbook.xml")
    with archive:
        try:
            parts = _sheet_parts(archive)
        except FileRefused as exc:
            raise FileRefused(exc.reason, file=path.name) from None
        if first_sheet_only:
            parts = parts[:1]
        budget = [max_uncompressed]  # bytes really inflated, shared by every sheet
        for sheet, part in parts:
            extent = _Extent(sheet_limit(sheet))
            _measure(archive, archive.getinfo(part), extent, budget, full_scan_bytes, path.name, max_uncompressed)
            if extent.too_large():
                raise FileRefused(extent.reason(), file=path.name, sheet=sheet)


def _measure(archive: zipfile.ZipFile, info: zipfile.ZipInfo, extent: _Extent, budget: list[int],
             full_scan_bytes: int, file_name: str, max_uncompressed: int) -> None:
    full = info.file_size <= full_scan_bytes
    head = b""
    carry = b""
    seen_data = False
    try:
        with archive.open(info) as handle:
            while True:
                block = handle.read(CHUNK)
                if not block:
                    break
                budget[0] -= len(block)
                if budget[0] < 0:
                    raise FileRefused(f"解压后超过 {format_size(max_uncompressed)} 的上限", file=file_name)
                if not seen_data:
                    head += block.translate(_WHITESPACE)
                    data_at = _SHEET_DATA.search(head)
                    if data_at or len(head) >= HEAD_BYTES:
                        seen_data = True
                        dimension = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
                        if not full and dimension and dimension.group(2):
                            last_column = dimension.group(3) or dimension.group(1) or b"A"
                            last_row = dimension.group(4) or dimension.group(2)
                            extent.set_dimension(_column_index(last_column), int(last_row))
                            return
                        block, head = head, b""
                    else:
                        continue
                buffer = carry + block
                cut = buffer.rfind(b"<")
                if cut <= 0 or len(buffer) - cut > CHUNK:  # no tag starts here, or one absurdly long tag
                    cut = len(buffer)
                extent.feed(buffer[:cut])
                carry = buffer[cut:]
                if extent.too_large():
                    return
            extent.feed(head + carry)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise FileRefused(f"无法读取工作簿：文件已损坏（其中的 {info.filename} 无法解压）", file=file_name) from None


__all__ = ["ENVIRONMENT", "FileRefused", "InputLimits", "SheetLimit", "check_docx", "check_file_size",
           "check_xlsx", "check_zip_archive", "column_letters", "current_limits", "format_size"]
