"""A report to audit is bounded before python-docx opens it: its size, and for a .docx (a zip) its
members, uncompressed size and compression ratios — on the command line (exit 2) and the page (400)."""

from __future__ import annotations

import dataclasses
import zipfile

import pytest
from docx import Document

from jixiao.cli import main
from tests.audit.test_views import login, upload


@pytest.fixture
def no_python_docx(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("python-docx was asked to open a file that should have been refused")

    import docx

    monkeypatch.setattr(docx, "Document", refuse)


def swollen_docx(path, padding_mb: int):
    """A real report whose document.xml carries ``padding_mb`` MB of blanks: a thousandfold zip bomb."""
    source = path.with_name("源.docx")
    report = Document()
    report.add_paragraph("一、项目基本情况")
    report.save(str(source))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * (padding_mb << 20))
            out.writestr(item.filename, data)
    return path


def test_a_docx_bomb_exits_2_before_python_docx_reads_it(tmp_path, capsys, no_python_docx):
    path = swollen_docx(tmp_path / "报告.docx", padding_mb=30)
    assert path.stat().st_size < 1 << 20
    assert main(["audit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("“报告.docx”：其中的“word/document.xml”压缩比为") and "超过 100 倍的上限" in err


def test_too_many_members_and_too_large(tmp_path, capsys, settings):
    many = swollen_docx(tmp_path / "多.docx", padding_mb=0)
    with zipfile.ZipFile(many, "a") as archive:
        for i in range(1_000):
            archive.writestr(f"word/media/{i}.bin", b"x")
    assert main(["audit", str(many)]) == 2
    assert "个组成部分，超过 1,000 个的上限" in capsys.readouterr().err
    text = tmp_path / "报告.txt"
    text.write_text("一、项目基本情况\n" * 200, encoding="utf-8")
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, audit_max_bytes=1_024)
    assert main(["audit", str(text)]) == 2
    assert "报告文件有 5 KB，超过 1 KB 的上限" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_page_answers_400_with_the_message(world, tmp_path):  # noqa: F811
    data = swollen_docx(tmp_path / "x.docx", padding_mb=30).read_bytes()
    response = login(world, "county_yl").post("/audit/", {"file": upload("炸弹.docx", data)})
    html = response.content.decode()
    assert response.status_code == 400 and "“炸弹.docx”：其中的“word/document.xml”压缩比为" in html
