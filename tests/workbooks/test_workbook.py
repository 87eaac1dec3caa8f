"""The project workbook: writer ↔ reader round trip, the blank template, and every validation rule.

Bad workbooks are made by writing a good one, loading its cells as Python lists, editing them
and writing the lists back out (``build_xlsx``). Pure Python: no database.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from jixiao.common.problems import InputInvalid, Problem
from jixiao.scoring.engine import evaluate
from jixiao.scoring.inputs import (
    Allocation,
    Expenditure,
    GradeScale,
    Interview,
    ProjectInput,
    SurveyQuestion,
    Target,
)
from jixiao.scoring.presets import PRESETS
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.schema import INFO_KEYS, NARRATIVE_KEYS, SHEETS
from jixiao.workbooks.writer import GUIDE_SHEET, write_workbook
from tests.factories import sample_project
from tests.workbooks.sheets import build_xlsx, info_row, load_sheets, set_cell, set_info

# --- helpers -------------------------------------------------------------------------------


def sample_sheets(tmp_path: Path, project: ProjectInput | None = None) -> dict[str, list[list]]:
    good = tmp_path / "good.xlsx"
    write_workbook(good, project or sample_project())
    return load_sheets(good)


def read_sheets(tmp_path: Path, sheets, **kwargs) -> ProjectInput:
    return read_workbook(build_xlsx(tmp_path / "edited.xlsx", sheets), **kwargs)


def problems_in(tmp_path: Path, sheets, **kwargs) -> list[Problem]:
    with pytest.raises(InputInvalid) as caught:
        read_sheets(tmp_path, sheets, **kwargs)
    assert all(p.file == "edited.xlsx" for p in caught.value.problems)
    return caught.value.problems


def assert_problem(problems: list[Problem], sheet: str, row: int | None, column: str | None, phrase: str) -> None:
    found = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column) and phrase in p.message]
    assert found, f"no problem at {sheet}/{row}/{column} saying “{phrase}”; got:\n" + "\n".join(map(str, problems))


def expected_read_back(project: ProjectInput) -> ProjectInput:
    """What reading a written project gives: indicator rows carry their spreadsheet row."""
    for row, indicator in enumerate(project.indicators, start=2):
        indicator.row = row
    return project


def assert_same_project(actual: ProjectInput, expected: ProjectInput) -> None:
    for f in fields(ProjectInput):
        assert getattr(actual, f.name) == getattr(expected, f.name), f.name


def rich_project() -> ProjectInput:
    """The sample plus every optional field the workbook can carry."""
    project = sample_project(
        demo_note="演示数据：根据公开报告整理。",
        balance_reason="上级资金下达较晚。",
        grade_scale=GradeScale([("优", D(85)), ("良", D("72.5")), ("差", D(0))]),
        allocations=[
            Allocation("宜良县", "530125", D("60.123456"), 580, 600, "含追加"),
            Allocation("晋宁县", "530115", D("39.876544"), 400, 420),
        ],
        expenditures=[
            Expenditure("下拨宜良县", D("60.123456"), date(2024, 6, 3), "宜良县", "一次拨付"),
            Expenditure("下拨晋宁县", D("39.876544"), date(2024, 6, 4), "晋宁县"),
        ],
        interviews=[
            Interview("实施情况", "补助按时发放到位。", "张某", "项目负责人", "座谈", date(2025, 4, 10)),
            Interview("满意度", "对补助标准满意。", "李某", "受益对象代表", "入户访谈"),
        ],
    )
    project.targets.append(Target("效益-社会", "生活改善", "定性", None, target_text="明显改善", actual_text="基本达成"))
    project.indicators[3].individual = True
    project.survey.coefficients["D"] = D("0.5")
    project.survey.questions.append(SurveyQuestion(3, "您对工作人员态度的评价是：", D(0), {"A": 9, "D": 1}))
    return project


# --- round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("make_project", [sample_project, rich_project], ids=["sample", "rich"])
def test_written_workbook_reads_back_into_an_equal_project(tmp_path, make_project):
    path = tmp_path / "project.xlsx"
    write_workbook(path, make_project())
    assert_same_project(read_workbook(path), expected_read_back(make_project()))


def test_read_workbook_evaluates_to_the_same_total(tmp_path):
    path = tmp_path / "project.xlsx"
    write_workbook(path, sample_project())
    from_workbook = evaluate(read_workbook(path))
    direct = evaluate(sample_project())
    assert from_workbook.total == direct.total == D("99.50")
    assert from_workbook.grade == direct.grade


def test_rebuilt_unedited_workbook_reads_back(tmp_path):
    """The edit helpers themselves lose nothing."""
    project = read_sheets(tmp_path, sample_sheets(tmp_path))
    assert_same_project(project, expected_read_back(sample_project()))


def test_column_order_is_free_and_extra_columns_are_ignored(tmp_path):
    sheets = sample_sheets(tmp_path)
    for name in ("指标评分", "资金来源"):
        sheets[name] = [list(reversed(row)) + ["随手备注"] for row in sheets[name]]
    sheets["随意新增的表"] = [["x"], [1]]
    assert_same_project(read_sheets(tmp_path, sheets), expected_read_back(sample_project()))


def test_headers_match_with_half_width_parentheses_and_spaces(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["资金来源"][0] = [str(h).replace("（", "(").replace("）", ") ") for h in sheets["资金来源"][0]]
    assert read_sheets(tmp_path, sheets).fund_sources == sample_project().fund_sources


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["指标评分"].insert(3, [""] * len(sheets["指标评分"][0]))
    project = read_sheets(tmp_path, sheets)
    assert [i.code for i in project.indicators] == [i.code for i in sample_project().indicators]
    assert project.indicators[1].row == 3 and project.indicators[2].row == 5


# --- the blank template --------------------------------------------------------------------


def sheet_xml(path: Path) -> dict[str, str]:
    """Each sheet's XML by sheet name."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        return {
            name: archive.read("xl/" + targets[rid]).decode()
            for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook)
        }


def test_blank_template_has_guide_then_every_schema_sheet_with_its_headers(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    sheets = load_sheets(path)
    assert list(sheets) == [GUIDE_SHEET, *(s.name for s in SHEETS)]
    for sheet in SHEETS:
        assert sheets[sheet.name][0] == [c.name for c in sheet.columns], sheet.name
    assert [row[0] for row in sheets["项目信息"][1:]] == [k.name for k in INFO_KEYS]
    assert [row[0] for row in sheets["报告文字"][1:]] == list(NARRATIVE_KEYS)


def test_guide_sheet_describes_every_sheet_column_and_info_key(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    guide = load_sheets(path)[GUIDE_SHEET]
    first_cells = {row[0] for row in guide if row}
    text = "\n".join(str(v) for row in guide for v in row)
    for sheet in SHEETS:
        assert f"工作表“{sheet.name}”" in text
        for column in sheet.keys or sheet.columns:
            assert column.name in first_cells, column.name
    assert "工作表“问卷答卷”" in text and "系数D" in text


def test_blank_template_has_drop_downs_for_choice_columns(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    xml = sheet_xml(path)
    for sheet in SHEETS:
        for col, column in enumerate(sheet.columns):
            if column.kind != "choice":
                continue
            letter = chr(ord("A") + col)
            formula = '<formula1>"' + ",".join(column.choices) + '"</formula1>'
            assert re.search(rf'<dataValidation type="list"[^>]*sqref="{letter}2:{letter}\d+">{formula}', xml[sheet.name]), (
                sheet.name, column.name)
    # 项目信息: the 内容 cell of 项目类型 (third key → row 4) has its own drop-down.
    assert re.search(r'sqref="B4"><formula1>"部门专项,对下补助,工作经费"</formula1>', xml["项目信息"])


def test_blank_template_reads_back_missing_only_the_required_project_information(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    with pytest.raises(InputInvalid) as caught:
        read_workbook(path)
    required = [k.name for k in INFO_KEYS if k.required]
    assert [(p.sheet, p.column) for p in caught.value.problems] == [("项目信息", "内容")] * len(required)
    assert [p.row for p in caught.value.problems] == [i for i, k in enumerate(INFO_KEYS, start=2) if k.required]


def test_info_keys_carry_their_help_as_comments(tmp_path):
    path = tmp_path / "blank.xlsx"
    write_workbook(path)
    with zipfile.ZipFile(path) as archive:
        comments = "".join(archive.read(n).decode() for n in archive.namelist() if "comments" in n)
    assert "与批复文件一致的项目全称" in comments


# --- unreadable files and structure --------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_one_problem(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    with pytest.raises(InputInvalid) as caught:
        read_workbook(path)
    [problem] = caught.value.problems
    assert problem.sheet == "" and problem.file == "notes.xlsx" and "无法读取工作簿" in problem.message


def test_a_missing_file_is_one_problem(tmp_path):
    with pytest.raises(InputInvalid) as caught:
        read_workbook(tmp_path / "nowhere.xlsx")
    [problem] = caught.value.problems
    assert problem.sheet == "" and "找不到文件" in problem.message


def test_missing_required_sheet(tmp_path):
    sheets = sample_sheets(tmp_path)
    del sheets["资金来源"]
    assert_problem(problems_in(tmp_path, sheets), "资金来源", None, None, "缺少工作表“资金来源”")


def test_optional_sheets_may_be_absent(tmp_path):
    sheets = sample_sheets(tmp_path)
    for name in ("资金分配", "满意度问卷", "访谈"):
        del sheets[name]
    project = read_sheets(tmp_path, sheets)
    assert project.allocations == [] and project.survey is None and project.interviews == []


def test_missing_required_column(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["指标评分"] = [row[:3] + row[4:] for row in sheets["指标评分"]]  # drop 权重分
    assert_problem(problems_in(tmp_path, sheets), "指标评分", 1, "权重分", "缺少必填列“权重分”")


def test_required_cell_empty(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "指标评分", 4, "指标名称", "")
    assert_problem(problems_in(tmp_path, sheets), "指标评分", 4, "指标名称", "必填，不能为空")


def test_every_problem_is_reported_at_once(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金来源", 2, "预算数（万元）", "abc")
    set_cell(sheets, "资金分配", 3, "区划", "火星县")
    set_cell(sheets, "指标评分", 3, "编码", "A")
    problems = problems_in(tmp_path, sheets)
    assert {p.sheet for p in problems} == {"资金来源", "资金分配", "指标评分"}


# --- cell values ---------------------------------------------------------------------------


def test_text_in_number_cell(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金来源", 2, "预算数（万元）", "abc")
    assert_problem(problems_in(tmp_path, sheets), "资金来源", 2, "预算数（万元）", "应为数字，实际为“abc”")


def test_full_width_and_padded_numbers_typed_as_text_are_accepted(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金来源", 2, "预算数（万元）", "１００")
    set_cell(sheets, "资金来源", 2, "到位数（万元）", " 100 ")
    set_cell(sheets, "资金分配", 2, "实际受益人数", "６００")
    set_cell(sheets, "绩效目标", 3, "目标值", "０．５")
    assert_same_project(read_sheets(tmp_path, sheets), expected_read_back(sample_project()))


def test_negative_money(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "支出", 2, "金额（万元）", -5)
    assert_problem(problems_in(tmp_path, sheets), "支出", 2, "金额（万元）", "金额不能为负数")


def test_money_with_more_than_six_decimals(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 2, "分配金额（万元）", 60.1234567)
    assert_problem(problems_in(tmp_path, sheets), "资金分配", 2, "分配金额（万元）", "金额精度超过分")


def test_money_with_six_decimals_is_exact(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 2, "分配金额（万元）", 317.395001)
    assert read_sheets(tmp_path, sheets).allocations[0].amount == D("317.395001")


def test_int_cell_with_a_fraction(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 3, "实际受益人数", 420.5)
    assert_problem(problems_in(tmp_path, sheets), "资金分配", 3, "实际受益人数", "应为整数，实际为“420.5”")


@pytest.mark.parametrize("typed", ["2025-04-01", "2025/4/1", "2025年4月1日", "2025.4.1", "２０２５－０４－０１",
                                   datetime(2025, 4, 1)])
def test_dates_typed_in_the_usual_ways(tmp_path, typed):
    sheets = sample_sheets(tmp_path)
    set_info(sheets, "评价开始日期", typed)
    assert read_sheets(tmp_path, sheets).evaluation_start == date(2025, 4, 1)


@pytest.mark.parametrize(("typed", "phrase"), [("2025-02-30", "日期无效"), ("下个月", "应为日期"), (45000, "应为日期")])
def test_invalid_date(tmp_path, typed, phrase):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "访谈", 2, "访谈日期", typed)
    assert_problem(problems_in(tmp_path, sheets), "访谈", 2, "访谈日期", phrase)


def test_choice_not_in_list(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金来源", 2, "来源", "国家级")
    assert_problem(problems_in(tmp_path, sheets), "资金来源", 2, "来源",
                   "“国家级”不是可选值，应为：中央、省级、市级、县区级、上年结转、彩票公益金、调指标、其他")


def test_bad_rule_name(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "指标评分", 4, "评分规则", "打分")
    assert_problem(problems_in(tmp_path, sheets), "指标评分", 4, "评分规则", "“打分”不是可选值")


def test_operators_typed_on_a_plain_keyboard(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "绩效目标", 2, "比较符", ">=")
    set_cell(sheets, "绩效目标", 3, "比较符", " <= ")
    targets = read_sheets(tmp_path, sheets).targets
    assert [t.operator for t in targets] == ["≥", "≤", "≥"]


def test_numeric_target_needs_a_value(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "绩效目标", 2, "目标值", "")
    assert_problem(problems_in(tmp_path, sheets), "绩效目标", 2, "目标值", "比较符为“≥”时须填写目标值")


# --- regions -------------------------------------------------------------------------------


def test_unknown_region_in_allocations(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 3, "区划", "火星县")
    assert_problem(problems_in(tmp_path, sheets), "资金分配", 3, "区划",
                   "未知区划“火星县”，请填写县（市、区）名称或6位区划代码")


def test_unknown_region_in_expenditures_and_project_region(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "支出", 2, "区划", "月球区")
    row = set_info(sheets, "所属区划", "999999")
    problems = problems_in(tmp_path, sheets)
    assert_problem(problems, "支出", 2, "区划", "未知区划“月球区”")
    assert_problem(problems, "项目信息", row, "内容", "未知区划“999999”")


def test_regions_by_code_former_name_and_custom_lookup(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 2, "区划", 530125)  # typed as a number
    set_cell(sheets, "资金分配", 3, "区划", "晋宁县")
    project = read_sheets(tmp_path, sheets)
    assert [(a.region_name, a.region_code) for a in project.allocations] == [("宜良县", "530125"), ("晋宁县", "530115")]
    assert (project.region_name, project.region_code) == ("昆明市", "530100")

    problems = problems_in(tmp_path, sheets, region_lookup=lambda text: None)
    assert_problem(problems, "资金分配", 2, "区划", "未知区划“530125”")


def test_duplicate_region_in_allocations(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "资金分配", 3, "区划", "530125")  # 宜良县 again, by its code
    assert_problem(problems_in(tmp_path, sheets), "资金分配", 3, "区划", "区划“530125”与第2行重复")


# --- duplicates ----------------------------------------------------------------------------


def test_duplicate_indicator_code(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "指标评分", 5, "编码", "A11")
    assert_problem(problems_in(tmp_path, sheets), "指标评分", 5, "编码", "指标编码“A11”与第4行重复")


def test_duplicate_target_name(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "绩效目标", 3, "指标名称", "补助人数")
    assert_problem(problems_in(tmp_path, sheets), "绩效目标", 3, "指标名称", "目标名称“补助人数”与第2行重复")


def test_duplicate_question_number(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "满意度问卷", 3, "题号", 1)
    assert_problem(problems_in(tmp_path, sheets), "满意度问卷", 3, "题号", "题号“1”与第2行重复")


# --- 项目信息 -------------------------------------------------------------------------------


def test_info_missing_required_key(tmp_path):
    sheets = sample_sheets(tmp_path)
    del sheets["项目信息"][info_row(sheets, "主管单位") - 1]
    assert_problem(problems_in(tmp_path, sheets), "项目信息", None, "项目", "缺少必填项目“主管单位”")


def test_info_unknown_key(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["项目信息"].append(["项目负责人", "王某"])
    row = len(sheets["项目信息"])
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "项目", "未知的项目“项目负责人”")


@pytest.mark.parametrize(("typed", "phrase"), [(1999, "2000至2100"), ("二〇二四", "应为数字"), (2024.5, "应为整数")])
def test_implausible_year(tmp_path, typed, phrase):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "年度", typed)
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", phrase)


def test_beneficiary_target_must_name_a_target(tmp_path):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "受益人数目标", "受益人数")
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", "“绩效目标”表中没有名为“受益人数”的目标")


def test_evaluation_period_must_not_run_backwards(tmp_path):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "评价结束日期", date(2025, 3, 1))
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", "评价结束日期早于评价开始日期")


def test_grade_scale_text_is_parsed(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_info(sheets, "等级阈值", "优≥85，良75，中60，差0")
    scale = read_sheets(tmp_path, sheets).grade_scale
    assert scale.bands == [("优", D(85)), ("良", D(75)), ("中", D(60)), ("差", D(0))]


@pytest.mark.parametrize(("typed", "phrase"), [("优秀", "无法识别等级阈值"), ("优80,良90,差0", "须从高到低排列")])
def test_grade_scale_unparsable(tmp_path, typed, phrase):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "等级阈值", typed)
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", phrase)


# --- the survey ----------------------------------------------------------------------------


def test_option_used_without_a_coefficient(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "满意度问卷", 3, "D人数", 1)
    assert_problem(problems_in(tmp_path, sheets), "满意度问卷", 3, "D人数",
                   "第2题有1人选择D，但没有设置D选项的系数")


def test_d_coefficient_beside_a_preset(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_cell(sheets, "满意度问卷", 3, "D人数", 1)
    set_info(sheets, "系数D", 0.6)
    survey = read_sheets(tmp_path, sheets).survey
    assert survey.preset == "昆明三档"
    assert survey.coefficients == {**PRESETS["昆明三档"], "D": D("0.6")}


def test_preset_coefficients_cannot_be_overridden(tmp_path):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "系数A", 0.95)
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", "系数A由方案确定")


def test_unknown_preset(tmp_path):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "问卷系数方案", "长沙五档")
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", "未知的问卷系数方案“长沙五档”，可选：昆明三档")


def test_explicit_coefficients_without_a_preset(tmp_path):
    sheets = sample_sheets(tmp_path)
    set_info(sheets, "问卷系数方案", "")
    for letter, value in (("A", 1), ("B", 0.8), ("C", 0.6)):
        set_info(sheets, f"系数{letter}", value)
    survey = read_sheets(tmp_path, sheets).survey
    assert survey.preset == "" and survey.coefficients == {"A": D(1), "B": D("0.8"), "C": D("0.6")}


def test_coefficient_out_of_range(tmp_path):
    sheets = sample_sheets(tmp_path)
    row = set_info(sheets, "系数D", 1.5)
    assert_problem(problems_in(tmp_path, sheets), "项目信息", row, "内容", "系数D应在0到1之间")


def test_survey_sheet_without_rows_means_no_survey(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["满意度问卷"] = sheets["满意度问卷"][:1]
    assert read_sheets(tmp_path, sheets).survey is None


def test_question_without_any_counts(tmp_path):
    sheets = sample_sheets(tmp_path)
    for letter in "AB":
        set_cell(sheets, "满意度问卷", 2, f"{letter}人数", "")
    assert_problem(problems_in(tmp_path, sheets), "满意度问卷", 2, "A人数", "未填写各选项人数")


def answer_rows(first: str, second: str) -> list[list]:
    """问卷答卷 rows: one answer sheet per letter pair."""
    return [["答卷编号", "第1题", "第2题"]] + [[f"No.{i}", a, b] for i, (a, b) in enumerate(zip(first, second, strict=True), 1)]


# The sample's counts: question 1 A 8, B 2; question 2 A 7, B 2, C 1 (lower case accepted).
SAMPLE_ANSWERS = ("aaaaaaaabb", "AAAAAAABBC")


def test_counts_are_tallied_from_answer_sheets(tmp_path):
    sheets = sample_sheets(tmp_path)
    for row in (2, 3):
        for letter in "ABC":
            set_cell(sheets, "满意度问卷", row, f"{letter}人数", "")
    sheets["问卷答卷"] = answer_rows(*SAMPLE_ANSWERS)
    assert read_sheets(tmp_path, sheets).survey == sample_project().survey


def test_answer_sheets_agree_with_typed_counts(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["问卷答卷"] = answer_rows(*SAMPLE_ANSWERS)
    assert read_sheets(tmp_path, sheets).survey == sample_project().survey


def test_answer_sheets_disagreeing_with_typed_counts(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["问卷答卷"] = answer_rows("AAAAAAAABB", "AAAAAAABBB")
    problems = problems_in(tmp_path, sheets)
    assert_problem(problems, "满意度问卷", 3, "B人数", "与“问卷答卷”表汇总（A 7、B 3）不一致")
    assert [p.row for p in problems] == [3]  # question 1 agrees


def test_answer_sheet_with_a_bad_letter_and_a_missing_answer(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["问卷答卷"] = answer_rows(*SAMPLE_ANSWERS)
    sheets["问卷答卷"][3][1] = "F"
    sheets["问卷答卷"][5][2] = ""
    problems = problems_in(tmp_path, sheets)
    assert_problem(problems, "问卷答卷", 4, "第1题", "答案应为 A–E 中的一个字母，实际为“F”")
    assert_problem(problems, "问卷答卷", 6, "第2题", "第2题未作答")


def test_answer_sheet_columns_must_match_the_questions(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["问卷答卷"] = [["答卷编号", "第1题", "第3题"], ["1", "A", "A"]]
    problems = problems_in(tmp_path, sheets)
    assert_problem(problems, "问卷答卷", 1, "第3题", "“满意度问卷”表中没有第3题")
    assert_problem(problems, "问卷答卷", 1, "第2题", "缺少“第2题”列")


def test_empty_answer_sheet_is_fine(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["问卷答卷"] = [["答卷编号", "第1题", "第2题"]]
    assert read_sheets(tmp_path, sheets).survey == sample_project().survey


# --- 报告文字 -------------------------------------------------------------------------------


def test_unknown_narrative_paragraph(tmp_path):
    sheets = sample_sheets(tmp_path)
    sheets["报告文字"].append(["前言", "……"])
    row = len(sheets["报告文字"])
    assert_problem(problems_in(tmp_path, sheets), "报告文字", row, "段落", "未知的段落“前言”")


def test_narrative_keeps_its_line_breaks(tmp_path):
    project = read_sheets(tmp_path, sample_sheets(tmp_path))
    assert project.narrative["存在的问题"] == "1.宣传不足。\n2.流程繁琐。"
    assert set(project.narrative) == {"立项背景及目的", "存在的问题"}


def test_report_dated_before_the_evaluation_ends_is_refused(tmp_path):
    from datetime import date

    from jixiao.common.problems import InputInvalid
    from jixiao.workbooks.reader import read_workbook
    from jixiao.workbooks.writer import write_workbook
    from tests.factories import sample_project

    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(evaluation_end=date(2025, 5, 31), report_date=date(2025, 5, 19)))
    with pytest.raises(InputInvalid) as info:
        read_workbook(path)
    problem = info.value.problems[0]
    assert (problem.sheet, problem.column) == ("项目信息", "内容") and "早于评价结束日期" in problem.message
