"""From operations into the evaluation: an approved cycle's township totals become a county project's 对下资金分配
(actual beneficiaries counted, planned ones kept), and the project is scored again."""

from decimal import Decimal as D

import pytest
from django.http import Http404

from jixiao.benefits import services
from jixiao.evaluations.selectors import project_input_from_db
from tests.benefits.world import LUFU, SHILIN, approved_cycle, county_project, pension_cycle


def test_an_approved_cycle_becomes_the_projects_allocation_table(w, run_jobs_here):
    cycle = approved_cycle(w, run_jobs_here)
    project = county_project()
    evaluation = services.cycle_allocations_attach(actor=w.users["county_sl"], cycle=cycle, project=project)
    project.refresh_from_db()
    assert project.current_evaluation_id == evaluation.pk
    rows = {a.region_code: a for a in project_input_from_db(evaluation).allocations}
    assert set(rows) == {LUFU, SHILIN}
    # 鹿阜街道: 石林甲 200 + 石林乙 200 元; 石林街道: 石林丙 100 元 — what is paid there, in 万元
    assert (rows[LUFU].amount, rows[LUFU].actual_beneficiaries, rows[LUFU].planned_beneficiaries) == (D("0.04"), 2, 50)
    assert (rows[SHILIN].amount, rows[SHILIN].actual_beneficiaries) == (D("0.01"), 1)
    assert "按补助发放批次计算" in rows[LUFU].note
    target = next(t for t in evaluation.figures["targets"] if t["name"] == "补助人数")
    assert (target["actual"], target["completion"]) == ("3", "0.30%")  # 3 of the 1,000 planned


def test_only_an_approved_cycle_and_only_for_who_may(w, run_jobs_here):
    computed = pension_cycle(w, run_jobs_here)
    project = county_project()
    with pytest.raises(services.BenefitsInvalid, match="批准后的批次"):
        services.cycle_allocations_attach(actor=w.users["county_sl"], cycle=computed, project=project)
    with pytest.raises(Http404):
        services.cycle_allocations_attach(actor=w.users["county_fm"], cycle=computed, project=project)

