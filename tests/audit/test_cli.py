"""`jixiao audit FILE [--format text|json] [--annotate OUT]`: exit 0 clean, 1 findings, 2 unreadable;
the JSON shape; the marked copy carries one Word comment per finding on the figure concerned."""

from __future__ import annotations

import json

import pytest
from docx import Document

from jixiao.cli import main
from jixiao.reports.docx_report import render_report
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.audit.planted import CLEAN, plant
from tests.factories import sample_project

FINDING_KEYS = {"kind", "location", "excerpt", "expected", "found", "message"}


@pytest.fixture(scope="module")
def clean_docx(tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "报告.docx"
    render_report(build_figures(evaluate(sample_project())), path, charts={"level1": None, "allocation": None})
    return path


@pytest.fixture(scope="module")
def broken_docx(clean_docx, tmp_path_factory):
    """The sample report with a wrong 得分率 cell and a wrong grade in the conclusion."""
    doc = Document(str(clean_docx))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "一级指标")
    cell = table.rows[1].cells[4]
    assert cell.text == "97.50%"
    cell.paragraphs[0].runs[0].text = "79.50%"
    conclusion = next(p for p in doc.paragraphs if "评定等级为优" in p.text)
    for run in conclusion.runs:
        run.text = run.text.replace("评定等级为优", "评定等级为良")
    path = tmp_path_factory.mktemp("audit") / "有误的报告.docx"
    doc.save(str(path))
    return path


def test_clean_report_exits_0(clean_docx, capsys):
    assert main(["audit", str(clean_docx)]) == 0
    assert "未发现不一致之处" in capsys.readouterr().out


def test_findings_exit_1_with_text(broken_docx, capsys):
    assert main(["audit", str(broken_docx)]) == 1
    out = capsys.readouterr().out
    assert "发现 2 处不一致" in out and "【推算列不符】" in out and "【等级不符】" in out
    assert "应为：97.50%　报告中为：79.50%" in out


def test_json_output(broken_docx, capsys):
    assert main(["audit", str(broken_docx), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == str(broken_docx)
    assert [f["kind"] for f in data["findings"]] == ["grade", "derived"]
    for f in data["findings"]:
        assert set(f) == FINDING_KEYS and f["message"]
    grade, derived = data["findings"]
    assert grade["location"]["paragraph"] > 0 and (grade["expected"], grade["found"]) == ("优", "良")
    assert {k: derived["location"][k] for k in ("table", "row", "column")} == {"table": 3, "row": 2, "column": 5}
    assert derived["location"]["column_label"] == "得分率"


def test_annotated_copy_has_a_comment_per_finding(broken_docx, tmp_path, capsys):
    out = tmp_path / "审核意见.docx"
    assert main(["audit", str(broken_docx), "--annotate", str(out)]) == 1
    assert f"已生成标注副本：{out}" in capsys.readouterr().out
    doc = Document(str(out))
    comments = list(doc.comments)
    assert len(comments) == 2 and all(c.author == "jixiao 报告审核" for c in comments)
    assert any("得分率应为" in c.text for c in comments) and any("等级" in c.text for c in comments)
    # the comment is anchored on the figure itself, which is highlighted
    body = doc.element.body.xml
    assert body.count("commentRangeStart") == 2
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "一级指标")
    cell_xml = table.rows[1].cells[4]._tc.xml
    assert "commentRangeStart" in cell_xml and 'w:highlight w:val="yellow"' in cell_xml
    # the marked copy still reads as the same report (only comments and highlighting were added)
    assert main(["audit", str(out), "--format", "json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["findings"]) == 2


def test_txt_report_and_its_annotated_copy(tmp_path, capsys):
    path = tmp_path / "报告.txt"
    path.write_text(plant("grade"), encoding="utf-8")
    out = tmp_path / "标注.docx"
    assert main(["audit", str(path), "--annotate", str(out)]) == 1
    capsys.readouterr()
    doc = Document(str(out))
    assert len(list(doc.comments)) == 1 and len(doc.tables) == 3
    path.write_text(CLEAN, encoding="utf-8")
    assert main(["audit", str(path)]) == 0


@pytest.mark.parametrize(("name", "content", "message"), [
    ("缺失.docx", None, "找不到文件"),
    ("坏.docx", b"not a zip", "不是有效的 Word"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
    ("表格.xlsx", b"PK", "不是 .docx 或 .txt"),
])
def test_unreadable_files_exit_2(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["audit", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_annotate_never_overwrites_the_report(broken_docx, capsys):
    before = broken_docx.read_bytes()
    assert main(["audit", str(broken_docx), "--annotate", str(broken_docx)]) == 2
    assert "不能覆盖原报告" in capsys.readouterr().err and broken_docx.read_bytes() == before


def test_gb18030_text_is_read(tmp_path, capsys):
    path = tmp_path / "gbk.txt"
    path.write_bytes(plant("grade").encode("gb18030"))
    assert main(["audit", str(path), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["kind"] == "grade"


def test_a_failing_check_does_not_hide_the_others(broken_docx, monkeypatch, capsys):
    from jixiao.audit.checks import grade

    def boom(ctx):
        raise ValueError("odd document")

    monkeypatch.setattr(grade, "check", boom)
    assert main(["audit", str(broken_docx), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in data["findings"]] == ["derived"] and data["incomplete_checks"] == ["grade"]
