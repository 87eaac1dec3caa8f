"""Rows of a registry file as read: .xlsx/.xls/.ods through python-calamine, .csv in UTF-8 or GB18030.

Rows are produced one at a time with their spreadsheet row numbers; nothing is converted here."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from jixiao.common.limits import (
    FileRefused,
    InputLimits,
    SheetLimit,
    check_file_size,
    check_xlsx,
    check_zip_archive,
    current_limits,
)
from jixiao.registry.columns import match_header

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
HEADER_SEARCH_ROWS = 10  # exports often put a title or two above the header


class FileUnreadable(Exception):
    """The file cannot be imported at all (exit status 2); the message says why, in Chinese."""


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise FileUnreadable(f"“{path.name}”的编码无法识别：CSV 文件应为 UTF-8 或 GB18030（GBK）编码") from None


def _csv_rows(path: Path) -> Iterator[list]:
    encoding = _csv_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError as exc:
        raise FileUnreadable(f"“{path.name}”中有不是 {encoding} 编码的字符（约第 {exc.start} 字节处）") from None
    except csv.Error as exc:
        raise FileUnreadable(f"“{path.name}”不是有效的 CSV 文件：{exc}") from None


def _csv_line_estimate(path: Path) -> int | None:
    """About how many lines a CSV has (for a progress bar): its size over the mean length of the first lines."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    lines = sample.count(b"\n")
    return int(path.stat().st_size / (len(sample) / lines)) if lines else None


def _sheet_rows(path: Path) -> tuple[int | None, Iterator[list]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several kinds for damaged or mislabelled files
        raise FileUnreadable(f"无法读取“{path.name}”：不是有效的 Excel 工作簿，或文件已损坏（{type(exc).__name__}）") from None
    return sheet.height, rows


def check_registry_bounds(path: Path, limits: InputLimits | None = None) -> None:
    """Refuse (FileUnreadable) a file beyond the registry limits before anything parses it: .csv and .xls by
    their size; .xlsx/.xlsm also by members, uncompressed size and the first sheet's extent; .ods by its
    archive (see ``jixiao.common.limits``)."""
    limits = limits or current_limits()
    suffix = path.suffix.lower()
    try:
        if suffix == ".xls":
            check_file_size(path, min(limits.registry_max_bytes, limits.registry_xls_max_bytes), what="名册文件")
        elif suffix in (".xlsx", ".xlsm"):
            sheet = SheetLimit(limits.registry_max_rows, limits.registry_max_columns, limits.registry_max_cells)
            check_xlsx(path, max_bytes=limits.registry_max_bytes, max_uncompressed=limits.registry_max_uncompressed_bytes,
                       sheet_limit=lambda _name: sheet, first_sheet_only=True, limits=limits)
        elif suffix == ".ods":
            check_zip_archive(path, kind="OpenDocument 表格（.ods）", max_bytes=limits.registry_max_bytes,
                              max_uncompressed=limits.registry_max_uncompressed_bytes, limits=limits)
        else:
            check_file_size(path, limits.registry_max_bytes, what="名册文件")
    except FileRefused as exc:
        raise FileUnreadable(str(exc)) from None


def open_registry(path) -> tuple[dict[str, int], int, Iterator[tuple[int, list]], int | None]:
    """(column key → position, header row number, iterator of (row number, cells), about how many data
    rows follow — None when unknown) for a file.

    Raises FileUnreadable for an unknown format, an unreadable file or missing required columns."""
    path = Path(path)
    if not path.is_file():
        raise FileUnreadable(f"找不到文件“{path}”")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES or suffix == ".csv":
        check_registry_bounds(path)
    if suffix in SPREADSHEET_SUFFIXES:
        total, rows = _sheet_rows(path)
    elif suffix == ".csv":
        total, rows = _csv_line_estimate(path), _csv_rows(path)
    else:
        raise FileUnreadable(f"不支持的文件格式“{path.suffix or '（无扩展名）'}”：请提供 .xlsx、.xls 或 .csv 文件")
    best: tuple[dict[str, int], list[str]] | None = None
    header_row = 0
    for number, cells in enumerate(rows, start=1):
        positions, missing = match_header(cells)
        if not missing:
            remaining = max(0, total - number) if total else None
            return positions, number, ((n, cells) for n, cells in enumerate(rows, start=number + 1)), remaining
        if best is None or len(positions) > len(best[0]):
            best, header_row = (positions, missing), number
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is None or not best[0]:
        raise FileUnreadable(f"“{path.name}”中没有找到表头行：第一行应为列名（姓名、身份证号、残疾类别、残疾等级、户籍地区划代码等）")
    raise FileUnreadable(f"“{path.name}”第{header_row}行的表头缺少必需的列：{'、'.join(best[1])}")


def rows_of_text(text: str) -> Iterator[list]:
    """For tests: CSV text as rows."""
    return csv.reader(io.StringIO(text))
