"""Inputs the comparison cannot use: a clear Chinese message naming the file (and column, and row), exit status 2,
and nothing written. And inputs it must accept: GB18030 CSV, .xlsx, Parquet, aliases of the published names."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from jixiao.cli import main
from jixiao.comparison.inputs import InputUnusable
from jixiao.comparison.run import compare
from tests.comparison.files import TODAY, YEAR, make_id, person, read_findings, write

ID = make_id(seq="123")


def _registry(tmp_path):
    return write(tmp_path, "registry", [person("甲", ID, level="三级")])


def _compare(tmp_path, **rosters):
    return compare(year=YEAR, registry=_registry(tmp_path), rosters=rosters, out=tmp_path / "out", today=TODAY)


def _xlsx(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return path


def test_a_missing_required_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "养老.csv"
    path.write_text("姓名,身份证号,缴费年度\n甲," + ID + ",2024\n", encoding="utf-8")
    with pytest.raises(InputUnusable, match="城乡居民养老保险参保缴费名册（养老.csv）缺少必需的列：参保状态"):
        _compare(tmp_path, pension=path)
    assert not (tmp_path / "out").exists()


def test_an_id_stored_as_an_excel_number_is_refused_with_its_row(tmp_path):
    path = _xlsx(tmp_path / "死亡.xlsx", [["姓名", "身份证号", "死亡日期"], ["甲", ID, "2024-01-01"],
                                          ["乙", 530125198001011000.0, "2024-01-02"]])
    with pytest.raises(InputUnusable, match=r"死亡人员名单（死亡.xlsx）第3行“身份证号”列是以数字格式保存的单元格"):
        _compare(tmp_path, deaths=path)


def test_an_id_in_scientific_notation_in_a_csv_is_refused(tmp_path):
    path = tmp_path / "死亡.csv"
    path.write_text(f"姓名,身份证号,死亡日期\n甲,{ID},2024-01-01\n乙,5.30125E+17,2024-01-02\n", encoding="utf-8")
    with pytest.raises(InputUnusable, match="第3行“身份证号”列的值“5.30125E\\+17”是以科学计数法保存的数字"):
        _compare(tmp_path, deaths=path)


def test_a_numeric_id_column_in_parquet_is_refused(tmp_path):
    path = tmp_path / "死亡.parquet"
    pq.write_table(pa.table({"姓名": ["甲"], "身份证号": [530125198001011000], "死亡日期": ["2024-01-01"]}), path)
    with pytest.raises(InputUnusable, match="“身份证号”列是 int64 类型：身份证号必须以文本保存"):
        _compare(tmp_path, deaths=path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("坏.xlsx", b"not a workbook", "死亡人员名单（坏.xlsx）：无法读取工作簿：不是有效的 Excel 工作簿"),
    ("坏.parquet", b"PAR1 not really", "无法读取死亡人员名单（坏.parquet）：不是有效的 Parquet 文件"),
    ("坏.csv", "姓名,身份证号,死亡日期\n".encode() + bytes([0xFF, 0xFE, 0x81]) * 3, "编码无法识别"),
    ("坏.txt", b"x", "格式“.txt”不支持"),
    ("坏.csv", '姓名,身份证号,死亡日期\n"甲\n'.encode(), "无法读取死亡人员名单（坏.csv）：无法识别 CSV 的格式"),
])
def test_an_unreadable_file_is_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputUnusable, match=message):
        _compare(tmp_path, deaths=path)


def test_gb18030_csv_xlsx_and_parquet_rosters_are_read_alike(tmp_path):
    rows = [{"姓名": "甲", "身份证号": ID, "死亡日期": "2024-08-01"}]
    gb = write(tmp_path, "deaths", rows, encoding="gb18030", name="死亡.gb.csv")
    xlsx = _xlsx(tmp_path / "死亡.xlsx", [["姓名", "身份证号码", "死亡日期"], ["甲", ID, "2024-08-01"]])  # an alias
    parquet = tmp_path / "死亡.parquet"
    pq.write_table(pa.table({"name": ["甲"], "id_number": [ID], "death_date": ["2024-08-01"]}), parquet)  # English
    notes = []
    for path in (gb, xlsx, parquet):
        result = _compare(tmp_path, deaths=path)
        found = read_findings(tmp_path / "out" / "findings.csv")
        assert [(f["类型代码"], f["身份证号"]) for f in found] == [("deceased_active", ID)]  # no pension roster given
        notes.append(found[0]["说明"])
        assert result.summary["inputs"][1]["rows"] == 1
    assert notes == ["死亡日期2024-08-01（死亡人员名单第2行），残疾人证仍为有效"] * 3


def test_the_command_exits_2_and_writes_nothing_when_an_input_is_unusable(tmp_path, capsys):
    bad = tmp_path / "养老.csv"
    bad.write_text("姓名,身份证号\n", encoding="utf-8")
    out = tmp_path / "结果"
    code = main(["compare", "--year", "2024", "--registry", str(_registry(tmp_path)), "--roster", f"pension={bad}",
                 "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "缺少必需的列：缴费年度、参保状态" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".jixiao-compare-")]  # the work folder is gone


def test_the_command_exits_0_without_findings_and_1_with(tmp_path, capsys):
    registry = write(tmp_path, "registry", [person("甲", ID, level="一级")])
    deaths = write(tmp_path, "deaths", [{"姓名": "乙", "身份证号": make_id(seq="999"), "死亡日期": "2024-01-01"}])
    args = ["compare", "--year", "2024", "--registry", str(registry), "--roster", f"deaths={deaths}",
            "--out", str(tmp_path / "o")]
    assert main(args) == 0
    assert read_findings(tmp_path / "o" / "findings.csv") == []
    deaths = write(tmp_path, "deaths", [{"姓名": "甲", "身份证号": ID, "死亡日期": "2024-01-01"}])
    assert main(args) == 1
    assert "死亡未注销 1" in capsys.readouterr().out
    assert main([*args, "--roster", "pension=x.csv", "--roster", "pension=y.csv"]) == 2
    assert main([*args[:-2], "--roster", "nonsense=x.csv", "--out", str(tmp_path / "o")]) == 2


def test_row_numbers_of_a_large_csv_read_in_parallel(tmp_path):
    """DuckDB reads a large CSV in parallel; 行号 must still be each row's own line (header = 1)."""
    import duckdb

    from jixiao.comparison.inputs import input_open, source_sql

    path = tmp_path / "死亡.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT '人' || i AS "姓名", CAST(i AS VARCHAR) AS "身份证号", '2024-01-01' AS "死亡日期"
                 FROM range(400000) t(i)) TO '{path}' (HEADER, DELIMITER ',')""")
    spec = input_open("deaths", path, workdir=tmp_path)
    wrong, total = con.execute(f"SELECT COUNT(*) FILTER (WHERE CAST(id_raw AS BIGINT) + 2 <> _row), COUNT(*) "
                               f"FROM ({source_sql(spec)})").fetchone()
    assert (wrong, total) == (0, 400_000)


def test_a_csv_with_short_and_long_rows_and_a_line_break_in_a_cell_is_read_whole(tmp_path):
    """Rows with fewer or more cells than the header are padded (the parallel reader refuses them, so the file is
    read by the single-threaded one); a line break inside a quoted cell does not shift the row numbers."""
    path = tmp_path / "死亡.csv"
    path.write_text(f'姓名,身份证号,死亡日期\n"乙\n乙",{make_id(seq="301")},2024-01-01\n'
                    f"甲,{ID},2024-02-03,多出的一格\n丙,{make_id(seq='302')}\n", encoding="utf-8")
    result = _compare(tmp_path, deaths=path)
    assert [i["rows"] for i in result.summary["inputs"] if i["kind"] == "deaths"] == [3]
    (dead,) = [f for f in read_findings(tmp_path / "out" / "findings.csv") if f["类型代码"] == "deceased_active"]
    assert dead["身份证号"] == ID and dead["说明"].startswith("死亡日期2024-02-03（死亡人员名单第3行）")


@pytest.mark.parametrize("short_row", [None, 250_000])
def test_a_large_csv_is_read_whole_with_or_without_a_short_row_far_down(tmp_path, short_row):
    """The parallel reader finds a short row only when it reaches it (well past what it samples): the file is then
    read again by the tolerant reader, and its other rows are unchanged."""
    from jixiao.comparison import engine_duckdb
    from jixiao.comparison.inputs import input_open

    path = tmp_path / "死亡.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("姓名,身份证号,死亡日期\n")
        out.writelines(f"人{i},{i}\n" if i == short_row else f"人{i},{i},2024-01-01\n" for i in range(300_000))
    con = engine_duckdb.connect(tmp_path)
    spec = input_open("deaths", path, workdir=tmp_path)
    engine_duckdb.load_inputs(con, {"deaths": spec}, TODAY)
    engine_duckdb.input_read(con, spec, "CREATE TEMP TABLE deaths_read AS SELECT * FROM deaths")
    total, wrong, undated = con.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE CAST(id_raw AS BIGINT) + 2 <> _row), "
        "LIST(id_raw) FILTER (WHERE death_date IS NULL) FROM deaths_read").fetchone()
    assert (total, wrong, undated) == (300_000, 0, None if short_row is None else [str(short_row)])
    assert bool(spec.fallback_view) == (short_row is None)  # the tolerant reader was put in place only when needed
