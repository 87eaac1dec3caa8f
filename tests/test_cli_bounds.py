"""`jixiao evaluate` on a file that is no readable workbook exits 2 with one clear message (as the README
says); on one with more problems than are listed, it lists the first ones and counts the rest."""

from __future__ import annotations

import dataclasses

import pytest

from jixiao.cli import main
from tests.bombs import encrypted_xlsx, far_cell_xlsx, inflating_xlsx, renamed_docx
from tests.workbooks.sheets import many_problems_workbook


def _not_a_zip(path):
    path.write_text("这不是工作簿", encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "phrase"), [
    (_not_a_zip, "无法读取工作簿：不是有效的 Excel 工作簿（.xlsx），或文件已损坏"),
    (renamed_docx, "无法读取工作簿：不是有效的 Excel 工作簿（.xlsx）（缺少 xl/workbook.xml）"),
    (encrypted_xlsx, "加密（设置了打开密码）"),
    (far_cell_xlsx, "工作表“政策依据”：超过每张工作表 5,000 行的上限"),
    (lambda p: inflating_xlsx(p, inflated_mb=60), "解压后有 60 MB，超过 50 MB 的上限"),
])
def test_evaluate_unreadable_workbook_exits_2_with_one_message(tmp_path, capsys, make, phrase):
    book = make(tmp_path / "工作簿.xlsx")
    out = tmp_path / "out"
    assert main(["evaluate", str(book), "--out", str(out), "--no-store", "--no-pdf"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("工作簿.xlsx") and phrase in err
    assert not out.exists()


def test_evaluate_lists_the_first_problems_and_counts_the_rest(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JIXIAO_PROBLEMS_MAX_LISTED", "4")
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)  # --no-store: limits from the environment
    assert main(["evaluate", str(many_problems_workbook(tmp_path)), "--out", str(tmp_path / "o"), "--no-store"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "发现 31 个问题，未生成任何文件，也未写入数据库："
    assert len([line for line in err if line.startswith("  - ")]) == 4
    assert err[5] == "  另有 27 个问题未列出（只列出前 4 个），按工作表和列计："
    assert err[6] == "    坏.xlsx，工作表“资金来源”，“来源”列：另有 27 个问题未列出"


def test_limits_from_settings_when_django_is_set_up(tmp_path, capsys, settings):
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, problems_max_listed=2)
    assert main(["evaluate", str(many_problems_workbook(tmp_path)), "--out", str(tmp_path / "o"), "--no-store"]) == 1
    assert "另有 29 个问题未列出" in capsys.readouterr().err
