"""Allocations below the county, end to end: a 宜良县 project's workbook allocating to three of its real
townships (NBS 2023, loaded by the regions data migration) is read, stored and reported with 街道（乡镇）
in the table header, the chart title, the sentence and the score sheet, the figures adding up; a township
of 富民县 in the same workbook is refused where it is typed and nothing is stored; a city project's
county allocations read and print as before (县（市、区）)."""

from decimal import Decimal as D

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from jixiao.audit.services import audit_file
from jixiao.common.problems import InputInvalid
from jixiao.evaluations.models import Evaluation
from jixiao.evaluations.selectors import project_input_from_db
from jixiao.projects.models import Allocation as StoredAllocation
from jixiao.reports.docx_report import render_report
from jixiao.reports.scoresheet import write_score_sheet
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures, summary_from_figures
from jixiao.scoring.inputs import Allocation
from jixiao.workbooks.services import workbook_import
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.reports.test_report import find_table, paragraph_texts

pytestmark = pytest.mark.django_db

TOWNSHIPS = [  # typed as staff would: a code, names
    Allocation("530125001", "", D("50"), None, 500),
    Allocation("汤池街道", "", D("30"), None, 300),
    Allocation("南羊街道", "", D("20"), None, 220),
]


def _workbook(tmp_path, allocations, **overrides):
    project = sample_project(name="宜良县困难残疾人生活补贴项目", owner_unit="宜良县残疾人联合会",
                             region_code="530125", region_name="宜良县", report_unit="宜良县残疾人联合会",
                             allocations=allocations, **overrides)
    path = tmp_path / "宜良县.xlsx"
    write_workbook(path, project)
    return path


def test_county_project_allocating_to_its_townships(tmp_path):
    evaluation = workbook_import(actor=None, path=_workbook(tmp_path, TOWNSHIPS), file_name="宜良县.xlsx")
    stored = StoredAllocation.objects.filter(project=evaluation.project).order_by("position")
    assert [(a.region.code, a.region.level, a.region_label, a.amount_fen, a.actual_beneficiaries) for a in stored] == [
        ("530125001", "township", "匡远街道", 50_000_000, 500), ("530125002", "township", "汤池街道", 30_000_000, 300),
        ("530125003", "township", "南羊街道", 20_000_000, 220)]

    alloc = evaluation.figures["allocations"]
    assert (alloc["level"], alloc["unit_label"], alloc["total_amount"], alloc["total_actual"]) == (
        "township", "街道（乡镇）", "100", "1020")
    assert summary_from_figures(evaluation.figures)["allocations"]["unit_label"] == "街道（乡镇）"
    sentence = "2024年共分配资金100万元，涉及3个街道（乡镇），其中：匡远街道50万元，汤池街道30万元，南羊街道20万元。"
    assert evaluation.figures["sentences"]["allocation"] == sentence

    report = render_report(evaluation.figures, tmp_path / "报告.docx")
    doc = Document(report)
    rows = find_table(doc, "序号", "街道（乡镇）")
    assert rows[0] == ["序号", "街道（乡镇）", "下拨资金（万元）", "实际受益人数（人）", "备注"]
    assert rows[1:4] == [["1", "匡远街道", "50", "500", ""], ["2", "汤池街道", "30", "300", ""],
                         ["3", "南羊街道", "20", "220", ""]]
    assert rows[4] == ["合计", "合计", "100", "1020", ""]
    texts = paragraph_texts(doc)
    assert "图2 各街道（乡镇）资金分配情况（万元）" in texts
    assert any(sentence in t for t in texts)
    assert not any("县（市、区）" in t or "县（市）区" in t for t in texts)
    assert audit_file(report).findings == []

    sheet = write_score_sheet(evaluation.figures, tmp_path / "评分表.xlsx")
    funds = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_name("资金").to_python()
    assert ["序号", "街道（乡镇）"] == [str(c) for c in next(r for r in funds if r[0] == "序号")[:2]]

    # rescored from the database: the level comes from the stored regions
    again = build_figures(evaluate(project_input_from_db(evaluation)))
    assert again["allocations"]["unit_label"] == "街道（乡镇）" and again["sentences"]["allocation"] == sentence


def test_a_township_of_another_county_is_refused_and_nothing_stored(tmp_path):
    allocations = [TOWNSHIPS[0], Allocation("530124001", "", D("50"), None, 520)]  # 永定街道 of 富民县
    with pytest.raises(InputInvalid) as caught:
        workbook_import(actor=None, path=_workbook(tmp_path, allocations), file_name="宜良县.xlsx")
    [problem] = caught.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("宜良县.xlsx", "资金分配", 3, "区划")
    assert problem.message == ("“530124001”（永定街道）不在项目所属区划“宜良县”内：资金分配的街道（乡镇）、"
                               "村（社区）须是宜良县所辖的")
    assert Evaluation.objects.count() == 0 and StoredAllocation.objects.count() == 0


def test_a_city_projects_county_allocations_read_and_print_as_before(tmp_path):
    path = tmp_path / "昆明市.xlsx"
    write_workbook(path, sample_project())
    evaluation = workbook_import(actor=None, path=path, file_name="昆明市.xlsx")
    assert evaluation.figures["allocations"]["unit_label"] == "县（市、区）"
    assert evaluation.figures["sentences"]["allocation"] == (
        "2024年共分配资金100万元，涉及2个县（市、区），其中：宜良县60万元，富民县40万元。")
    doc = Document(render_report(evaluation.figures, tmp_path / "报告.docx"))
    assert find_table(doc, "序号", "县（市、区）")[1] == ["1", "宜良县", "60", "600", ""]
    assert "图2 各县（市、区）资金分配情况（万元）" in paragraph_texts(doc)


def test_without_a_database_the_shipped_catalog_places_the_townships(tmp_path):
    from jixiao.reports.outputs import evaluation_from_workbook

    outputs = evaluation_from_workbook(_workbook(tmp_path, TOWNSHIPS), tmp_path / "out", pdf=False, store=False)
    alloc = outputs.figures["allocations"]
    assert [r["region"] for r in alloc["rows"]] == ["匡远街道", "汤池街道", "南羊街道"]
    assert alloc["unit_label"] == "街道（乡镇）" and Evaluation.objects.count() == 0
