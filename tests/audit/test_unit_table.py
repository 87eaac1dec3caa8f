"""A unit's (department-level) self-evaluation table shaped like seed 004's project-group table: 预算
(总额 / 其中：区级资金) and 支出 (支出总额 / 其中：区级资金) per project group, a two-row header, a cell with
a note ("328.187（含调指标23.075万元）") and a short 合计 row. The 合计 row must add up per column and each
其中 column stays within its total; the existing table sums cover it (no new check was needed)."""

from __future__ import annotations

import pytest

from tests.audit.test_planted_findings import audit_text

ROWS = [
    ("残疾人工作经费", "97", "97", "82.8", "82.8"),
    ("残疾人康复项目", "280", "280", "522.59", "173.55"),
    ("残疾人托养、就业项目", "213", "213", "542.733", "209.10"),
    ("残疾人小秘书项目", "145.18", "145.18", "140.68", "140.68"),
    ("其他残疾人事业", "242.4", "242.4", "328.187（含调指标23.075万元）", "223.945（含调指标23.075万）"),
]
TOTAL = ("977.58", "977.58", "1616.99", "830.075")


def unit_report(rows=ROWS, total=TOTAL) -> str:
    lines = ["区残联部门整体支出绩效自评报告", "一、项目支出基本情况", "金额单位：万元"]
    cells = [["项目名称", "项目类型", "预算金额", "支出金额"], ["", "", "指标\n总额", "其中：区级资金", "支出总额",
                                                         "其中：区级资金"]]
    cells += [[name, "部门专项", *figures] for name, *figures in rows]
    table = ""
    for row in cells:
        table += "".join(f"\t{c}\n" for c in row) + "\n"
    table += "\t\n合计\n" + "".join(f"\t{c}\n" for c in total) + "\n"
    return "\n".join(lines) + "\n" + table + "二、绩效评价工作情况\n本单位按要求开展了自评。\n"


def test_clean_unit_table_has_no_findings(tmp_path):
    report = audit_text(tmp_path, unit_report())
    assert report.findings == [], report.as_text()


@pytest.mark.parametrize(("total", "column", "found", "expected"), [
    (("977.58", "977.58", "1617.99", "830.075"), "支出总额", "1617.99", "1616.990"),
    (("977.58", "977.58", "1616.99", "830.175"), "其中：区级资金", "830.175", "830.075"),
    (("987.58", "977.58", "1616.99", "830.075"), "指标总额", "987.58", "977.58"),
])
def test_total_row_that_does_not_add_up(tmp_path, total, column, found, expected):
    report = audit_text(tmp_path, unit_report(total=total))
    (f,) = report.findings
    assert (f.kind, f.found, f.expected) == ("sum", found, expected)
    assert f.location.row == 7 and f.location.column_label == column
    assert f"合计行“{column}”为{found}" in f.message


def test_a_part_row_that_breaks_the_total(tmp_path):
    rows = [*ROWS[:1], ("残疾人康复项目", "280", "280", "522.59", "183.55"), *ROWS[2:]]
    (f,) = audit_text(tmp_path, unit_report(rows=rows)).findings
    assert (f.kind, f.found, f.expected) == ("sum", "830.075", "840.075")


def test_of_which_above_its_total(tmp_path):
    """其中：区级资金 larger than 支出总额 in one row (the 合计 row adjusted so the column still adds up)."""
    rows = [*ROWS[:3], ("残疾人小秘书项目", "145.18", "145.18", "140.68", "150.68"), *ROWS[4:]]
    total = (*TOTAL[:3], "840.075")
    (f,) = audit_text(tmp_path, unit_report(rows=rows, total=total)).findings
    assert (f.kind, f.found, f.expected) == ("sum", "150.68", "≤140.68")
