"""Multi-programme workbooks (seed 003): the 子项目 sheets written, read back and checked; a workbook
without them reads as before; `jixiao template --shape`."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from jixiao.cli import main
from jixiao.common.problems import InputInvalid
from jixiao.scoring.inputs import Expenditure, PolicyDocument, Programme, ProgrammeSource
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.schema import PROGRAMME_SHEETS, SHEETS
from jixiao.workbooks.writer import GUIDE_SHEET, write_workbook
from tests.factories import sample_project
from tests.workbooks.sheets import build_xlsx, load_sheets

PROGRAMME_SHEET_NAMES = [s.name for s in PROGRAMME_SHEETS]


def programme_project():
    return sample_project(fund_sources=[], expenditures=[], programmes=[
        Programme("城市居民最低生活保障",
                  policies=[PolicyDocument("关于调整2019年昆明市城乡低保和特困人员供养标准的通知", "昆民联发〔2019〕6号")],
                  sources=[ProgrammeSource("中央", D("26")), ProgrammeSource("省级", D("40")),
                           ProgrammeSource("县区级", D("38.7")), ProgrammeSource("上年结转", D("8.53"), note="2018年结余")],
                  expenditures=[Expenditure("城市低保金", D("70.32"), note="按月发放")],
                  balance_reason="上级资金拨给过多", households=990, persons=1212, monthly_households=83,
                  monthly_persons=101, standard="630元/人/月", description="专户管理。\n按月发放。"),
        Programme("六十年代精减退职职工生活补助", sources=[ProgrammeSource("县区级", D("4.3"))],
                  expenditures=[Expenditure("生活补助金", D("3.79"))], persons=20),
    ])


def test_programmes_round_trip(tmp_path):
    path = tmp_path / "多项目.xlsx"
    write_workbook(path, programme_project())
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    assert names == [GUIDE_SHEET, *(s.name for s in SHEETS), *PROGRAMME_SHEET_NAMES]
    assert read_workbook(path).programmes == programme_project().programmes


def test_programme_sheets_are_staff_readable(tmp_path):
    path = tmp_path / "多项目.xlsx"
    write_workbook(path, programme_project())
    sheets = load_sheets(path)
    assert sheets["子项目"][0][:6] == ["子项目名称", "保障标准", "全年救助户数", "全年救助人数", "月均救助户数", "月均救助人数"]
    assert sheets["子项目"][1][:6] == ["城市居民最低生活保障", "630元/人/月", 990, 1212, 83, 101]
    assert [row[:3] for row in sheets["子项目资金来源"][1:5]] == [
        ["城市居民最低生活保障", "中央", 26], ["城市居民最低生活保障", "省级", 40],
        ["城市居民最低生活保障", "县区级", 38.7], ["城市居民最低生活保障", "上年结转", 8.53]]
    guide = "\n".join(str(v) for row in sheets[GUIDE_SHEET] for v in row if v)
    for name in PROGRAMME_SHEET_NAMES:
        assert f"工作表“{name}”（可选，不用时可留空）" in guide
    assert "结余 = 合计 − 支出合计" in guide


def test_old_workbook_without_programme_sheets_still_reads(tmp_path):
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project())
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [GUIDE_SHEET, *(s.name for s in SHEETS)]
    guide = "\n".join(str(v) for row in load_sheets(path)[GUIDE_SHEET] for v in row if v)
    assert "子项目" not in guide
    project = read_workbook(path)
    assert project.programmes == []
    assert project == read_workbook(path) and project.fund_sources == sample_project().fund_sources


def _edited(tmp_path: Path, edit) -> list:
    good = tmp_path / "good.xlsx"
    write_workbook(good, programme_project())
    sheets = load_sheets(good)
    edit(sheets)
    with pytest.raises(InputInvalid) as caught:
        read_workbook(build_xlsx(tmp_path / "edited.xlsx", sheets))
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


def test_source_of_an_unknown_programme(tmp_path):
    def edit(sheets):
        sheets["子项目资金来源"][2][0] = "城市低保"
    assert _edited(tmp_path, edit) == [
        ("子项目资金来源", 3, "子项目名称", "“子项目”表中没有名为“城市低保”的子项目")]


def test_duplicate_programme_and_negative_count(tmp_path):
    def edit(sheets):
        sheets["子项目"][2][0] = "城市居民最低生活保障"
        sheets["子项目"][1][3] = -5
    # the second programme's rows then name a programme the 子项目 sheet no longer has
    assert _edited(tmp_path, edit) == [
        ("子项目", 2, "全年救助人数", "不能为负数，实际为“-5”"),
        ("子项目", 3, "子项目名称", "子项目名称“城市居民最低生活保障”与第2行重复"),
        ("子项目资金来源", 6, "子项目名称", "“子项目”表中没有名为“六十年代精减退职职工生活补助”的子项目"),
        ("子项目支出", 3, "子项目名称", "“子项目”表中没有名为“六十年代精减退职职工生活补助”的子项目"),
    ]


def test_project_level_money_beside_programmes_is_refused(tmp_path):
    def edit(sheets):
        sheets["资金来源"].append(["中央", 10, 10])
    problems = _edited(tmp_path, edit)
    assert problems == [("资金来源", 2, None, "填了“子项目”表时，资金来源请按子项目填在“子项目资金来源”表，本表留空")]


def test_template_shapes(tmp_path, capsys):
    single, multi = tmp_path / "项目.xlsx", tmp_path / "多项目.xlsx"
    assert main(["template", str(single), "--shape", "项目"]) == 0
    assert main(["template", str(multi), "--shape", "多项目"]) == 0
    assert CalamineWorkbook.from_path(str(single)).sheet_names == [GUIDE_SHEET, *(s.name for s in SHEETS)]
    assert CalamineWorkbook.from_path(str(multi)).sheet_names == [GUIDE_SHEET, *(s.name for s in SHEETS),
                                                                   *PROGRAMME_SHEET_NAMES]
    assert load_sheets(multi)["子项目资金来源"][0][:3] == ["子项目名称", "来源", "到位数（万元）"]
    # 部门整体: tests/workbooks/test_department.py
