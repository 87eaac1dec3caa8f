"""The safe spreadsheet writers, and that every writer in the package goes through them."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import jixiao
from jixiao.common.safe_files import csv_cell, csv_writer, xlsx_workbook
from tests.spreadsheets import FORMULA_PAYLOADS, URL_PAYLOAD, assert_text_only

PACKAGE = Path(jixiao.__file__).parent
HELPER = PACKAGE / "common" / "safe_files.py"


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != HELPER:
            yield path.relative_to(PACKAGE), path.read_text(encoding="utf-8")


def test_no_module_opens_an_xlsxwriter_workbook_itself():
    direct = re.compile(r"xlsxwriter\s*\.\s*Workbook\s*\(|from\s+xlsxwriter\s+import\s+[^\n]*\bWorkbook\b")
    offenders = [str(path) for path, text in _sources() if direct.search(text)]
    assert offenders == []


def test_no_module_writes_csv_without_the_safe_writer():
    offenders = [str(path) for path, text in _sources() if re.search(r"csv\s*\.\s*(writer|DictWriter)\s*\(", text)]
    assert offenders == []


def test_csv_cells_beginning_with_a_trigger_get_an_apostrophe_and_numbers_stay_numbers():
    assert [csv_cell(v) for v in FORMULA_PAYLOADS] == ["'" + v for v in FORMULA_PAYLOADS]
    assert csv_cell("\tcmd") == "'\tcmd" and csv_cell("\r=1") == "'\r=1"
    assert [csv_cell(v) for v in ("张三", "5301251980", " =1", "a=1", "", "'=1")] == \
        ["张三", "5301251980", " =1", "a=1", "", "'=1"]
    assert [csv_cell(v) for v in (-2, 3, 1.5, Decimal("-0.5"), None)] == [-2, 3, 1.5, Decimal("-0.5"), None]
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([2, "-2", -2, "=A1"])
    writer.writerows([["@x", 0]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["2", "'-2", "-2", "'=A1"], ["'@x", "0"]]


def test_xlsx_workbook_stores_strings_as_strings_even_through_write(tmp_path):
    path = tmp_path / "t.xlsx"
    workbook = xlsx_workbook(path, constant_memory=True, strings_to_formulas=True, strings_to_urls=True)
    sheet = workbook.add_worksheet("表")
    sheet.write_row(0, 0, [*FORMULA_PAYLOADS, URL_PAYLOAD, "0012"])
    sheet.write(1, 0, "=1+1")
    workbook.close()
    assert_text_only(path, [*FORMULA_PAYLOADS, URL_PAYLOAD, "0012", "=1+1"])
