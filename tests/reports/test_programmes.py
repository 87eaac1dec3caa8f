"""The multi-programme report (seed 003's outline): one section per programme with its policy basis,
sources and 合计, spending, 结余 and reason, beneficiaries and standard; then 综合评价情况及评价结论 and
存在问题. Every figure comes from scoring.figures; the per-programme tables are checked cell by cell."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D

import pytest
from docx import Document

from jixiao.audit.services import audit_file
from jixiao.reports.build_template import PROGRAMME_TEMPLATE_PATH, build_programme_template
from jixiao.reports.docx_report import render_report
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import Expenditure, PolicyDocument, Programme, ProgrammeSource
from tests.factories import sample_project

NO_CHARTS = {"level1": None, "allocation": None}


def programme_project():
    return sample_project(
        name="城市低保、临时救助", fund_sources=[], expenditures=[],
        narrative={"存在的问题": "核对覆盖面有局限。\n人员配备不足。"},
        programmes=[
            Programme("城市居民最低生活保障",
                      policies=[PolicyDocument("关于调整2019年昆明市城乡低保和特困人员供养标准的通知", "昆民联发〔2019〕6号")],
                      sources=[ProgrammeSource("中央", D("26")), ProgrammeSource("省级", D("40")),
                               ProgrammeSource("县区级", D("38.7")), ProgrammeSource("上年结转", D("8.53"))],
                      expenditures=[Expenditure("城市低保金", D("70.32"))],
                      balance_reason="上级资金拨给过多", households=990, persons=1212, monthly_households=83,
                      monthly_persons=101, standard="630元/人/月", description="专户管理，专款专用。"),
            Programme("城乡临时救助",
                      sources=[ProgrammeSource("省级", D("10"), note="区级已配套未拨付"), ProgrammeSource("上年结转", D("18.09"))],
                      expenditures=[Expenditure("临时救助金", D("4.03")), Expenditure("急难救助", D("3"))],
                      balance_reason="往年结余过多", households=12, persons=12),
        ])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("programmes") / "报告.docx"
    render_report(build_figures(evaluate(programme_project())), path, charts=NO_CHARTS)
    return path


def texts(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_outline_follows_seed_003(report):
    t = texts(report)
    headings = [x for x in t if x[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == ["一、城市居民最低生活保障", "二、城乡临时救助", "三、综合评价情况及评价结论", "四、存在问题"]
    assert t[0] == "测试市残疾人联合会2024年度城市低保、临时救助绩效自评报告"
    assert t.count("（一）政策依据") == t.count("（三）资金到位及使用情况") == 2
    assert t[t.index("四、存在问题") + 1:t.index("四、存在问题") + 3] == ["1、核对覆盖面有局限。", "2、人员配备不足。"]


def test_programme_sentences(report):
    t = texts(report)
    first = t[t.index("一、城市居民最低生活保障"):t.index("二、城乡临时救助")]
    assert "依据《关于调整2019年昆明市城乡低保和特困人员供养标准的通知》（昆民联发〔2019〕6号）的规定执行。" in first
    assert "保障标准为630元/人/月。" in first
    assert "全年累计救助990户1212人，平均月救助83户101人。" in first
    assert ("项目资金到位情况：中央资金26万元，省级资金40万元，县区级资金38.7万元，上年结转8.53万元，合计113.23万元。"
            in first)
    assert "2024年共支出70.32万元。" in first
    assert "结余42.91万元，原因是上级资金拨给过多。" in first
    second = t[t.index("二、城乡临时救助"):t.index("三、综合评价情况及评价结论")]
    assert "全年累计救助12户12人。" in second
    assert "2024年共支出7.03万元。" in second and "结余21.06万元，原因是往年结余过多。" in second
    assert not any("保障标准" in x for x in second)  # no standard given, no sentence
    conclusion = t[t.index("三、综合评价情况及评价结论") + 1:t.index("四、存在问题")]
    assert conclusion[0].startswith("经对2024年度城市居民最低生活保障、城乡临时救助两个项目的")
    # the sample's 预算执行率 leaf sees the programmes' money: 77.35 ÷ 141.32
    assert "两个项目综合得分94.97分，评定等级为优。" in conclusion[0]
    assert conclusion[1] == "2024年，两个项目资金合计141.32万元，共支出77.35万元，结余63.97万元。"


def test_programme_tables_cell_by_cell(report):
    tables = Document(str(report)).tables
    assert cells(tables[0]) == [
        ["项目", "金额", "说明"],
        ["中央资金", "26", ""],
        ["省级资金", "40", ""],
        ["县区级资金", "38.7", ""],
        ["上年结转", "8.53", ""],
        ["资金合计", "113.23", ""],
        ["支出：城市低保金", "70.32", ""],
        ["支出合计", "70.32", ""],
        ["结余（资金合计－支出合计）", "42.91", "上级资金拨给过多"],
    ]
    assert cells(tables[1]) == [
        ["项目", "金额", "说明"],
        ["省级资金", "10", "区级已配套未拨付"],
        ["上年结转", "18.09", ""],
        ["资金合计", "28.09", ""],
        ["支出：临时救助金", "4.03", ""],
        ["支出：急难救助", "3", ""],
        ["支出合计", "7.03", ""],
        ["结余（资金合计－支出合计）", "21.06", "往年结余过多"],
    ]
    level1 = cells(tables[2])
    assert level1[0] == ["一级指标", "权重分", "得分", "扣分", "得分率"]
    assert level1[-1] == ["合计", "100.00", "94.97", "5.03", "94.97%"]


def test_programme_report_audits_clean(report):
    result = audit_file(report)
    assert result.errors == [] and result.findings == [], result.as_text()


def test_project_without_programmes_keeps_the_seed_001_outline(tmp_path):
    path = render_report(build_figures(evaluate(sample_project())), tmp_path / "r.docx", charts=NO_CHARTS)
    t = texts(path)
    assert "一、项目基本情况" in t and "综合评价情况及评价结论" not in "".join(t)


def test_committed_programme_template_matches_its_generator(tmp_path):
    rebuilt = build_programme_template(tmp_path / "t.docx")
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        with zipfile.ZipFile(PROGRAMME_TEMPLATE_PATH) as a, zipfile.ZipFile(rebuilt) as b:
            assert a.read(part) == b.read(part), f"{part} differs: run python -m jixiao.reports.build_template"


def test_score_sheet_has_a_programme_sheet(tmp_path):
    from python_calamine import CalamineWorkbook

    from jixiao.reports.scoresheet import write_score_sheet

    path = write_score_sheet(build_figures(evaluate(programme_project())), tmp_path / "评分表.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["评分汇总", "指标评分", "满意度", "资金", "子项目"]
    rows = book.get_sheet_by_name("子项目").to_python()
    assert rows[1][:6] == ["序号", "子项目", "资金合计（万元）", "支出（万元）", "结余（万元）", "结余原因"]
    assert rows[2][:8] == [1, "城市居民最低生活保障", 113.23, 70.32, 42.91, "上级资金拨给过多", 990, 1212]
    assert rows[3][:8] == [2, "城乡临时救助", 28.09, 7.03, 21.06, "往年结余过多", 12, 12]
    assert rows[4][:5] == ["合计", "", 141.32, 77.35, 63.97]
    assert [r[:4] for r in rows[7:9]] == [[1, "城市居民最低生活保障", "中央", 26], [1, "城市居民最低生活保障", "省级", 40]]
    # a project without programmes keeps its four sheets
    plain = write_score_sheet(build_figures(evaluate(sample_project())), tmp_path / "单.xlsx")
    assert CalamineWorkbook.from_path(str(plain)).sheet_names == ["评分汇总", "指标评分", "满意度", "资金"]
