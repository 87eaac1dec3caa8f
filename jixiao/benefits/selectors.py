"""Reads of the benefits app, every one scoped by ``accounts.permissions`` (404 for a cycle a user may not see),
and the one place that says whether a user may make a move on a cycle (``move_refusal``: the services apply it,
the pages offer what it allows)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Q, Sum
from django.http import Http404

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind, Reach
from jixiao.accounts.selectors import user_scope
from jixiao.benefits import storage
from jixiao.benefits.models import Cycle, CycleTally, Payment, PaymentBatch, PaymentReturn, RuleBookVersion
from jixiao.benefits.workflow import ALLOCATABLE, MOVES, CycleState, ListKind, Move, PaymentStatus

S, P = CycleState, PaymentStatus
CYCLE_REGION_LEVELS = ("city", "county", "zone")


def may_view(user) -> bool:
    return permissions.may(user, Action.VIEW, Kind.CYCLE)


def may_create(user) -> bool:
    return permissions.may(user, Action.CREATE, Kind.CYCLE)


def may_see(user, cycle: Cycle) -> bool:
    return permissions.may_on(user, Action.VIEW, Kind.CYCLE, region=cycle.region)


def cycles_visible(user):
    return permissions.scoped(user, Action.VIEW, Kind.CYCLE,
                              Cycle.objects.select_related("region", "rules", "job"), path="region__path")


def cycle_get_visible(*, user, pk: int) -> Cycle:
    cycle = cycles_visible(user).filter(pk=pk).first()
    if cycle is None:
        raise Http404("没有这个补助发放批次，或您无权查看")
    return cycle


@dataclass(frozen=True)
class CycleFilters:
    programme: str = ""
    year: int | None = None
    state: str = ""
    region_id: int | None = None


def cycle_list(*, user, filters: CycleFilters = CycleFilters()):
    cycles = cycles_visible(user)
    if filters.programme:
        cycles = cycles.filter(programme=filters.programme)
    if filters.year:
        cycles = cycles.filter(year=filters.year)
    if filters.state in S.values:
        cycles = cycles.filter(state=filters.state)
    if filters.region_id is not None:
        region = permissions.regions_offered(user).filter(pk=filters.region_id).first()
        cycles = cycles.filter(region__path__startswith=region.path) if region else cycles.none()
    return cycles.order_by("-year", "-month", "region__path", "programme", "-id")


def regions_for_cycles(user):
    """The regions a user may start a cycle for: cities and counties in their region."""
    if not may_create(user):
        return permissions.regions_offered(user).none()
    return permissions.regions_offered(user).filter(level__in=CYCLE_REGION_LEVELS).order_by("path")


def rosters_for_cycle(*, user, kinds):
    """The uploaded rosters the user may use as a cycle's inputs (the comparison's uploads), of ``kinds``."""
    from jixiao.rosters.selectors import rosters_visible

    return rosters_visible(user).filter(kind__in=list(kinds))


# ---- rule book versions --------------------------------------------------------------------------------------

def rulebook_version_current() -> RuleBookVersion | None:
    """The version new computations use: the newest (None until the shipped default is first used)."""
    return RuleBookVersion.objects.order_by("-number").first()


def rulebook_versions():
    return RuleBookVersion.objects.select_related("created_by").order_by("-number")


# ---- moves ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    denied: bool  # True: not this user's to do (403); False: not now (the state, a running job …)
    message: str


def _same_level(user, cycle: Cycle) -> bool:
    """A user of the cycle's own region (a county user for a county's cycle), or one who reaches everything."""
    if permissions.reach(user, Action.APPROVE, Kind.CYCLE) is Reach.ALL:
        return True
    return user_scope(user).region_id == cycle.region_id


def open_payments(cycle: Cycle):
    """Payments still to be settled: on a list with no answer yet, or failed and not re-listed."""
    return Payment.objects.filter(cycle=cycle).filter(
        Q(status=P.PENDING) | Q(status=P.FAILED, relisted=False))


def move_refusal(user, cycle: Cycle, name: str) -> Refusal | None:
    """Why ``user`` may not make the move ``name`` on ``cycle`` now (None: they may)."""
    move: Move = MOVES[name]
    right = Action.APPROVE if move.right == "approve" else Action.CREATE
    if not permissions.may_on(user, right, Kind.CYCLE, region=cycle.region):
        return Refusal(True, f"您的角色（{permissions.role_label(user)}）不能{move.label}这个批次")
    if cycle.state not in move.sources:
        return Refusal(False, f"批次状态为“{cycle.state_label}”，不能{move.label}")
    if name in ("compute", "submit") and cycle.computing:
        return Refusal(False, "批次正在计算，请等计算完成")
    if name == "approve":
        if not _same_level(user, cycle):
            return Refusal(True, f"须由{cycle.region.name}本级用户（或系统管理员）批准")
        if cycle.computed_by_id is not None and cycle.computed_by_id == user_scope(user).user_id:
            return Refusal(True, "不能批准自己计算的批次：须由另一位用户审核批准")
    if name == "pay":
        if not cycle.batches.exists() and (cycle.summary.get("totals") or {}).get("persons", 0) > 0:
            return Refusal(False, "还没有生成发放清单")
        left = open_payments(cycle).aggregate(pending=Count("id", filter=Q(status=P.PENDING)),
                                              failed=Count("id", filter=Q(status=P.FAILED)))
        if left["pending"] or left["failed"]:
            return Refusal(False, f"还有 {left['pending'] + left['failed']} 人未到账（待回盘 {left['pending']} 人，"
                                  f"失败待重新发放 {left['failed']} 人），全部到账后才能确认发放完成")
    if name == "void" and cycle.batches.exists():
        return Refusal(False, "已生成发放清单并交银行（或经办机构），不能作废")
    return None


def moves_allowed(user, cycle: Cycle) -> list[Move]:
    """The moves to offer on the cycle's page."""
    return [m for name, m in MOVES.items() if move_refusal(user, cycle, name) is None]


def payments_refusal(user, cycle: Cycle, *, confirm: bool = False) -> Refusal | None:
    """Why the user may not make a batch, import a return or correct an account now; ``confirm``: confirm a 代缴
    list by hand (a user of the cycle's own level, with the right to approve)."""
    right = Action.APPROVE if confirm else Action.CREATE
    if not permissions.may_on(user, right, Kind.CYCLE, region=cycle.region) or (confirm and not _same_level(user, cycle)):
        what = f"确认{cycle.region.name}的代缴清单" if confirm else "办理这个批次的发放"
        return Refusal(True, f"您的角色（{permissions.role_label(user)}）不能{what}")
    if cycle.state != S.APPROVED:
        return Refusal(False, f"批次状态为“{cycle.state_label}”：只有已批准的批次办理发放和回盘")
    return None


# ---- a cycle's figures ---------------------------------------------------------------------------------------

def cycle_tallies(cycle: Cycle, *, level: str | None = None, county_code: str = ""):
    """The tallies by county (``level="county"``) or township (``"township"``, optionally of one county)."""
    tallies = CycleTally.objects.filter(cycle=cycle).select_related("region")
    if level:
        tallies = tallies.filter(level=level)
    if county_code:
        tallies = tallies.filter(code__startswith=county_code)
    return tallies.order_by("level", "code")


def cycle_reasons(cycle: Cycle) -> list[tuple[str, str, int]]:
    """(code, 原因, persons) of those the cycle considered and pays nothing, from its summary."""
    reasons = (cycle.summary or {}).get("reasons", {})
    return [(code, r["label"], r["persons"]) for code, r in sorted(reasons.items(), key=lambda kv: -kv[1]["persons"])]


def cycle_totals(cycle: Cycle) -> dict:
    return (cycle.summary or {}).get("totals", {})


@dataclass(frozen=True)
class CyclePage:
    """What a cycle's page shows, read at once."""
    cycle: Cycle
    counties: list
    townships: list
    reasons: list[tuple[str, str, int]]
    totals: dict
    batches: list
    payments: dict[str, dict]
    moves: list[Move]
    may_pay: bool  # make a batch, import a return, correct an account
    may_confirm_proxy: bool


def cycle_page(*, user, pk: int) -> CyclePage:
    cycle = cycle_get_visible(user=user, pk=pk)
    tallies = list(cycle_tallies(cycle))
    return CyclePage(cycle=cycle, counties=[t for t in tallies if t.level == CycleTally.Level.COUNTY],
                     townships=[t for t in tallies if t.level == CycleTally.Level.TOWNSHIP],
                     reasons=cycle_reasons(cycle), totals=cycle_totals(cycle), batches=list(batches_of(cycle)),
                     payments=payment_status_counts(cycle=cycle), moves=moves_allowed(user, cycle),
                     may_pay=payments_refusal(user, cycle) is None,
                     may_confirm_proxy=payments_refusal(user, cycle, confirm=True) is None)


def cycle_frozen_folder(cycle: Cycle) -> Path | None:
    folder = storage.frozen_folder(cycle.pk)
    return folder if (folder / "manifest.json").is_file() else None


# ---- payments ------------------------------------------------------------------------------------------------

def batches_of(cycle: Cycle):
    """The cycle's batches with their payments counted by status."""
    return (PaymentBatch.objects.filter(cycle=cycle).order_by("number")
            .annotate(pending=Count("payments", filter=Q(payments__status=P.PENDING)),
                      paid=Count("payments", filter=Q(payments__status=P.PAID)),
                      failed=Count("payments", filter=Q(payments__status=P.FAILED)),
                      paid_fen=Sum("payments__amount_fen", filter=Q(payments__status=P.PAID), default=0)))


def batch_get_visible(*, user, pk: int) -> PaymentBatch:
    batch = PaymentBatch.objects.select_related("cycle", "cycle__region").filter(pk=pk).first()
    if batch is None or not may_see(user, batch.cycle):
        raise Http404("没有这个发放批，或您无权查看")
    return batch


def batch_files(batch: PaymentBatch) -> list[dict]:
    """The batch's payment lists, each with its path (what a download serves) and label."""
    out = []
    for entry in batch.files:
        path = storage.cycle_file(batch.cycle_id, entry["file"])
        label = f"{entry.get('county_name') or entry['county_code']}{ListKind(entry['list']).label}"
        out.append({**entry, "path": path, "name": path.name, "label": label})
    return out


def returns_of(batch: PaymentBatch):
    return PaymentReturn.objects.filter(batch=batch).select_related("imported_by").order_by("id")


@dataclass(frozen=True)
class PaymentFilters:
    batch_id: int | None = None
    status: str = ""
    county_code: str = ""
    open_only: bool = False  # still to be settled (待回盘, or 失败 and not re-listed)


def payments_of(*, cycle: Cycle, filters: PaymentFilters = PaymentFilters()):
    """A visible cycle's payments (the caller got the cycle from ``cycle_get_visible``). Whole IDs and accounts:
    a page masks them unless ``registry.selectors.may_unmask``."""
    payments = open_payments(cycle) if filters.open_only else Payment.objects.filter(cycle=cycle)
    if filters.batch_id is not None:
        payments = payments.filter(batch_id=filters.batch_id)
    if filters.status in P.values:
        payments = payments.filter(status=filters.status)
    if filters.county_code:
        payments = payments.filter(county_code=filters.county_code)
    return payments.select_related("batch").order_by("batch__number", "county_code", "region_code", "id_number", "id")


def payment_status_counts(*, cycle: Cycle, batch: PaymentBatch | None = None) -> dict[str, dict]:
    """status → {persons, amount_fen}, for the cycle (every batch's rows) or one batch."""
    payments = Payment.objects.filter(cycle=cycle) if batch is None else Payment.objects.filter(batch=batch)
    found = {row["status"]: row for row in payments.order_by().values("status")
             .annotate(persons=Count("id"), amount_fen=Sum("amount_fen"))}
    return {s.value: {"persons": found.get(s.value, {}).get("persons", 0),
                      "amount_fen": found.get(s.value, {}).get("amount_fen") or 0} for s in P}


PAYMENT_JOB_KINDS = ("benefits.batch", "benefits.return")  # benefits.jobs.BATCH, RETURN


def payment_jobs(cycle: Cycle):
    """The cycle's payment jobs (making a batch, importing a return), newest first."""
    from jixiao.jobs.models import Job

    return Job.objects.filter(kind__in=PAYMENT_JOB_KINDS, params__cycle=cycle.pk).order_by("-id")


def payment_job_active(cycle: Cycle):
    from jixiao.jobs.models import Job

    return next((job for job in payment_jobs(cycle).filter(status__in=Job.ACTIVE)), None)


def payment_job_latest(cycle: Cycle):
    return payment_jobs(cycle).first()


def payment_get_visible(*, user, pk: int) -> Payment:
    payment = Payment.objects.select_related("cycle", "cycle__region", "batch").filter(pk=pk).first()
    if payment is None or not may_see(user, payment.cycle):
        raise Http404("没有这条发放记录，或您无权查看")
    return payment


def projects_for_allocation(*, user, cycle: Cycle):
    """The stored projects an approved cycle may become the 对下资金分配 of, for this user: scored, the user may change
    them, of the cycle's year, and their 所属区划 holds the cycle's region or lies in it. Empty before approval."""
    from jixiao.projects.selectors import projects_visible

    if cycle.state not in ALLOCATABLE:
        return projects_visible(user, Action.CHANGE).none()
    code = cycle.region.code
    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return (projects_visible(user, Action.CHANGE)
            .filter(year=cycle.year, current_evaluation__isnull=False)
            .filter(Q(region__code__in=prefixes) | Q(region__code__startswith=code))
            .select_related("region").order_by("name"))
