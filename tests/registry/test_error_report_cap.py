"""The registry error report is capped: the first N problems in full (JIXIAO_ERROR_REPORT_MAX_ROWS), then
how many were left out, counted per column and kind of reason — in the .csv and the .xlsx alike."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from python_calamine import CalamineWorkbook

from tests.registry.rows import make_id, row, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(settings):
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, error_report_max_rows=3)


def test_report_lists_the_first_problems_then_counts_the_rest(tmp_path, cap):
    rows = [row(身份证号=f"坏号{i}") for i in range(5)]  # 5 bad IDs (one problem each)
    rows += [row(身份证号=make_id(seq=f"{400 + i}"), 残疾类别=f"类别{i}") for i in range(4)]  # 4 bad categories
    rows += [row(身份证号=make_id(seq="500"))]  # one good row
    result = run(tmp_path, rows)
    assert (result.created, result.rejected, result.problems) == (1, 9, 9)
    csv_path, xlsx_path = result.error_files
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["行号", "列", "原值", "原因"]
    assert [line[:3] for line in lines[1:4]] == [["2", "身份证号", "坏号0"], ["3", "身份证号", "坏号1"],
                                                 ["4", "身份证号", "坏号2"]]
    assert lines[4] == ["", "", "", "另有 6 个问题未列出（错误报告只列出前 3 个），按列和原因计如下"]
    summary = lines[5:]
    assert [(line[0], line[1], line[2]) for line in summary] == [("", "残疾类别", ""), ("", "身份证号", "")]
    assert summary[0][3].startswith("4 个：“…”不是有效的残疾类别") and summary[1][3].startswith("2 个：")
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
    assert [r[:3] for r in sheet[1:4]] == [[2.0, "身份证号", "坏号0"], [3.0, "身份证号", "坏号1"],
                                           [4.0, "身份证号", "坏号2"]]
    assert [r[1] for r in sheet[4:]] == ["", "残疾类别", "身份证号"] and sheet[4][3] == lines[4][3]
    assert [r[3] for r in sheet[5:]] == [line[3] for line in summary]


def test_thousands_of_problems_leave_a_report_of_a_few_lines(tmp_path, cap):
    rows = [row(身份证号=f"坏{i}", 残疾等级="九级") for i in range(2_000)]  # 2 problems a row
    result = run(tmp_path, rows)
    assert (result.rejected, result.problems) == (2_000, 4_000)
    csv_path, _ = result.error_files
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[4][3].startswith("另有 3,997 个问题未列出")
    counts = {(line[1], line[3].split(" 个：")[1]): int(line[3].split(" 个：")[0].replace(",", "")) for line in lines[5:]}
    assert sum(counts.values()) == 3_997 and len(counts) == 5  # 残疾等级, and an ID of 2, 3, 4 or 5 characters
    assert counts[("残疾等级", "“…”不是有效的残疾等级：应为一级、二级、三级、四级，或数字1–4")] == 1_999
