"""Seed 004 (a Changsha district federation of disabled persons, 2022, department-level) reproduced by
`jixiao demo` from its published figures: the project-group table's totals 977.58 / 977.58 / 1616.99 /
830.075 万元, the split 工作经费 82.8 + 专项经费 1534.19, the 民生实事 completion rates 110% and 113.89%;
where the seed's own printed figure does not follow from its parts the computed one is printed and the
demo workbook's 演示说明 names the printed figure it corrects. The report audits clean."""

from __future__ import annotations

import json

import pytest
from docx import Document

from jixiao.audit.services import audit_file
from jixiao.demo.run import WORKBOOK_NAME, demo_run
from jixiao.demo.seeds import DEMO_KEYS, DEPARTMENT_SEED_KEYS, load_seed, seed_folder_name
from jixiao.workbooks.reader import read_workbook
from tests.workbooks.sheets import load_sheets

# name, 预算 总额, 其中区级, 支出总额 (as printed), 其中区级 (as printed)
GROUPS = [
    ("残疾人工作经费", "97", "97", "82.8", "82.8"),
    ("残疾人康复项目（含彩票公益金）", "280", "280", "522.59", "173.55"),
    ("残疾人托养、就业项目", "213", "213", "542.733", "209.1"),  # the seed prints 209.10
    ("残疾人小秘书项目", "145.18", "145.18", "140.68", "140.68"),
    ("其他残疾人事业", "242.4", "242.4", "328.187（含调指标23.075万元）", "223.945（含调指标23.075万元）"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    outputs = demo_run(out, pdf=False, store=False)
    return out / seed_folder_name("004"), outputs[DEMO_KEYS.index("004")]


def test_seed_004_is_a_demo_seed():
    assert DEPARTMENT_SEED_KEYS == ("004",) and "004" in DEMO_KEYS


def test_seed_004_figures(demo):
    _, outputs = demo
    dep = outputs.figures["department"]
    assert dep["total"] == {"budget": "977.58", "budget_own": "977.58", "spent": "1616.99", "spent_own": "830.075",
                            "work_funds": "82.8", "special_funds": "1534.19", "budget_count": 5, "spent_count": 5}
    assert [(g["name"], g["budget"], g["budget_own"], g["spent_text"], g["spent_own_text"]) for g in dep["groups"]] \
        == GROUPS
    assert [(t["target"], t["actual"], t["completion"]) for t in dep["tasks"]] == [
        ("90", "99", "110.00%"), ("180", "205", "113.89%")]
    assert dep["own_level"] == "区级"


def test_demo_workbook_reads_back_and_names_what_it_corrects(demo):
    folder, _ = demo
    workbook = folder / WORKBOOK_NAME
    project = read_workbook(workbook)
    seed = load_seed("004")
    assert (project.project_groups, project.livelihood_tasks) == (seed.project_groups, seed.livelihood_tasks)
    sheets = load_sheets(workbook)
    note = next(row[1] for row in sheets["项目信息"] if row[0] == "演示说明")
    assert "原报告称预算“包含项目9个”，而其项目表所列有预算的项目为5个" in note
    assert "直接跳到“四、存在的问题”（缺“三”）" in note
    assert "7名应届高校残疾人毕业生" in note and "删去这一比率" in note
    assert [row[0] for row in sheets["部门项目"][1:6]] == [g[0] for g in GROUPS]
    assert not any(row[0] == "合计" for row in sheets["部门项目"])  # no typed totals


def test_seed_004_report_table_cell_by_cell(demo):
    folder, _ = demo
    table = Document(str(folder / "报告.docx")).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1][3:] == ["指标总额", "其中：区级资金", "支出总额", "其中：区级资金"]
    assert [[r[0], *r[3:]] for r in rows[2:7]] == [list(g) for g in GROUPS]
    assert rows[2][2].startswith("含精神病防治经费6万") and rows[5][2].endswith("项目第三方评估费3万元;）")
    assert rows[7] == ["合计", "合计", "合计", "977.58", "977.58", "1616.99", "830.075"]


def test_seed_004_report_text(demo):
    folder, _ = demo
    texts = [p.text for p in Document(str(folder / "报告.docx")).paragraphs if p.text.strip()]
    assert texts[0] == "长沙市开福区残疾人联合会2022年度项目支出绩效自评报告"
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == ["一、项目支出基本情况", "二、绩效评价工作情况", "三、存在的问题", "四、改进措施",
                        "五、其他需要说明的问题"]
    assert ("2022年我单位项目支出预算共977.58万元，包含项目5个，实际支出1616.99万元（工作经费82.8万元、"
            "专项经费1534.19万元），涵盖项目5个。具体情况如下：") in texts
    i = texts.index("（二）项目绩效目标情况")
    assert texts[i + 1] == (
        "1、省重点民生实事项目：任务为“完成90户困难残疾人家庭无障碍改造”，实际完成99户，任务数完成110.00%；"
        "任务为“完成180人残疾儿童康复救助”，实际完成205人（1944个月，任务1440个月），任务数完成113.89%。")
    assert texts[i + 2].startswith("2、市级为民办实事项目：完成1个社区无障碍环境改造。")
    assert texts[i + 7].startswith("7、沟通零距离")
    assert "按相关规定将绩效目标自评报告进行公开，广泛接受社会监督。" in texts
    assert not any("就业率75%" in t for t in texts)


def test_seed_004_report_audits_clean(demo):
    folder, _ = demo
    report = audit_file(folder / "报告.docx")
    assert report.errors == [] and report.findings == [], report.as_text()


def test_seed_004_summary_json(demo):
    folder, _ = demo
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    assert summary["department"]["total"]["spent_own"] == "830.075"
    assert [t["completion"] for t in summary["department"]["tasks"]] == ["110.00%", "113.89%"]
