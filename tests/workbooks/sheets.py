"""Workbooks made for tests: a workbook's cells as lists, written back as an .xlsx (to make bad workbooks
from good ones), cell and 项目信息 edits, and a workbook with many problems."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

from jixiao.scoring.inputs import FundSource
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project


def load_sheets(path: Path) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names}


def build_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx holding exactly these cell values (dates as real Excel dates)."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    worksheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    worksheet.write_number(r, c, value)
                elif isinstance(value, date | datetime):
                    worksheet.write_datetime(r, c, value, date_format)
                else:
                    worksheet.write_string(r, c, str(value))
    workbook.close()
    return path


def set_cell(sheets, sheet: str, row: int, column: str, value) -> None:
    """Set the cell in Excel row ``row`` (header = 1) under header ``column``."""
    rows = sheets[sheet]
    col = rows[0].index(column)
    while len(rows) < row:
        rows.append([])
    values = rows[row - 1]
    values.extend([""] * (col + 1 - len(values)))
    values[col] = value


def info_row(sheets, key: str) -> int:
    return next(i for i, values in enumerate(sheets["项目信息"], start=1) if values and values[0] == key)


def set_info(sheets, key: str, value) -> int:
    row = info_row(sheets, key)
    set_cell(sheets, "项目信息", row, "内容", value)
    return row


def many_problems_workbook(tmp_path, bad_rows: int = 30):
    project = sample_project()
    project.fund_sources = [FundSource("天上掉的", Decimal(1), Decimal(1)) for _ in range(bad_rows)]
    project.policies[0].title = ""  # one problem in another sheet, listed first
    path = tmp_path / "坏.xlsx"
    write_workbook(path, project)
    return path
