"""Department-level workbooks (seed 004): the 部门项目 / 民生实事 sheets written, read back and checked; a
workbook without them reads as before; `jixiao template --shape 部门整体`."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from jixiao.cli import main
from jixiao.common.problems import InputInvalid
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.schema import DEPARTMENT_SHEETS, SHEETS
from jixiao.workbooks.writer import GUIDE_SHEET, write_workbook
from tests.factories import sample_project
from tests.scoring.test_department import seed004_groups, seed004_tasks
from tests.workbooks.sheets import build_xlsx, load_sheets

DEPARTMENT_SHEET_NAMES = [s.name for s in DEPARTMENT_SHEETS]


def department_project():
    return sample_project(project_groups=seed004_groups(), livelihood_tasks=seed004_tasks())


def test_department_round_trip(tmp_path):
    path = tmp_path / "部门.xlsx"
    write_workbook(path, department_project())
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    assert names == [GUIDE_SHEET, *(s.name for s in SHEETS), *DEPARTMENT_SHEET_NAMES]
    project = read_workbook(path)
    assert project.project_groups == department_project().project_groups
    assert project.livelihood_tasks == department_project().livelihood_tasks


def test_department_sheets_are_staff_readable(tmp_path):
    path = tmp_path / "部门.xlsx"
    write_workbook(path, department_project())
    sheets = load_sheets(path)
    assert sheets["部门项目"][0][:7] == ["项目名称", "项目类型", "资金用途、使用方向", "预算总额（万元）", "预算其中本级（万元）",
                                     "支出总额（万元）", "支出其中本级（万元）"]
    assert sheets["部门项目"][5][:1] + sheets["部门项目"][5][3:10] == [
        "其他残疾人事业", 242.4, 242.4, 328.187, 223.945, "调指标", 23.075, 23.075]
    assert sheets["民生实事"][1][:5] == ["省重点民生实事项目", "困难残疾人家庭无障碍改造", 90, 99, "户"]
    guide = "\n".join(str(v) for row in sheets[GUIDE_SHEET] for v in row if v)
    for name in DEPARTMENT_SHEET_NAMES:
        assert f"工作表“{name}”（可选，不用时可留空）" in guide
    assert "任务完成率 = 完成数 ÷ 目标数" in guide and "工作经费与专项经费的划分均由系统计算" in guide


def test_old_workbook_without_department_sheets_still_reads(tmp_path):
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project())
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [GUIDE_SHEET, *(s.name for s in SHEETS)]
    guide = "\n".join(str(v) for row in load_sheets(path)[GUIDE_SHEET] for v in row if v)
    assert "民生实事" not in guide
    project = read_workbook(path)
    assert (project.project_groups, project.livelihood_tasks) == ([], [])


def _edited(tmp_path: Path, edit) -> list:
    good = tmp_path / "good.xlsx"
    write_workbook(good, department_project())
    sheets = load_sheets(good)
    edit(sheets)
    with pytest.raises(InputInvalid) as caught:
        read_workbook(build_xlsx(tmp_path / "edited.xlsx", sheets))
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


def test_own_level_above_total_duplicate_and_zero_target(tmp_path):
    def edit(sheets):
        sheets["部门项目"][2][4] = 300  # 其中本级 300 > 预算总额 280
        sheets["部门项目"][3][0] = "残疾人康复项目（含彩票公益金）"
        sheets["部门项目"][4][7] = ""  # 调整事项 missing
        sheets["部门项目"][4][8] = 1
        sheets["民生实事"][1][2] = 0
    assert _edited(tmp_path, edit) == [
        ("部门项目", 4, "项目名称", "项目名称“残疾人康复项目（含彩票公益金）”与第3行重复"),
        ("部门项目", 3, "预算其中本级（万元）", "“预算其中本级（万元）”不能大于“预算总额（万元）”"),
        ("部门项目", 5, "调整事项", "填了调整金额时请写明调整事项，如：调指标"),
        ("民生实事", 2, "目标数", "目标数须大于0（完成率 = 完成数 ÷ 目标数）"),
    ]


def test_template_department_shape(tmp_path, capsys):
    out = tmp_path / "部门.xlsx"
    assert main(["template", str(out), "--shape", "部门整体"]) == 0
    assert "部门整体" in capsys.readouterr().out
    assert CalamineWorkbook.from_path(str(out)).sheet_names == [GUIDE_SHEET, *(s.name for s in SHEETS),
                                                                 *DEPARTMENT_SHEET_NAMES]
    assert load_sheets(out)["民生实事"][0][:4] == ["类别", "任务", "目标数", "完成数"]


def test_tasks_without_groups_are_refused(tmp_path):
    def edit(sheets):
        sheets["部门项目"] = sheets["部门项目"][:1]
    assert _edited(tmp_path, edit) == [("民生实事", None, None, "填了“民生实事”表时，请同时在“部门项目”表填写单位的项目")]
