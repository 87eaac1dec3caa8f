"""The command line end to end: template → evaluate (good and bad) → demo."""

import json
import shutil
from decimal import Decimal as D

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from jixiao.changelog.models import ChangeRecord
from jixiao.cli import main
from jixiao.evaluations.models import Evaluation
from jixiao.projects.models import Project
from jixiao.workbooks.schema import SHEETS
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project

HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def test_template_writes_blank_workbook(tmp_path, capsys):
    out = tmp_path / "空白.xlsx"
    assert main(["template", str(out)]) == 0
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names == ["说明", *(sheet.name for sheet in SHEETS)]


@pytest.fixture
def db_ready(db, monkeypatch):
    """The commands set Django up themselves; here the test database already is."""
    from jixiao import bootstrap

    monkeypatch.setattr(bootstrap, "setup_django", lambda migrate=False: None)


def test_template_with_indicator_template_prefills_the_tree_kept_in_the_database(tmp_path, db_ready):
    from jixiao.indicators.models import TemplateNode

    nodes = TemplateNode.objects.filter(template__key="昆明ABC").order_by("position")
    TemplateNode.objects.filter(pk=nodes[1].pk).update(name="立项依据（管理员修改）")
    out = tmp_path / "昆明.xlsx"
    assert main(["template", str(out), "--indicators", "昆明ABC"]) == 0
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("指标评分").to_python()
    filled = [r for r in rows[1:] if r and r[0]]
    assert [r[0] for r in filled] == [n.code for n in nodes]
    assert filled[1][2] == "立项依据（管理员修改）"


def test_template_unknown_indicator_template_exit_2(tmp_path, capsys, db_ready):
    assert main(["template", str(tmp_path / "x.xlsx"), "--indicators", "不存在"]) == 2
    err = capsys.readouterr().err
    assert "未知的指标体系模板“不存在”" in err and "昆明ABC" in err


@pytest.mark.django_db
def test_evaluate_bad_workbook_exit_1_nothing_written_or_stored(tmp_path, capsys):
    project = sample_project()
    project.allocations[0].region_name = "火星县"
    project.allocations[0].region_code = ""
    book = tmp_path / "坏.xlsx"
    write_workbook(book, project)
    out = tmp_path / "out"
    assert main(["evaluate", str(book), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "资金分配" in err and "第2行" in err and "火星县" in err
    assert not out.exists()  # validation comes before the output folder is made
    assert Project.objects.count() == 0 and ChangeRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("store", [[], ["--no-store"]], ids=["store", "no-store"])
def test_evaluate_scoring_problems_name_the_file_like_reading_problems(tmp_path, capsys, store):
    project = sample_project()
    project.indicators[0].weight = D(30)  # 项目决策 30 (its parts 20); level 1 then adds up to 110
    book = tmp_path / "权重.xlsx"
    write_workbook(book, project)
    out = tmp_path / "out"
    assert main(["evaluate", str(book), "--out", str(out), "--no-pdf", *store]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:] == [
        "  - 权重.xlsx，工作表“指标评分”，“权重分”列：一级指标权重分合计为110，应为100",
        "  - 权重.xlsx，工作表“指标评分”，第2行，“权重分”列：“A 项目决策”的下级指标权重分合计为20，与其权重分30不一致",
    ]
    assert not out.exists() and Project.objects.count() == 0


@pytest.mark.django_db
def test_evaluate_survey_weights_not_100_exit_1_nothing_written_or_stored(tmp_path, capsys):
    project = sample_project()
    project.survey.questions[1].weight = D(40)
    book = tmp_path / "问卷.xlsx"
    write_workbook(book, project)
    out = tmp_path / "out"
    assert main(["evaluate", str(book), "--out", str(out), "--no-pdf"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "发现 1 个问题，未生成任何文件，也未写入数据库：",
        "  - 问卷.xlsx，工作表“满意度问卷”，“权重”列：各题权重合计为90，应为100（满意度得分按百分制计）",
    ]
    assert not out.exists() and Project.objects.count() == 0 and ChangeRecord.objects.count() == 0


def test_evaluate_missing_file_exit_2(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "无.xlsx"), "--out", str(tmp_path), "--no-store"]) == 2


@pytest.mark.django_db
def test_evaluate_good_workbook_writes_outputs_and_stores(tmp_path):
    book = tmp_path / "项目.xlsx"
    write_workbook(book, sample_project())
    out = tmp_path / "out"
    assert main(["evaluate", str(book), "--out", str(out), "--no-pdf"]) == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["total_score"] == "99.50" and summary["grade"] == "优"
    assert (out / "报告.docx").exists() and (out / "评分表.xlsx").exists()
    assert not any(p.name.startswith(".jixiao-") for p in out.iterdir())  # staging folder removed
    evaluation = Evaluation.objects.get()
    assert evaluation.source_file == "项目.xlsx" and str(evaluation.total_score) == "99.50"


def test_evaluate_no_store_touches_no_database(tmp_path):
    book = tmp_path / "项目.xlsx"
    write_workbook(book, sample_project())
    # Without the django_db mark any query would raise: --no-store must not need a database.
    assert main(["evaluate", str(book), "--out", str(tmp_path / "o"), "--no-store", "--no-pdf"]) == 0
    assert (tmp_path / "o" / "summary.json").exists()


@pytest.mark.parametrize(("name", "first_line"), [
    ("2024年测试县残疾人生活补助", "2024年测试县残疾人生活补助：总分 99.50，等级 优"),
    ("测试县残疾人生活补助", "2024年测试县残疾人生活补助：总分 99.50，等级 优"),
])
def test_evaluate_names_the_project_with_its_year_once(tmp_path, capsys, name, first_line):
    book = tmp_path / "项目.xlsx"
    write_workbook(book, sample_project(name=name))
    assert main(["evaluate", str(book), "--out", str(tmp_path / "o"), "--no-store", "--no-pdf"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == first_line


SEED_EXPECTED = {
    "001": {"total": "95.20", "level1": [("20.00", "20.00", "0.00", "100.00%"), ("20.00", "18.20", "1.80", "91.00%"),
                                         ("60.00", "57.00", "3.00", "95.00%")],
            "survey": "98.00", "alloc": "317.395"},
    "002": {"total": "96.60", "level1": [("20.00", "20.00", "0.00", "100.00%"), ("20.00", "18.60", "1.40", "93.00%"),
                                         ("60.00", "58.00", "2.00", "96.67%")],
            "survey": "97.61", "alloc": "331"},
}


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_end_to_end(tmp_path):
    from jixiao.demo.seeds import SEED_KEYS, seed_folder_name

    assert main(["demo", "--out", str(tmp_path)] + ([] if HAS_SOFFICE else ["--no-pdf"])) == 0
    # seeds 001, 002 and 003; seed 004's outputs are written but not stored (demo.seeds.NOT_STORED: no region)
    assert Project.objects.count() == 3 and Evaluation.objects.count() == 3
    assert (tmp_path / seed_folder_name("004") / "报告.docx").exists()
    for key in SEED_KEYS:
        folder = tmp_path / seed_folder_name(key)
        expected = SEED_EXPECTED[key]
        summary = json.loads((folder / "summary.json").read_text("utf-8"))
        assert summary["total_score"] == expected["total"] and summary["grade"] == "优"
        assert [(r["weight"], r["score"], r["deduction"], r["rate"]) for r in summary["level1"]] == expected["level1"]
        assert summary["survey"]["total"] == expected["survey"]
        assert summary["allocations"]["total_amount"] == expected["alloc"]
        assert summary["funds"]["arrival_rate"] == summary["funds"]["execution_rate"] == "100.00%"
        assert (folder / "项目工作簿.xlsx").exists() and (folder / "评分表.xlsx").exists()
        text = "\n".join(p.text for p in Document(str(folder / "报告.docx")).paragraphs)
        assert f"最终自评得分{expected['total']}分，评定等级为优" in text
        if HAS_SOFFICE:
            assert (folder / "报告.pdf").read_bytes().startswith(b"%PDF")
    s001 = json.loads((tmp_path / seed_folder_name("001") / "summary.json").read_text("utf-8"))
    assert s001["allocations"]["total_actual"] == "23186" and s001["allocations"]["completion"] == "115.93%"


def test_rerun_without_pdf_removes_stale_pdf(tmp_path):
    book = tmp_path / "项目.xlsx"
    write_workbook(book, sample_project())
    out = tmp_path / "out"
    out.mkdir()
    (out / "报告.pdf").write_bytes(b"%PDF old")
    assert main(["evaluate", str(book), "--out", str(out), "--no-store", "--no-pdf"]) == 0
    assert not (out / "报告.pdf").exists()


def test_evaluate_with_user_edited_report_template(tmp_path):
    from jixiao.reports.docx_report import TEMPLATE_PATH

    edited = tmp_path / "我的模板.docx"
    document = Document(str(TEMPLATE_PATH))
    document.paragraphs[0].insert_paragraph_before("本单位自定义抬头")
    document.save(str(edited))
    book = tmp_path / "项目.xlsx"
    write_workbook(book, sample_project())
    out = tmp_path / "out"
    args = ["evaluate", str(book), "--out", str(out), "--no-store", "--no-pdf", "--report-template", str(edited)]
    assert main(args) == 0
    text = "\n".join(p.text for p in Document(str(out / "报告.docx")).paragraphs)
    assert "本单位自定义抬头" in text and "最终自评得分99.50分" in text
