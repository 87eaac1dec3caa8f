"""Reads of the rosters app, every one scoped by ``accounts.permissions`` (404 for what a user may not see)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.accounts.roles import Role
from jixiao.accounts.selectors import user_scope
from jixiao.comparison.kinds import FINDING_KINDS, KINDS, PERSON_LEVEL, UPLOAD_KINDS
from jixiao.regions.models import Region
from jixiao.rosters.models import ComparisonRun, Finding, RosterFile, RulesOverride
from jixiao.rosters.workflow import OPEN, FindingStatus

ROSTER_TITLES = {k: KINDS[k].title for k in UPLOAD_KINDS}
PROGRAMME_LABELS = {"pension": "养老保险缴费补助", "medical": "医保缴费补助"}


def may_view(user) -> bool:
    return permissions.may(user, Action.VIEW, Kind.COMPARISON)


def may_compare(user) -> bool:
    return permissions.may(user, Action.CREATE, Kind.COMPARISON)


def rosters_visible(user):
    return permissions.scoped(user, Action.VIEW, Kind.ROSTER, RosterFile.objects.select_related("region"),
                              path="region__path")


def runs_visible(user):
    return permissions.scoped(user, Action.VIEW, Kind.COMPARISON, ComparisonRun.objects.select_related("region", "job"),
                              path="region__path")


def run_get_visible(*, user, pk: int) -> ComparisonRun:
    run = runs_visible(user).filter(pk=pk).first()
    if run is None:
        raise Http404("没有这次比对，或您无权查看")
    return run


def findings_visible(user, *, current_only: bool = True):
    """The findings the user may see: where they lie (the person's village, else the run's region) is in the
    user's region. Only the newest run of each region and year unless ``current_only`` is False."""
    findings = Finding.objects.all()
    if current_only:
        findings = findings.filter(run__is_current=True)
    return permissions.scoped(user, Action.VIEW, Kind.COMPARISON, findings, path="region__path")


def finding_get_visible(*, user, pk: int) -> Finding:
    finding = (findings_visible(user, current_only=False).select_related("run", "region", "assignee", "person")
               .filter(pk=pk).first())
    if finding is None:
        raise Http404("没有这条发现，或您无权查看")
    return finding


def may_change_finding(user, finding: Finding) -> bool:
    return finding.run.is_current and permissions.may_on(user, Action.CHANGE, Kind.COMPARISON, region=finding.region)


def may_cancel_certificate(user, finding: Finding) -> bool:
    """The finding says a dead person's certificate is valid, and the user may cancel it."""
    return (finding.kind == "deceased_active" and finding.person_id is not None and finding.status in OPEN
            and may_change_finding(user, finding)
            and permissions.may_on(user, Action.CANCEL, Kind.PERSON, region=finding.person.region))


@dataclass(frozen=True)
class FindingFilters:
    run_id: int | None = None
    kind: str = ""
    region_id: int | None = None
    status: str = ""
    mine: bool = False


def finding_list(*, user, filters: FindingFilters):
    findings = findings_visible(user, current_only=filters.run_id is None)
    if filters.run_id is not None:
        findings = findings.filter(run_id=filters.run_id)
    if filters.kind in FINDING_KINDS:
        findings = findings.filter(kind=filters.kind)
    if filters.status in FindingStatus.values:
        findings = findings.filter(status=filters.status)
    if filters.region_id is not None:
        region = permissions.regions_offered(user).filter(pk=filters.region_id).first()
        findings = findings.filter(region__path__startswith=region.path) if region else findings.none()
    if filters.mine:
        findings = findings.filter(assignee_id=user_scope(user).user_id)
    return findings.select_related("region", "assignee").order_by("kind", "region_code", "id_number", "id")


def person_open_findings(*, user, person):
    """The person's findings still to be dealt with (待核实, 属实) in the newest runs, as the user may see them."""
    return findings_visible(user).filter(person=person, status__in=OPEN).select_related("run").order_by("kind", "id")


def assignable_users(*, actor, finding: Finding) -> list:
    """Township and village users whose region holds the finding, inside the actor's region."""
    if finding.region is None:
        return []
    path = finding.region.path
    prefixes = [path[:i + 1] for i, ch in enumerate(path) if ch == "/"]  # the region and its ancestors
    users = (get_user_model().objects.filter(is_active=True, profile__role__in=(Role.TOWNSHIP, Role.VILLAGE),
                                             profile__region__path__in=prefixes)
             .select_related("profile", "profile__region").order_by("profile__region__path", "username"))
    return [u for u in users if permissions.covers(actor, u.profile.region)]


def villages_with_visits(*, user, run: ComparisonRun) -> list[tuple[Region, int]]:
    """The regions (villages, or wherever the persons are held) with person-level findings of ``run`` the user
    may see, and how many: one 走访清单 each."""
    from django.db.models import Count

    rows = (findings_visible(user, current_only=False).filter(run=run, kind__in=PERSON_LEVEL)
            .values("region_id").annotate(n=Count("id")))
    counts = {r["region_id"]: r["n"] for r in rows}
    regions = Region.objects.filter(pk__in=[k for k in counts if k]).order_by("path")
    return [(r, counts[r.pk]) for r in regions]


def visit_findings(*, user, run: ComparisonRun, region: Region):
    return (findings_visible(user, current_only=False)
            .filter(run=run, kind__in=PERSON_LEVEL, region__path__startswith=region.path)
            .select_related("region", "assignee").order_by("region_code", "name", "id_number", "kind"))


def rules_override_for(region: Region | None) -> RulesOverride | None:
    """The override of the nearest region at or above ``region`` (none for a run over everything)."""
    if region is None:
        return None
    prefixes = [region.path[:i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    candidates = RulesOverride.objects.select_related("region").filter(region__path__in=prefixes)
    return max(candidates, key=lambda o: len(o.region.path), default=None)


def run_counts_by_kind(run: ComparisonRun) -> list[tuple[str, str, int]]:
    by_kind = (run.counts or {}).get("by_kind", {})
    return [(code, title, by_kind.get(code, 0)) for code, title in FINDING_KINDS.items()]


def status_counts(findings) -> dict[str, int]:
    from django.db.models import Count

    found = dict(findings.order_by().values_list("status").annotate(n=Count("id")))
    return {s.value: found.get(s.value, 0) for s in FindingStatus}
