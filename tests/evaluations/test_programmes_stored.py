"""A multi-programme project stored (Programme and its policies, sources, spending, money in 分) and
rebuilt from the database scores to the same figures; re-storing replaces its programmes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.demo.seeds import load_seed
from jixiao.evaluations.selectors import project_input_from_db
from jixiao.projects.models import Programme, ProgrammeExpenditure, ProgrammeSource
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.personas import store

pytestmark = pytest.mark.django_db


def test_seed_003_stored_and_rebuilt():
    project = store(load_seed("003"))
    programmes = list(project.programmes.order_by("position"))
    assert [p.name for p in programmes] == ["城市居民最低生活保障", "涉诉特困人员救助", "城乡临时救助", "特困人员供养",
                                            "六十年代精减退职职工生活补助"]
    assert [s.amount_fen for s in programmes[0].sources.order_by("position")] == [26000000, 40000000, 38700000, 8530000]  # 1万元 = 1,000,000分
    assert (programmes[0].households, programmes[0].persons, programmes[0].monthly_persons) == (990, 1212, 101)
    rebuilt = project_input_from_db(project.current_evaluation)
    assert rebuilt.programmes == load_seed("003").programmes
    assert build_figures(evaluate(rebuilt)) == project.current_evaluation.figures
    assert project.current_evaluation.figures["programmes"][3]["total"] == "20.7"


def test_restoring_replaces_the_programmes():
    first = load_seed("003")
    store(first)
    again = load_seed("003")
    again.programmes = again.programmes[:2]
    again.programmes[1].expenditures[0].amount = D("29.5")
    project = store(again)
    assert Programme.objects.filter(project=project).count() == 2
    assert ProgrammeSource.objects.filter(programme__project=project).count() == 5
    assert ProgrammeExpenditure.objects.get(programme__project=project, programme__position=1).amount_fen == 29500000
    assert project.current_evaluation.figures["programmes"][1]["balance"] == "0.5"
