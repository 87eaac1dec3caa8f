"""A cycle from 草稿 to 已结束: computed as a job (summary, tallies by county and township, inputs with their
checksums), every allowed and refused move (audited, one row each), the other-user approval, who sees and may do
what per persona (404 / 403)."""

import pytest
from django.http import Http404

from jixiao.benefits import selectors, services, storage
from jixiao.benefits.models import Cycle, PaymentBatch
from jixiao.benefits.workflow import MOVES, TRANSITIONS, CycleState
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.jobs.models import Job
from jixiao.rosters import storage as roster_storage
from tests.benefits.world import SL, YEAR, compute_now, pension_cycle, pension_roster

pytestmark = pytest.mark.django_db
S = CycleState


def test_a_computed_cycle_keeps_its_summary_tallies_inputs_and_frozen_folder(w, run_jobs_here):
    cycle = pension_cycle(w, run_jobs_here)
    assert (cycle.state, cycle.region.code, cycle.rules.number, cycle.computed_by_label) == (
        S.COMPUTED, SL, 1, "county_sl")
    totals = cycle.summary["totals"]
    assert (totals["persons"], totals["amount_yuan"], totals["city_yuan"], totals["county_yuan"]) == (3, 500, 250, 250)
    assert totals["considered"] == 4  # 石林戊 (一级) is not in the programme; 富民己 is outside the county
    assert selectors.cycle_reasons(cycle) == [("unpaid", "参保未缴费（先缴后补、不缴不补）", 1)]
    counties = [(t.code, t.name, t.considered, t.persons, t.amount_fen, t.city_fen, t.county_fen)
                for t in selectors.cycle_tallies(cycle, level="county")]
    assert counties == [(SL, "石林彝族自治县", 4, 3, 50000, 25000, 25000)]
    townships = [(t.code, t.name, t.region.code, t.considered, t.persons, t.amount_fen, t.reasons)
                 for t in selectors.cycle_tallies(cycle, level="township")]
    assert townships == [("530126001", "鹿阜街道", "530126001", 2, 2, 40000, {}),
                         ("530126002", "石林街道", "530126002", 2, 1, 10000, {"unpaid": 1})]
    kinds = {i["kind"]: i for i in cycle.inputs}
    assert set(kinds) == {"registry", "pension"} and all(len(i["sha256"]) == 64 for i in cycle.inputs)
    assert kinds["pension"]["roster"] == cycle.rosters.get().pk and kinds["pension"]["sha256"] == cycle.rosters.get().sha256
    run = storage.run_folder(cycle.pk)
    assert {p.name for p in run.iterdir()} == {"entitlements.csv", "summary.json", "entitlements.parquet", "payments",
                                              "frozen"}
    assert [p.name for p in (run / "payments").iterdir()] == ["530126_石林彝族自治县_银行发放清单.xlsx"]
    assert selectors.cycle_frozen_folder(cycle) == run / "frozen"
    job = Job.objects.get(pk=cycle.job_id)
    assert job.kind == "benefits.compute" and job.status == "done" and job.result["figures"]["发放人数"] == 3
    assert [r.changes.get("状态") for r in changes_about(cycle)][:1] == [["草稿", "已计算"]]


def test_a_computation_that_cannot_read_its_roster_fails_and_leaves_the_cycle_as_it_was(w, run_jobs_here):
    roster = pension_roster(w)
    cycle = services.cycle_create(actor=w.users["county_sl"], programme="pension_subsidy", year=YEAR, rosters=[roster])
    roster_storage.roster_path(roster).write_text("姓名,缴费年度\n甲,2024\n", encoding="utf-8")
    cycle = compute_now(w.users["county_sl"], cycle, run_jobs_here)
    assert cycle.state == S.DRAFT and "身份证号" in cycle.message and "养老保险2024.csv" in cycle.message
    assert str(roster_storage.roster_path(roster)) not in cycle.message
    assert Job.objects.get(pk=cycle.job_id).status == "failed" and not cycle.tallies.exists()
    assert not storage.run_folder(cycle.pk).exists()


def test_cycle_create_checks_the_programme_period_region_rosters_and_overlaps(w, run_jobs_here):
    county = w.users["county_sl"]
    roster = pension_roster(w)
    with pytest.raises(services.BenefitsInvalid, match="需要城乡居民养老保险参保缴费名册"):
        services.cycle_create(actor=county, programme="pension_subsidy", year=YEAR)
    with pytest.raises(services.BenefitsInvalid, match="按年度计算，不用给月份"):
        services.cycle_create(actor=county, programme="pension_subsidy", year=YEAR, month=3, rosters=[roster])
    with pytest.raises(services.BenefitsInvalid, match="按月发放：请给出月份"):
        services.cycle_create(actor=county, programme="care_subsidy", year=YEAR)
    with pytest.raises(services.BenefitsInvalid, match="乡镇/街道"):
        services.cycle_create(actor=w.users["admin"], programme="care_subsidy", year=YEAR, month=1,
                              region=w.base.regions["yl_town"])
    with pytest.raises(services.BenefitsDenied, match="不能为富民县建立"):
        services.cycle_create(actor=county, programme="care_subsidy", year=YEAR, month=1, region=w.base.regions["fumin"])
    with pytest.raises(services.BenefitsDenied, match="不在您的辖区内"):  # a 富民县 user may not use 石林县's upload
        services.cycle_create(actor=w.users["county_fm"], programme="pension_subsidy", year=YEAR, rosters=[roster])
    with pytest.raises(services.BenefitsDenied):
        services.cycle_create(actor=w.users["finance_city"], programme="care_subsidy", year=YEAR, month=1)
    first = services.cycle_create(actor=county, programme="pension_subsidy", year=YEAR, rosters=[roster])
    with pytest.raises(services.BenefitsInvalid, match="已有批次"):
        services.cycle_create(actor=county, programme="pension_subsidy", year=YEAR, rosters=[roster])
    with pytest.raises(services.BenefitsInvalid, match="已有批次"):  # the city's cycle would pay 石林县 twice
        services.cycle_create(actor=w.users["city"], programme="pension_subsidy", year=YEAR,
                              rosters=[pension_roster(w, w.users["city"])])
    services.cycle_void(actor=county, cycle=first, reason="重建")
    again = services.cycle_create(actor=county, programme="pension_subsidy", year=YEAR, rosters=[roster])
    assert again.state == S.DRAFT and again.rules is None
    monthly = services.cycle_create(actor=county, programme="care_subsidy", year=YEAR, month=1)
    assert (monthly.month, monthly.period_label) == (1, "2024年1月")


def _cycle_in(w, state: str, year: int) -> Cycle:
    """A cycle put straight into ``state`` (computed by county_sl, nobody to pay), for the move matrix."""
    cycle = Cycle.objects.create(programme="care_subsidy", programme_name="重度残疾人护理补贴", year=year, month=1,
                                 region=w.shilin, state=state, created_by_label="t", computed_by=w.users["county_sl"],
                                 summary={"totals": {"persons": 0}})
    return cycle


CALLS = {
    "compute": lambda a, c: services.cycle_compute_start(actor=a, cycle=c),
    "submit": lambda a, c: services.cycle_submit(actor=a, cycle=c),
    "return": lambda a, c: services.cycle_return(actor=a, cycle=c, reason="金额需核对"),
    "approve": lambda a, c: services.cycle_approve(actor=a, cycle=c),
    "pay": lambda a, c: services.cycle_mark_paid(actor=a, cycle=c),
    "close": lambda a, c: services.cycle_close(actor=a, cycle=c),
    "void": lambda a, c: services.cycle_void(actor=a, cycle=c, reason="录入有误"),
}


def test_every_move_from_every_state_is_allowed_exactly_as_the_workflow_says(w):
    assert TRANSITIONS == {
        S.DRAFT: (S.COMPUTED, S.VOID), S.COMPUTED: (S.COMPUTED, S.REVIEW, S.VOID),
        S.REVIEW: (S.COMPUTED, S.APPROVED, S.VOID), S.APPROVED: (S.PAID, S.VOID), S.PAID: (S.CLOSED,),
        S.CLOSED: (), S.VOID: ()}
    approver = w.users["county_sl2"]  # a county user of 石林县 who did not compute
    year = 2000
    for state in S.values:
        for name, move in MOVES.items():
            year += 1
            cycle = _cycle_in(w, state, year)
            before = ChangeRecord.objects.count()
            if state in move.sources:
                result = CALLS[name](approver, cycle)
                cycle.refresh_from_db()
                expected = state if name == "compute" else move.target  # the job stores the move when it is done
                assert cycle.state == expected, (state, name)
                assert ChangeRecord.objects.filter(subject_id=str(cycle.pk), object_type="补助发放批次").count() == 1
                assert result.pk == cycle.pk
            else:
                with pytest.raises(services.BenefitsInvalid, match=f"批次状态为“{S(state).label}”，不能"):
                    CALLS[name](approver, cycle)
                cycle.refresh_from_db()
                assert cycle.state == state and ChangeRecord.objects.count() == before, (state, name)


def test_the_path_to_approval_needs_another_user_of_the_county(w, run_jobs_here):
    county, other = w.users["county_sl"], w.users["county_sl2"]
    cycle = pension_cycle(w, run_jobs_here)
    cycle = compute_now(county, cycle, run_jobs_here)  # recomputed in 已计算
    assert cycle.state == S.COMPUTED and cycle.job.status == "done"
    cycle = services.cycle_submit(actor=county, cycle=cycle)
    assert (cycle.state, cycle.submitted_by_id) == (S.REVIEW, county.pk)
    with pytest.raises(services.BenefitsInvalid, match="批次状态为“审核中”，不能计算"):
        services.cycle_compute_start(actor=county, cycle=cycle)  # no recomputation once submitted
    with pytest.raises(services.BenefitsDenied, match="不能批准自己计算的批次"):
        services.cycle_approve(actor=county, cycle=cycle)
    with pytest.raises(services.BenefitsDenied, match="须由石林彝族自治县本级用户"):
        services.cycle_approve(actor=w.users["city"], cycle=cycle)
    with pytest.raises(services.BenefitsInvalid, match="请说明退回原因"):
        services.cycle_return(actor=other, cycle=cycle, reason=" ")
    cycle = services.cycle_return(actor=other, cycle=cycle, reason="石林丙的缴费金额请再核对")
    assert (cycle.state, cycle.returned_reason) == (S.COMPUTED, "石林丙的缴费金额请再核对")
    cycle = compute_now(other, cycle, run_jobs_here)  # county_sl2 recomputes: now county_sl may approve
    cycle = services.cycle_submit(actor=other, cycle=cycle)
    with pytest.raises(services.BenefitsDenied, match="不能批准自己计算的批次"):
        services.cycle_approve(actor=other, cycle=cycle)
    cycle = services.cycle_approve(actor=county, cycle=cycle)
    assert (cycle.state, cycle.approved_by_id, cycle.approved_by_label) == (S.APPROVED, county.pk, "county_sl")
    history = [(r.actor_label, r.changes.get("状态")) for r in changes_about(cycle) if "状态" in r.changes]
    assert history[:5] == [("county_sl", ["审核中", "已批准"]), ("county_sl2", ["已计算", "审核中"]),
                           ("county_sl2", ["已计算", "已计算"]), ("county_sl2", ["审核中", "已计算"]),
                           ("county_sl", ["已计算", "审核中"])]
    assert {m.name for m in selectors.moves_allowed(county, cycle)} == {"void"}  # pay: no batch yet
    PaymentBatch.objects.create(cycle=cycle, number=1, persons=0, amount_fen=0, created_by_label="t")
    with pytest.raises(services.BenefitsInvalid, match="不能作废"):
        services.cycle_void(actor=county, cycle=cycle, reason="x")


def test_the_administrator_may_approve_and_a_void_needs_a_reason(w, run_jobs_here):
    cycle = services.cycle_submit(actor=w.users["county_sl"], cycle=pension_cycle(w, run_jobs_here))
    assert services.cycle_approve(actor=w.users["admin"], cycle=cycle).state == S.APPROVED
    with pytest.raises(services.BenefitsInvalid, match="请说明作废原因"):
        services.cycle_void(actor=w.users["county_sl"], cycle=cycle, reason="")
    cycle = services.cycle_void(actor=w.users["county_sl"], cycle=cycle, reason="政策调整，重新计算")
    assert (cycle.state, cycle.void_reason) == (S.VOID, "政策调整，重新计算")


def test_who_sees_and_may_act_on_a_shilin_cycle(w, run_jobs_here):
    cycle = services.cycle_submit(actor=w.users["county_sl"], cycle=pension_cycle(w, run_jobs_here))
    users = w.users
    seen = {p for p in users if selectors.cycles_visible(users[p]).filter(pk=cycle.pk).exists()}
    assert seen == {"admin", "city", "finance_city", "county_sl", "county_sl2"}
    for persona in ("county_fm", "finance_fm", "county_yl", "town_yl", "village_yl", "evaluator"):
        with pytest.raises(Http404):
            selectors.cycle_get_visible(user=users[persona], pk=cycle.pk)
        with pytest.raises(Http404):  # a service answers for what the user may not see as a page would: 404
            services.cycle_approve(actor=users[persona], cycle=cycle)
        with pytest.raises(Http404):
            services.cycle_void(actor=users[persona], cycle=cycle, reason="x")
    assert selectors.cycle_get_visible(user=users["finance_city"], pk=cycle.pk) == cycle
    with pytest.raises(services.BenefitsDenied, match="财政审核"):  # finance reads, acts on nothing
        services.cycle_return(actor=users["finance_city"], cycle=cycle, reason="x")
    assert selectors.moves_allowed(users["finance_city"], cycle) == []
    assert [m.name for m in selectors.moves_allowed(users["county_sl2"], cycle)] == ["return", "approve", "void"]
    assert [m.name for m in selectors.moves_allowed(users["county_sl"], cycle)] == ["return", "void"]
    assert cycle.state == Cycle.objects.get(pk=cycle.pk).state == S.REVIEW
    fm = selectors.cycle_list(user=users["county_fm"])
    assert list(fm) == [] and list(selectors.cycle_list(user=users["city"])) == [cycle]
    assert [r.code for r in selectors.regions_for_cycles(users["county_sl"])] == [SL]
    assert selectors.regions_for_cycles(users["finance_city"]).count() == 0


def test_the_rosters_of_a_cycle_change_only_before_it_is_submitted(w, run_jobs_here):
    from tests.benefits.world import PENSION
    from tests.rosters.world import upload

    county = w.users["county_sl"]
    cycle = pension_cycle(w, run_jobs_here)
    corrected = upload(county, "pension", [{**r, "个人缴费金额(元)": "200"} if r["身份证号"] == PENSION[2]["身份证号"] else r
                                           for r in PENSION], name="养老保险2024（更正）.csv")
    services.cycle_rosters_set(actor=county, cycle=cycle, rosters=[corrected])
    cycle = compute_now(county, cycle, run_jobs_here)
    assert cycle.summary["totals"]["amount_yuan"] == 600  # 石林丙 paid 200, not 100
    assert [i["file"] for i in cycle.inputs if i["kind"] == "pension"] == ["养老保险2024（更正）.csv"]
    cycle = services.cycle_submit(actor=county, cycle=cycle)
    with pytest.raises(services.BenefitsInvalid, match="审核中"):
        services.cycle_rosters_set(actor=county, cycle=cycle, rosters=[corrected])
    with pytest.raises(services.BenefitsInvalid, match="不使用"):
        services.cycle_rosters_set(actor=county, cycle=services.cycle_return(actor=w.users["county_sl2"], cycle=cycle,
                                                                             reason="再看看"),
                                   rosters=[upload(county, "medical", [], name="医保.csv")])


def test_the_cycle_page_reads_everything_at_once(w, run_jobs_here):
    cycle = services.cycle_submit(actor=w.users["county_sl"], cycle=pension_cycle(w, run_jobs_here))
    page = selectors.cycle_page(user=w.users["county_sl2"], pk=cycle.pk)
    assert [t.code for t in page.counties] == [SL] and [t.code for t in page.townships] == ["530126001", "530126002"]
    assert page.totals["persons"] == 3 and page.reasons[0][0] == "unpaid" and page.batches == []
    assert [m.name for m in page.moves] == ["return", "approve", "void"] and not page.may_pay
    assert page.payments["pending"] == {"persons": 0, "amount_fen": 0}
    with pytest.raises(Http404):
        selectors.cycle_page(user=w.users["county_fm"], pk=cycle.pk)


def test_a_festival_visit_cycle_from_an_uploaded_list(w, run_jobs_here):
    from tests.benefits.world import A, C, compute_now
    from tests.rosters.world import upload

    county = w.users["county_sl"]
    listed = upload(county, "beneficiaries", [{"姓名": "石林甲", "身份证号": A},
                                              {"姓名": "石林丙", "身份证号": C, "金额(元)": "500"}])
    cycle = services.cycle_create(actor=county, programme="festival_visit", year=2023, rosters=[listed])
    cycle = compute_now(county, cycle, run_jobs_here)
    assert cycle.summary["totals"]["amount_yuan"] == 300 + 500
    assert cycle.summary["totals"]["persons"] == 2
