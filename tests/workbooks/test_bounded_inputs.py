"""The project workbook reader refuses hostile files before calamine touches them (one clear problem,
raised as InputUnreadable), and lists at most JIXIAO_PROBLEMS_MAX_LISTED problems, counting the rest."""

from __future__ import annotations

import dataclasses

import pytest

from jixiao.common.problems import InputInvalid, InputUnreadable
from jixiao.workbooks import reader
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.writer import write_workbook
from tests.bombs import encrypted_xlsx, far_cell_xlsx, inflating_xlsx, lying_dimension_xlsx, renamed_docx
from tests.factories import sample_project
from tests.workbooks.sheets import many_problems_workbook


@pytest.fixture
def no_calamine(monkeypatch):
    """Any attempt to parse the file fails the test: refusing must happen before."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine was asked to parse a file that should have been refused")

    monkeypatch.setattr(reader.CalamineWorkbook, "from_path", refuse)


def unreadable(path):
    with pytest.raises(InputUnreadable) as caught:
        read_workbook(path)
    [problem] = caught.value.problems
    assert problem.file == path.name
    return problem


def test_a_million_row_policy_sheet_is_refused_before_parsing(tmp_path, no_calamine):
    problem = unreadable(far_cell_xlsx(tmp_path / "政策.xlsx"))
    assert problem.sheet == "政策依据" and problem.row is None
    assert "超过每张工作表 5,000 行的上限" in problem.message and "第 1,048,575 行" in problem.message


def test_a_cell_far_right_behind_a_false_dimension_is_refused(tmp_path, no_calamine):
    assert "第 30,000 行" in unreadable(lying_dimension_xlsx(tmp_path / "角.xlsx")).message


def test_a_zip_bomb_is_refused(tmp_path, no_calamine):
    problem = unreadable(inflating_xlsx(tmp_path / "炸弹.xlsx", inflated_mb=60))
    assert problem.message == "解压后有 60 MB，超过 50 MB 的上限"


@pytest.mark.parametrize("make", [renamed_docx, encrypted_xlsx])
def test_files_that_are_no_workbook_are_unreadable(tmp_path, make, no_calamine):
    assert unreadable(make(tmp_path / "文件.xlsx")).message.startswith("无法读取工作簿：")


def test_limits_come_from_settings(tmp_path, settings):
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project())
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, workbook_max_rows=10)
    problem = unreadable(path)
    assert problem.sheet == "说明" and "超过每张工作表 10 行的上限" in problem.message
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, workbook_max_rows=5_000,
                                                 workbook_max_bytes=1_000)
    assert unreadable(path).message.startswith("文件有 ")


def test_problem_list_is_capped_and_the_rest_counted_per_sheet_and_column(tmp_path, settings):
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, problems_max_listed=5)
    with pytest.raises(InputInvalid) as caught:
        read_workbook(many_problems_workbook(tmp_path))
    exc = caught.value
    assert not isinstance(exc, InputUnreadable)
    assert len(exc.problems) == 5 and exc.total == 31 and exc.omitted_count == 26
    assert dict(exc.omitted) == {("资金来源", "来源"): 26}
    [summary] = exc.omitted_problems()
    assert (summary.sheet, summary.column, summary.message) == ("资金来源", "来源", "另有 26 个问题未列出")
    assert exc.omitted_lines()[0] == "另有 26 个问题未列出（只列出前 5 个），按工作表和列计："


def test_input_invalid_caps_any_list_it_is_given():
    from jixiao.common.problems import Problem

    exc = InputInvalid([Problem("表", i, "列", "错") for i in range(7)], limit=3)
    assert [p.row for p in exc.problems] == [0, 1, 2] and exc.omitted == {("表", "列"): 4}
    assert "另有 4 个问题未列出" in str(exc)
