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


def _sheet_xml(path: Path, n: int) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_xlsx_write_rows_keeps_each_sheets_rows_in_order_when_made_ahead(tmp_path):
    from jixiao.common.safe_files import xlsx_write_rows

    def rows(sheet: str, count: int):
        for i in range(count):  # one chunk per row, more chunks than the read-ahead holds
            yield f"<row><c t=\"inlineStr\"><is><t>{sheet}{i}</t></is></c></row>"

    target = tmp_path / "out.xlsx"
    xlsx_write_rows(target, [("甲", ["列"], [10], rows("a", 50)), ("乙", ["列"], [10], rows("b", 3)),
                             ("丙", ["列"], [10], iter([]))])
    first, second, third = (_sheet_xml(target, n) for n in (1, 2, 3))
    assert re.findall(r"<t>(a\d+)</t>", first) == [f"a{i}" for i in range(50)]
    assert re.findall(r"<t>(b\d+)</t>", second) == ["b0", "b1", "b2"]
    assert "<t>a" not in second and "<t>b" not in third


def test_xlsx_write_rows_raises_the_error_of_a_sheets_rows(tmp_path):
    import pytest

    from jixiao.common.safe_files import xlsx_write_rows

    def failing():
        yield "<row/>"
        raise RuntimeError("查询失败")

    with pytest.raises(RuntimeError, match="查询失败"):
        xlsx_write_rows(tmp_path / "out.xlsx", [("甲", ["列"], [10], iter(["<row/>"])), ("乙", ["列"], [10], failing())])


def test_xlsx_write_rows_stops_making_rows_when_writing_fails(tmp_path):
    import threading

    import pytest

    from jixiao.common.safe_files import xlsx_write_rows

    made = []

    def endless():
        while True:
            made.append(1)
            yield 12345 if len(made) == 10 else "<row/>"  # the tenth chunk cannot be written

    with pytest.raises(TypeError):
        xlsx_write_rows(tmp_path / "out.xlsx", [("甲", ["列"], [10], endless())])
    assert not [t for t in threading.enumerate() if t.name == "xlsx-read-ahead"]
    assert 10 <= len(made) < 20  # the rows ahead, not endlessly many


def test_xlsx_text_cells_made_by_sql_read_back_as_written(tmp_path):
    import duckdb
    from python_calamine import CalamineWorkbook

    from jixiao.common.safe_files import (
        xlsx_number_cell_sql,
        xlsx_row_sql,
        xlsx_text_cell_sql,
        xlsx_write_rows,
    )

    values = ["普通", "a&b<c>d", " 前有空格", "后有空格 ", "\t制表符", "中间\n换行", "控\x01制", "=1+2", "", None]
    expected = ["普通", "a&b<c>d", " 前有空格", "后有空格 ", "\t制表符", "中间\n换行", "控制", "=1+2", "", ""]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    xml = [r[0] for r in con.execute(
        f"SELECT {xlsx_row_sql([xlsx_number_cell_sql('n'), xlsx_text_cell_sql('v')])} FROM t ORDER BY n").fetchall()]
    target = tmp_path / "out.xlsx"
    xlsx_write_rows(target, [("甲", ["序号", "值"], [8, 20], iter(xml))])
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("甲").to_python()
    assert [r[1] for r in rows[1:]] == expected
    assert [int(r[0]) for r in rows[1:]] == list(range(len(values)))
    sheet = _sheet_xml(target, 1)
    assert sheet.count('xml:space="preserve"') == 3  # the cells with whitespace at an end, and only they


def test_xlsx_shared_cells_read_back_and_other_values_stay_inline(tmp_path):
    import duckdb
    from python_calamine import CalamineWorkbook

    from jixiao.common.safe_files import xlsx_row_sql, xlsx_shared_cell_sql, xlsx_write_rows

    shared = ["pension", "符合条件未参保", "O'Brien & <甲>"]
    values = ["pension", "符合条件未参保", "O'Brien & <甲>", "不在表中", "", None, "pension"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    xml = [r[0] for r in con.execute(f"SELECT {xlsx_row_sql([xlsx_shared_cell_sql('v', shared)])} FROM t ORDER BY n")
           .fetchall()]
    target = tmp_path / "out.xlsx"
    xlsx_write_rows(target, [("甲", ["值"], [20], iter(xml))], shared=shared)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("甲").to_python()
    assert [r[0] for r in rows[1:]] == ["pension", "符合条件未参保", "O'Brien & <甲>", "不在表中", "", "", "pension"]
    sheet = _sheet_xml(target, 1)
    assert sheet.count('t="s"') == 4 and sheet.count("inlineStr") == 2  # the header and 不在表中
