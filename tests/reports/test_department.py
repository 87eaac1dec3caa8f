"""The department-level report (seed 004's outline): 项目支出资金概况 with the table of project groups
(预算 and 支出, each total and own-level, 调指标 noted, 合计 computed), 项目绩效目标情况 with the 民生实事
tasks and completion rates first, 资金使用管理情况, 绩效评价工作情况, 存在的问题, 改进措施 and the
publication sentence. Every figure comes from scoring.figures; the table is checked cell by cell."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document

from jixiao.audit.services import audit_file
from jixiao.reports.build_template import DEPARTMENT_TEMPLATE_PATH, build_department_template
from jixiao.reports.docx_report import render_report
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.factories import sample_project
from tests.reports.test_programmes import NO_CHARTS, cells, texts
from tests.scoring.test_department import seed004_groups, seed004_tasks


def department_project():
    groups = seed004_groups()
    groups[0].purpose = "含精神病防治经费6万、残疾人活动经费27万元"
    return sample_project(
        name="部门项目支出", region_name="开福区", owner_unit="长沙市开福区残疾人联合会",
        project_groups=groups, livelihood_tasks=seed004_tasks(),
        narrative={
            "主要绩效": "市级为民办实事项目：完成1个社区无障碍环境改造。\n康复工作：为665名残疾人适配基本辅具1032件。",
            "组织及管理情况": "严格执行财务制度，加强项目资金的管理。",
            "评价实施过程": "明确了预算绩效管理牵头部门。\n绩效自评工作由财务牵头进行。",
            "存在的问题": "民生兜底相关舆情热点值得关注。\n基层服务队伍专业化程度欠缺。",
            "建议和改进措施": "坚持党建引领。\n聚焦民生保障。",
        })


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("department") / "报告.docx"
    render_report(build_figures(evaluate(department_project())), path, charts=NO_CHARTS)
    return path


def test_outline_follows_seed_004(report):
    t = texts(report)
    assert t[0] == "长沙市开福区残疾人联合会2024年度项目支出绩效自评报告"
    headings = [x for x in t if x[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == ["一、项目支出基本情况", "二、绩效评价工作情况", "三、存在的问题", "四、改进措施",
                        "五、其他需要说明的问题"]
    assert [x for x in t if x.startswith("（") and x.endswith("情况") or x == "（一）项目支出资金概况"] == [
        "（一）项目支出资金概况", "（二）项目绩效目标情况", "（三）资金使用管理情况"]
    i = t.index("三、存在的问题")
    assert t[i + 1:i + 3] == ["（一）民生兜底相关舆情热点值得关注。", "（二）基层服务队伍专业化程度欠缺。"]
    i = t.index("四、改进措施")
    assert t[i + 1:i + 3] == ["（一）坚持党建引领。", "（二）聚焦民生保障。"]
    i = t.index("五、其他需要说明的问题")
    assert t[i + 1] == "按相关规定将绩效目标自评报告进行公开，广泛接受社会监督。"


def test_overview_and_tasks(report):
    t = texts(report)
    assert ("2024年我单位项目支出预算共977.58万元，包含项目5个，实际支出1616.99万元（工作经费82.8万元、专项经费1534.19万元），"
            "涵盖项目5个。具体情况如下：") in t
    i = t.index("（二）项目绩效目标情况")
    assert t[i + 1:i + 4] == [
        "1、省重点民生实事项目：任务为“完成90户困难残疾人家庭无障碍改造”，实际完成99户，任务数完成110.00%；"
        "任务为“完成180人残疾儿童康复救助”，实际完成205人（1944个月，任务1440个月），任务数完成113.89%。",
        "2、市级为民办实事项目：完成1个社区无障碍环境改造。",
        "3、康复工作：为665名残疾人适配基本辅具1032件。",
    ]
    i = t.index("二、绩效评价工作情况")
    assert t[i + 1:i + 3] == ["明确了预算绩效管理牵头部门。", "绩效自评工作由财务牵头进行。"]


def test_department_table_cell_by_cell(report):
    table = Document(str(report)).tables[0]
    assert cells(table) == [
        ["项目名称", "项目类型", "资金用途、使用方向", "预算金额", "预算金额", "支出金额", "支出金额"],
        ["项目名称", "项目类型", "资金用途、使用方向", "指标总额", "其中：区级资金", "支出总额", "其中：区级资金"],
        ["残疾人工作经费", "部门专项", "含精神病防治经费6万、残疾人活动经费27万元", "97", "97", "82.8", "82.8"],
        ["残疾人康复项目（含彩票公益金）", "部门专项", "", "280", "280", "522.59", "173.55"],
        ["残疾人托养、就业项目", "部门专项", "", "213", "213", "542.733", "209.1"],
        ["残疾人小秘书项目", "部门专项", "", "145.18", "145.18", "140.68", "140.68"],
        ["其他残疾人事业", "部门专项", "", "242.4", "242.4", "328.187（含调指标23.075万元）", "223.945（含调指标23.075万元）"],
        ["合计", "合计", "合计", "977.58", "977.58", "1616.99", "830.075"],
    ]


def test_department_report_audits_clean(report):
    result = audit_file(report)
    assert result.errors == [] and result.findings == [], result.as_text()


def test_project_without_groups_keeps_the_seed_001_outline(tmp_path):
    path = render_report(build_figures(evaluate(sample_project())), tmp_path / "r.docx", charts=NO_CHARTS)
    assert "项目支出资金概况" not in "".join(texts(path))


def test_committed_department_template_matches_its_generator(tmp_path):
    rebuilt = build_department_template(tmp_path / "t.docx")
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        with zipfile.ZipFile(DEPARTMENT_TEMPLATE_PATH) as a, zipfile.ZipFile(rebuilt) as b:
            assert a.read(part) == b.read(part), f"{part} differs: run python -m jixiao.reports.build_template"


def test_score_sheet_has_a_department_sheet(tmp_path):
    from python_calamine import CalamineWorkbook

    from jixiao.reports.scoresheet import write_score_sheet

    path = write_score_sheet(build_figures(evaluate(department_project())), tmp_path / "评分表.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["评分汇总", "指标评分", "满意度", "资金", "部门项目"]
    rows = book.get_sheet_by_name("部门项目").to_python()
    assert rows[1] == ["序号", "项目名称", "项目类型", "经费类别", "预算总额（万元）", "预算其中区级（万元）", "支出总额（万元）",
                       "支出其中区级（万元）", "调整事项", "调整金额（万元）"]
    assert rows[2][:8] == [1, "残疾人工作经费", "部门专项", "工作经费", 97, 97, 82.8, 82.8]
    assert rows[6] == [5, "其他残疾人事业", "部门专项", "专项经费", 242.4, 242.4, 328.187, 223.945, "调指标", 23.075]
    assert rows[7][:8] == ["合计", "", "", "", 977.58, 977.58, 1616.99, 830.075]
    assert (rows[8][0], rows[8][6]) == ("其中：工作经费", 82.8)
    assert (rows[9][0], rows[9][6]) == ("其中：专项经费", 1534.19)
    assert rows[11][:7] == ["序号", "任务", "类别", "单位", "目标数", "完成数", "完成率"]
    assert rows[12][:7] == [1, "困难残疾人家庭无障碍改造", "省重点民生实事项目", "户", 90, 99, 1.1]
    assert rows[13][6] == pytest.approx(205 / 180, abs=1e-4)
