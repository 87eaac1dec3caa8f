"""A department-level project stored (ProjectGroup with money in 分, LivelihoodTask) and rebuilt from the
database scores to the same figures; re-storing replaces its groups and tasks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.demo.seeds import load_seed
from jixiao.evaluations.selectors import project_input_from_db
from jixiao.projects.models import LivelihoodTask, ProjectGroup
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.personas import store

pytestmark = pytest.mark.django_db


def seed004():
    """Seed 004 under a shipped region (开福区 is not in the shipped tree, see demo.seeds.NOT_STORED)."""
    project = load_seed("004")
    project.region_code, project.region_name = "530102", "五华区"
    return project


def test_seed_004_stored_and_rebuilt():
    project = store(seed004())
    groups = list(project.project_groups.order_by("position"))
    assert [g.name for g in groups][:2] == ["残疾人工作经费", "残疾人康复项目（含彩票公益金）"]
    assert (groups[4].spent_fen, groups[4].spent_own_fen, groups[4].adjustment_spent_fen) == (
        328187000, 223945000, 23075000)  # 1万元 = 1,000,000分
    assert groups[0].adjustment_spent_fen is None
    assert [(t.target, t.actual) for t in project.livelihood_tasks.order_by("position")] == [
        (D(90), D(99)), (D(180), D(205))]
    rebuilt = project_input_from_db(project.current_evaluation)
    seed = load_seed("004")
    assert (rebuilt.project_groups, rebuilt.livelihood_tasks) == (seed.project_groups, seed.livelihood_tasks)
    assert build_figures(evaluate(rebuilt)) == project.current_evaluation.figures
    assert project.current_evaluation.figures["department"]["total"]["spent_own"] == "830.075"


def test_restoring_replaces_the_groups_and_tasks():
    store(seed004())
    again = seed004()
    again.project_groups = again.project_groups[:2]
    again.project_groups[1].spent = D("500")
    again.livelihood_tasks = again.livelihood_tasks[:1]
    project = store(again)
    assert ProjectGroup.objects.filter(project=project).count() == 2
    assert LivelihoodTask.objects.filter(project=project).count() == 1
    assert project.current_evaluation.figures["department"]["total"]["spent"] == "582.8"
