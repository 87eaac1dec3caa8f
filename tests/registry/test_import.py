"""Registry import: every validation rule on rows built here, exit statuses, error reports,
idempotency, history of updates, dry-run / strict, and the parallel reader agreeing with the inline one."""

import csv
import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from jixiao.cli import main
from jixiao.common.ids import check_digit
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Certificate, ImportBatch, Person, PersonChange
from jixiao.registry.sources import FileUnreadable
from tests.registry.rows import HEADER, TODAY, make_id, problems, row, run, write_csv

pytestmark = pytest.mark.django_db
def test_valid_row_imported_with_derived_fields(tmp_path):
    result = run(tmp_path, [row()])
    assert (result.created, result.rejected, result.exit_status) == (1, 0, 0)
    person = Person.objects.get()
    assert person.sex == "男" and person.birth_date == date(1980, 1, 1)  # 17th digit 3: odd, male
    assert person.region.code == "530125001002" and person.region_code == "530125001002"  # the village itself
    assert person.list_partition == "530125"  # the village's county: the list reads persons county by county
    cert = Certificate.objects.get()
    assert cert.number == make_id() + "43" and (cert.category, cert.level, cert.generation) == (4, 3, 3)
    assert cert.issued_on == date(2020, 5, 6) and cert.status == "valid"


def test_a_move_to_another_county_takes_the_new_partition(tmp_path):
    run(tmp_path, [row()])
    result = run(tmp_path, [row(户籍地区划代码="530124001001")])
    assert result.updated == 1, problems(result)
    person = Person.objects.get()
    assert (person.region.code, person.list_partition) == ("530124001001", "530124")


@pytest.mark.parametrize(("value", "stored"), [
    ("５３０１２５１９８００１０１１２３" + check_digit("53012519800101123"), make_id()),  # full-width
    (" 5301 2519 8001 0112 3" + check_digit("53012519800101123") + " ", make_id()),  # spaces
    (make_id(born="19800101", seq="125").lower(), make_id(born="19800101", seq="125")),  # x if that is the check digit
    ("530125800101123", make_id()),  # 15 digits: born 19xx
])
def test_id_normalised(tmp_path, value, stored):
    result = run(tmp_path, [row(身份证号=value)])
    assert result.rejected == 0, problems(result)
    assert Person.objects.get().id_number == stored


@pytest.mark.parametrize(("value", "reason"), [
    ("53012519800101123", "应为18位"),
    ("5301251980010112AB", "只能由数字组成"),
    (make_id(born="19800230"), "不是真实的日期"),
    (make_id(born="20300101"), "晚于今天"),
    (make_id(born="18991231"), "早于1900年"),
    (make_id(area="990125"), "地区码"),
    (make_id()[:17] + str((int(make_id()[17]) + 1) % 10 if make_id()[17] != "X" else 0), "校验位错误"),
    ("", "身份证号为空"),
])
def test_id_rejected(tmp_path, value, reason):
    result = run(tmp_path, [row(身份证号=value)])
    found = problems(result)
    assert result.rejected == 1 and result.exit_status == 1 and Person.objects.count() == 0
    assert found[0]["列"] == "身份证号" and reason in found[0]["原因"], found
    assert found[0]["行号"] == "2"


def test_id_stored_as_excel_number_rejected(tmp_path):
    import xlsxwriter

    path = tmp_path / "名册.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    values = row()
    sheet.write_row(1, 0, [values[h] for h in HEADER])
    sheet.write_number(1, 1, float(make_id()[:17] + "0"))  # what Excel keeps of a typed ID
    workbook.close()
    result = registry_import(path, actor=None, today=TODAY, parallel=False, errors_path=tmp_path / "err")
    found = problems(result)
    assert result.rejected == 1 and "数字格式" in found[0]["原因"] and "已经丢失" in found[0]["原因"]


@pytest.mark.parametrize(("column", "value", "ok", "stored"), [
    ("残疾类别", "视力", True, 1), ("残疾类别", "7", True, 7), ("残疾类别", "精神残疾", True, 6),
    ("残疾类别", "8", False, None), ("残疾类别", "失明", False, None), ("残疾类别", "", False, None),
    ("残疾等级", "一级", True, 1), ("残疾等级", "4", True, 4), ("残疾等级", "5", False, None),
    ("残疾等级", "五级", False, None),
])
def test_category_and_level(tmp_path, column, value, ok, stored):
    result = run(tmp_path, [row(**{column: value})])
    assert (result.rejected == 0) == ok, problems(result)
    if ok:
        cert = Certificate.objects.get()
        assert (cert.category if column == "残疾类别" else cert.level) == stored
    else:
        assert problems(result)[0]["列"] == column


def test_certificate_number_consistency(tmp_path):
    good = make_id() + "43"
    assert run(tmp_path, [row(残疾人证号=good)]).rejected == 0
    Person.objects.all().delete()
    found = problems(run(tmp_path, [row(残疾人证号=make_id() + "41")]))
    assert found[0]["列"] == "残疾人证号" and good in found[0]["原因"]
    found = problems(run(tmp_path, [row(残疾人证号=make_id(seq="999") + "43")]))
    assert found[0]["列"] == "残疾人证号"


def test_cancellation_needs_a_reason(tmp_path):
    found = problems(run(tmp_path, [row(证件状态="注销")]))
    assert found[0]["列"] == "注销原因" and "没有填写注销原因" in found[0]["原因"]
    result = run(tmp_path, [row(证件状态="注销", 注销原因="死亡")])
    assert result.rejected == 0
    assert Certificate.objects.get().cancel_reason == "death"


def test_unknown_region_code(tmp_path):
    found = problems(run(tmp_path, [row(户籍地区划代码="110101001001")]))
    assert found[0]["列"] == "户籍地区划代码" and "不在区划表中" in found[0]["原因"]
    found = problems(run(tmp_path, [row(户籍地区划代码="53012")]))
    assert "6位" in found[0]["原因"]


@pytest.mark.parametrize("typed", ["2020-05-06", "2020/5/6", "2020年5月6日", "2020.5.6", "20200506"])
def test_dates_in_usual_forms(tmp_path, typed):
    assert run(tmp_path, [row(发证日期=typed)]).rejected == 0
    assert Certificate.objects.get().issued_on == date(2020, 5, 6)


def test_bad_dates(tmp_path):
    found = problems(run(tmp_path, [row(发证日期="2020-02-30"), row(身份证号=make_id(seq="124"), 发证日期="2027-01-01"),
                                   row(身份证号=make_id(seq="125"), 发证日期="下周")]))
    assert [f["行号"] for f in found] == ["2", "3", "4"]
    assert "不存在" in found[0]["原因"] and "晚于今天" in found[1]["原因"] and "不是日期" in found[2]["原因"]


def test_same_id_twice_in_file(tmp_path):
    result = run(tmp_path, [row(), row(姓名="测试乙", 户籍地址="别处")])
    found = problems(result)
    assert result.created == 1 and result.rejected == 1
    assert found[0]["行号"] == "3" and "第2行" in found[0]["原因"]
    assert Person.objects.get().name == "测试甲"


def test_every_problem_of_a_row_reported(tmp_path):
    found = problems(run(tmp_path, [row(姓名="", 残疾类别="9", 残疾等级="六级", 户籍地区划代码="x")]))
    assert {f["列"] for f in found} == {"姓名", "残疾类别", "残疾等级", "户籍地区划代码"}


def test_reimport_changes_nothing(tmp_path):
    rows = [row(), row(身份证号=make_id(seq="124"), 姓名="测试乙")]
    run(tmp_path, rows)
    before = list(Person.objects.values_list("pk", "updated_at").order_by("pk"))
    result = run(tmp_path, rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Person.objects.values_list("pk", "updated_at").order_by("pk")) == before
    assert PersonChange.objects.count() == 0


def test_update_recorded_in_history(tmp_path):
    from jixiao.accounts.services import user_create
    from jixiao.regions.models import Region

    run(tmp_path, [row()])
    actor = user_create(actor=None, username="county_op", password="x", role="county",
                        region=Region.objects.get(code="530125"), check_password=False)
    result = run(tmp_path, [row(残疾等级="二级", 联系电话="13900002222", 证件状态="注销", 注销原因="迁出")], actor=actor)
    assert result.updated == 1
    cert = Certificate.objects.get()
    assert (cert.level, cert.number, cert.status, cert.cancel_reason) == (2, make_id() + "42", "cancelled", "moved")
    change = PersonChange.objects.get()
    assert change.actor == actor and change.action == "update"
    assert change.changes["残疾等级"] == ["三级", "二级"] and change.changes["联系电话"] == ["13800001111", "13900002222"]
    assert change.changes["证件状态"] == ["有效", "注销"] and change.changes["注销原因"] == [None, "迁出"]


def test_conflicts_with_registry(tmp_path):
    run(tmp_path, [row(), row(身份证号=make_id(seq="124"), 证件状态="注销", 注销原因="死亡")])
    result = run(tmp_path, [row(姓名="改名"), row(身份证号=make_id(seq="124"), 证件状态="有效")])
    found = problems(result)
    assert result.rejected == 2 and result.updated == 0
    assert "姓名" in found[0]["原因"] and "因死亡注销" in found[1]["原因"]
    assert Person.objects.get(id_number=make_id()).name == "测试甲"


def test_dry_run_and_strict_write_nothing(tmp_path):
    rows = [row(), row(身份证号="bad")]
    dry = run(tmp_path, rows, dry_run=True)
    assert (dry.created, dry.rejected, dry.committed) == (1, 1, False) and Person.objects.count() == 0
    strict = run(tmp_path, rows, strict=True)
    assert strict.rejected == 1 and not strict.committed and Person.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    normal = run(tmp_path, rows)
    assert normal.committed and Person.objects.count() == 1 and ImportBatch.objects.get().created == 1


def test_error_report_files(tmp_path):
    result = run(tmp_path, [row(身份证号="123"), row(身份证号=make_id(seq="124"), 残疾类别="0")])
    csv_path, xlsx_path = result.error_files
    assert csv_path.name == "err.csv" and xlsx_path.name == "err.xlsx"
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["行号", "列", "原值", "原因"]
    assert [r[:3] for r in sheet[1:]] == [[2.0, "身份证号", "123"], [3.0, "残疾类别", "0"]]


def test_gb18030_csv_and_aliases_and_title_rows(tmp_path):
    path = tmp_path / "gbk.csv"
    with open(path, "w", encoding="gb18030", newline="") as out:
        out.write("昆明市残疾人名册（虚构）\n")
        writer = csv.writer(out)
        writer.writerow(["序号", "姓 名", "公民身份号码", "类别", "等级", "区划代码", "备注"])
        writer.writerow(["1", "测试丙", make_id(), "听力", "2", "530125", "额外列"])
    result = registry_import(path, actor=None, today=TODAY, parallel=False)
    assert result.created == 1 and Person.objects.get().name == "测试丙"


def test_unreadable_files(tmp_path):
    missing = write_csv(tmp_path / "缺列.csv", [row()], header=["姓名", "身份证号", "残疾等级"])
    with pytest.raises(FileUnreadable, match="残疾类别"):
        registry_import(missing, actor=None, today=TODAY, parallel=False)
    fake = tmp_path / "假.xlsx"
    fake.write_bytes(b"this is not a workbook")
    with pytest.raises(FileUnreadable, match="不是有效的 Excel"):
        registry_import(fake, actor=None, today=TODAY, parallel=False)
    other = tmp_path / "名册.doc"
    other.write_text("x")
    with pytest.raises(FileUnreadable, match="不支持"):
        registry_import(other, actor=None, today=TODAY)


def test_exit_statuses_through_the_cli(tmp_path, capsys):
    good = write_csv(tmp_path / "好.csv", [row()])
    assert main(["import", "registry", str(good)]) == 0
    some_bad = write_csv(tmp_path / "部分.csv", [row(身份证号=make_id(seq="130")), row(身份证号="坏")])
    assert main(["import", "registry", str(some_bad), "--errors", str(tmp_path / "报告")]) == 1
    assert (tmp_path / "报告.csv").exists() and (tmp_path / "报告.xlsx").exists()
    missing = write_csv(tmp_path / "缺列.csv", [row()], header=["姓名"])
    assert main(["import", "registry", str(missing)]) == 2
    assert "缺少必需的列" in capsys.readouterr().err
    assert main(["import", "registry", str(tmp_path / "没有.csv")]) == 2
    assert Person.objects.count() == 2


def test_parallel_reader_same_as_inline(tmp_path):
    from jixiao.registry.synth import write_registry

    path = write_registry(tmp_path / "synth.csv", 3000, 5)
    inline = registry_import(path, actor=None, today=TODAY, parallel=False)
    rows_inline = sorted(Person.objects.values_list("id_number", "name", "region_id", "birth_date", "sex"))
    certs_inline = sorted(Certificate.objects.values_list("number", "status", "issued_on"))
    Person.objects.all().delete()
    parallel = registry_import(path, actor=None, today=TODAY, parallel=True)
    assert (inline.created, parallel.created) == (3000, 3000)
    assert sorted(Person.objects.values_list("id_number", "name", "region_id", "birth_date", "sex")) == rows_inline
    assert sorted(Certificate.objects.values_list("number", "status", "issued_on")) == certs_inline


def test_synth_registry_is_valid_and_deterministic(tmp_path):
    from jixiao.registry.synth import synth_registry_rows

    first = list(synth_registry_rows(500, 3))
    assert first == list(synth_registry_rows(500, 3)) and first != list(synth_registry_rows(500, 4))
    assert any(r[6] == "注销" for r in synth_registry_rows(2000, 3))
    path = write_csv(tmp_path / "s.csv", [dict(zip(HEADER + ["注销日期"], r, strict=True)) for r in first],
                     header=HEADER + ["注销日期"])
    result = registry_import(path, actor=None, today=TODAY, parallel=False)
    assert (result.created, result.rejected) == (500, 0)


def test_synth_cli_formats(tmp_path):
    for suffix in (".xlsx", ".csv", ".parquet"):
        out = tmp_path / f"r{suffix}"
        assert main(["synth", "registry", "--n", "50", "--seed", "2", "--out", str(out)]) == 0
        if suffix == ".parquet":  # the comparison's input format: not importable, read by DuckDB
            import duckdb

            assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall() == [(50,)]
        else:
            result = registry_import(out, today=TODAY, actor=None, parallel=False, dry_run=True)
            assert (result.rows, result.rejected) == (50, 0), suffix
    assert main(["synth", "registry", "--n", "5", "--out", str(tmp_path / "r.txt")]) == 2
    text = io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))
    assert next(csv.reader(text))[:2] == ["姓名", "身份证号"]
