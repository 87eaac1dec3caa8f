"""Department-level projects (seed 004): totals over the project groups, the 工作经费 / 专项经费 split and
the 民生实事 completion rates are computed and printed once; a project without groups prints as before."""

from __future__ import annotations

from decimal import Decimal as D

from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import (
    build_figures,
    department_amounts,
    funds_class_of,
    summary_from_figures,
    task_completion,
)
from jixiao.scoring.inputs import LivelihoodTask, ProjectGroup
from tests.factories import sample_project


def seed004_groups() -> list[ProjectGroup]:
    return [
        ProjectGroup("残疾人工作经费", budget=D(97), budget_own=D(97), spent=D("82.8"), spent_own=D("82.8")),
        ProjectGroup("残疾人康复项目（含彩票公益金）", budget=D(280), budget_own=D(280), spent=D("522.59"),
                     spent_own=D("173.55")),
        ProjectGroup("残疾人托养、就业项目", budget=D(213), budget_own=D(213), spent=D("542.733"), spent_own=D("209.10")),
        ProjectGroup("残疾人小秘书项目", budget=D("145.18"), budget_own=D("145.18"), spent=D("140.68"),
                     spent_own=D("140.68")),
        ProjectGroup("其他残疾人事业", budget=D("242.4"), budget_own=D("242.4"), spent=D("328.187"),
                     spent_own=D("223.945"), adjustment="调指标", adjustment_spent=D("23.075"),
                     adjustment_spent_own=D("23.075")),
    ]


def seed004_tasks() -> list[LivelihoodTask]:
    return [
        LivelihoodTask("困难残疾人家庭无障碍改造", D(90), D(99), "户", "省重点民生实事项目"),
        LivelihoodTask("残疾儿童康复救助", D(180), D(205), "人", "省重点民生实事项目", note="1944个月，任务1440个月"),
    ]


def test_department_amounts_and_split():
    a = department_amounts(seed004_groups())
    assert (a.budget, a.budget_own, a.spent, a.spent_own) == (D("977.58"), D("977.58"), D("1616.99"), D("830.075"))
    assert a.by_class == {"工作经费": D("82.8"), "专项经费": D("1534.19")}
    assert (a.budget_count, a.spent_count) == (5, 5)


def test_funds_class_given_or_from_name():
    assert funds_class_of(ProjectGroup("残疾人工作经费")) == "工作经费"
    assert funds_class_of(ProjectGroup("康复")) == "专项经费"
    assert funds_class_of(ProjectGroup("康复", funds_class="工作经费")) == "工作经费"


def test_task_completion():
    rates = [task_completion(t) for t in seed004_tasks()]
    assert [f"{float(r) * 100:.2f}" for r in rates] == ["110.00", "113.89"]
    assert task_completion(LivelihoodTask("无目标", D(0), D(3))) is None


def test_department_figures_and_sentences():
    project = sample_project(project_groups=seed004_groups(), livelihood_tasks=seed004_tasks())
    fig = build_figures(evaluate(project))
    dep = fig["department"]
    assert dep["total"] == {"budget": "977.58", "budget_own": "977.58", "spent": "1616.99", "spent_own": "830.075",
                            "work_funds": "82.8", "special_funds": "1534.19", "budget_count": 5, "spent_count": 5}
    last = dep["groups"][-1]
    assert (last["spent_text"], last["spent_own_text"]) == ("328.187（含调指标23.075万元）", "223.945（含调指标23.075万元）")
    assert dep["groups"][2]["spent_own"] == "209.1"
    assert [t["completion"] for t in dep["tasks"]] == ["110.00%", "113.89%"]
    assert dep["sentences"]["overview"] == (
        "2024年我单位项目支出预算共977.58万元，包含项目5个，实际支出1616.99万元（工作经费82.8万元、专项经费1534.19万元），"
        "涵盖项目5个。具体情况如下：")
    assert dep["sentences"]["tasks"] == [
        "省重点民生实事项目：任务为“完成90户困难残疾人家庭无障碍改造”，实际完成99户，任务数完成110.00%；"
        "任务为“完成180人残疾儿童康复救助”，实际完成205人（1944个月，任务1440个月），任务数完成113.89%。"]
    assert summary_from_figures(fig)["department"]["total"]["spent_own"] == "830.075"


def test_split_leaves_out_an_empty_class():
    project = sample_project(project_groups=[ProjectGroup("康复", budget=D(10), spent=D(8))])
    dep = build_figures(evaluate(project))["department"]
    assert "（专项经费8万元）" in dep["sentences"]["overview"]
    assert dep["sentences"]["tasks"] == []


def test_project_without_groups_prints_no_department_key():
    fig = build_figures(evaluate(sample_project()))
    assert "department" not in fig and "department" not in summary_from_figures(fig)


def test_own_level_word():
    from jixiao.scoring.figures import _own_level

    assert _own_level("开福区", "") == "区级"
    assert _own_level("", "长沙市开福区残疾人联合会") == "区级"
    assert _own_level("", "宜良县市场监督管理局") == "县级"
    assert _own_level("", "昆明市残疾人联合会") == "市级"
    assert _own_level("", "残联") == "本级"
