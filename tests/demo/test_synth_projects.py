"""Synthetic projects: deterministic per seed, always scorable, a realistic spread of grades,
and storable through the ordinary store service (and the ``jixiao synth`` command)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.demo.synth_projects import synth_project_inputs, synth_projects_store
from jixiao.organizations.models import Unit
from jixiao.projects.models import Project
from jixiao.regions.catalog import load_catalog
from jixiao.scoring.engine import evaluate
from jixiao.scoring.inputs import FUND_SOURCE_KINDS, PROJECT_TYPES


def _county_codes() -> set[str]:
    return {e.code for e in load_catalog() if e.level in ("county", "zone")}


def test_same_seed_gives_same_projects():
    assert list(synth_project_inputs(25, seed=7)) == list(synth_project_inputs(25, seed=7))


def test_different_seeds_differ():
    a = [(p.name, p.year, p.fund_sources) for p in synth_project_inputs(25, seed=7)]
    b = [(p.name, p.year, p.fund_sources) for p in synth_project_inputs(25, seed=8)]
    assert a != b


def test_a_prefix_does_not_depend_on_n():
    assert list(synth_project_inputs(5, seed=3)) == list(synth_project_inputs(40, seed=3))[:5]


def test_300_projects_evaluate_cleanly_with_all_grades_and_realistic_spread():
    projects = list(synth_project_inputs(300, seed=2026))
    results = [evaluate(p) for p in projects]  # raises InputInvalid on any problem
    grades = Counter(r.grade for r in results)
    assert set(grades) == {"优", "良", "中", "差"}
    totals = [r.total for r in results]
    assert sum(1 for t in totals if t >= 80) > len(totals) // 2  # mostly 80 and above
    assert sum(1 for t in totals if t < 60) < len(totals) // 10  # a few poor ones
    assert max(totals) <= 100
    rates = [r.funds.execution_rate for r in results]
    assert min(rates) >= Decimal("0.70") and max(rates) <= 1 and min(rates) < Decimal("0.85")
    assert any(tr.met is False for r in results for tr in r.targets)


def test_projects_are_well_formed():
    counties = _county_codes()
    projects = list(synth_project_inputs(400, seed=11))
    keys = [(p.owner_unit, p.year, p.name) for p in projects]
    assert len(set(keys)) == len(keys)
    assert {p.region_code for p in projects} == counties  # all 18 county-level units over 400 projects
    for p in projects:
        assert p.region_code in counties and 2019 <= p.year <= 2025
        assert p.owner_unit.endswith(("残疾人联合会", "民政局")) and p.project_type in PROJECT_TYPES
        assert p.template == "昆明ABC" and p.survey.preset == "昆明三档"
        assert 3 <= len(p.targets) <= 6 and 1 <= len(p.interviews) <= 3 and p.narrative
        for s in p.fund_sources:
            assert s.kind in FUND_SOURCE_KINDS
            assert isinstance(s.budget, Decimal) and isinstance(s.arrived, Decimal)
            assert -s.budget.as_tuple().exponent <= 4 and s.arrived <= s.budget
        for e in p.expenditures:
            assert isinstance(e.amount, Decimal) and e.amount > 0 and -e.amount.as_tuple().exponent <= 4
    operators = Counter(t.operator for p in projects for t in p.targets)
    assert operators["≥"] and operators["≤"]
    assert all(any(t.category == "满意度" for t in p.targets) for p in projects)


@pytest.mark.django_db
def test_store_30_projects_each_with_current_evaluation_matching_engine():
    assert synth_projects_store(30, seed=5) == 30
    expected = {(p.owner_unit, p.year, p.name): evaluate(p).total for p in synth_project_inputs(30, seed=5)}
    projects = list(Project.objects.select_related("owner_unit", "current_evaluation"))
    assert len(projects) == 30
    for project in projects:
        assert project.current_evaluation is not None
        assert project.current_evaluation.total_score == expected[(project.owner_unit.name, project.year, project.name)]
        assert project.region.code in _county_codes()
    assert ChangeRecord.objects.filter(action="create").count() == 30
    assert not Unit.objects.filter(kind=Unit.Kind.OTHER).exists()  # units get their kind and county
    assert all(u.region_id for u in Unit.objects.all())


@pytest.mark.django_db
def test_storing_the_same_seed_again_updates_the_same_projects():
    synth_projects_store(3, seed=9)
    synth_projects_store(3, seed=9)
    assert Project.objects.count() == 3
    assert all(p.evaluations.count() == 2 for p in Project.objects.all())


@pytest.mark.django_db
def test_cli_synth_projects(capsys, monkeypatch):
    import jixiao.cli as cli
    from jixiao import bootstrap

    monkeypatch.setattr(bootstrap, "setup_django", lambda migrate=False: None)  # the test database is ready
    assert cli.main(["synth", "projects", "--n", "4", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "4 个虚构项目" in out and "秒" in out
    assert Project.objects.count() == 4


def test_cli_synth_rejects_unknown_kind(capsys):
    from jixiao.cli import main

    with pytest.raises(SystemExit):
        main(["synth", "households", "--n", "1"])
    assert "projects" in capsys.readouterr().err
