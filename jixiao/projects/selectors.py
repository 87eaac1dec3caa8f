"""Reads of projects, always through the user's scope.

What a user may see or change is decided by ``jixiao.accounts.permissions``; ``projects_visible``
applies it, and every list, detail, download, dashboard figure and API answer starts from there.
The small getters return a project only if the user may see it (404 otherwise) or change it (403
when they may see it but not change it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.common.numbers import fmt_plain, fmt_wan
from jixiao.entitlements.parameters import RuleBook, RuleBookInvalid, per_capita_tolerance, rulebook_load
from jixiao.entitlements.per_capita import (
    PENSION_NAME_WORDS,
    AllocationLine,
    allocation_programme,
    per_capita_check,
)
from jixiao.projects.models import Project
from jixiao.regions.models import Region


def projects_visible(user, action: Action = Action.VIEW) -> QuerySet[Project]:
    """The projects the user may ``action`` (see, by default): the permissions module's reach for projects."""
    return permissions.scoped(user, action, Kind.PROJECT, Project.objects.all(), path="region__path",
                              assigned="assignments__user_id")


def project_get_visible(*, user, pk) -> Project:
    """The project if the user may see it; 404 otherwise (also for ids that do not exist)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("没有这个项目") from None
    project = (
        projects_visible(user)
        .select_related("region", "owner_unit", "division", "current_evaluation")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("没有这个项目，或您无权查看")
    return project


def _may(user, action: Action, project: Project) -> bool:
    return permissions.may_on(user, action, Kind.PROJECT, region=project.region,
                              assigned=lambda user_id: project.assignments.filter(user_id=user_id).exists())


def project_can_manage(user, project: Project) -> bool:
    """May the user re-import, change or delete this project (the owners)?"""
    return _may(user, Action.CHANGE, project)


def project_can_score(user, project: Project) -> bool:
    """May the user change leaf scores of this project (owners, and evaluators it is assigned to)?"""
    return _may(user, Action.SCORE, project)


def project_get_for_manage(*, user, pk) -> Project:
    project = project_get_visible(user=user, pk=pk)
    if not project_can_manage(user, project):
        raise PermissionDenied("您只能查看该项目，不能修改")
    return project


def project_get_for_scoring(*, user, pk) -> Project:
    project = project_get_visible(user=user, pk=pk)
    if not project_can_score(user, project):
        raise PermissionDenied("您只能查看该项目，不能修改评分")
    return project


@dataclass
class ProjectFilters:
    q: str = ""
    year: int | None = None
    region_id: int | None = None
    grade: str = ""
    project_type: str = ""


def project_list(*, user, filters: ProjectFilters) -> QuerySet[Project]:
    projects = projects_visible(user).select_related("region", "owner_unit", "current_evaluation")
    if filters.q:
        projects = projects.filter(Q(name__icontains=filters.q) | Q(owner_unit__name__icontains=filters.q))
    if filters.year:
        projects = projects.filter(year=filters.year)
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).first()
        projects = projects.filter(region__path__startswith=region.path) if region else projects.none()
    if filters.grade:
        projects = projects.filter(current_evaluation__grade=filters.grade)
    if filters.project_type:
        projects = projects.filter(project_type=filters.project_type)
    return projects.order_by("-year", "name", "pk")


# ---- per-scope cache ------------------------------------------------------------------------------
# Counts and aggregates read every project in the user's subtree; they are kept per scope and keyed by
# the data version — the last audit row, since every write (store, re-score, delete, an admin's edit)
# writes one — so a change shows at once in every server process, without any invalidation code.
CACHE_SECONDS = 300


def cached_per_scope(name: str, user, compute, *parts):
    """``compute()`` cached for everyone who sees the same projects, until the data changes."""
    from django.core.cache import cache

    from jixiao.changelog.selectors import last_change_mark

    key = ":".join(["jixiao", name, permissions.scope_key(user, Action.VIEW, Kind.PROJECT), *map(str, parts),
                    last_change_mark()])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def project_count(*, user, filters: ProjectFilters) -> int:
    """How many projects the list shows (cached: counting a search scans every row)."""
    key = (filters.q, filters.year, filters.region_id, filters.grade, filters.project_type)
    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:16]
    return cached_per_scope("count", user, lambda: project_list(user=user, filters=filters).count(), digest)


def project_years(*, user) -> list[int]:
    return cached_per_scope("years", user, lambda: list(
        projects_visible(user).order_by("-year").values_list("year", flat=True).distinct()))


# ---- the per-capita check of a project's allocations -------------------------------------------------
# The rule is ``jixiao.entitlements.per_capita`` (the same for ``jixiao audit``): which programme a project is,
# what the city pays per person in each county and the tolerance, from the shipped rule book.

@dataclass(frozen=True)
class PerCapitaRow:
    allocation_id: int
    region: str
    amount: str  # 万元, as printed
    beneficiaries: int
    per_capita: str  # 元/人, 2 decimals
    expected: str
    difference: str  # +220.00% (— where the city should pay nothing)
    flagged: bool
    message: str


@dataclass(frozen=True)
class PerCapitaView:
    programme: str  # the programme's name in the rule book
    year: int
    tolerance: str  # 50%
    rows: list[PerCapitaRow]
    notes: list[str]  # rows not checked, and why; a rule book that cannot be read

    @property
    def flagged(self) -> list[PerCapitaRow]:
        return [r for r in self.rows if r.flagged]


def _per_capita_of(project: Project, book: RuleBook, *, allocations, documents: list[str]) -> PerCapitaView | None:
    programme = allocation_programme(project.name, documents=documents, book=book)
    allocations = [a for a in allocations if a.region.level in ("county", "zone")]
    if programme is None or not allocations:
        return None
    name = book.programme(programme).name
    lines = [AllocationLine(label=a.region_label or a.region.short_name or a.region.name, region_code=a.region.code,
                            amount_wan=a.amount_wan, beneficiaries=a.actual_beneficiaries,
                            zone_cost_share=a.region.cost_share_label or None, key=a.pk) for a in allocations]
    try:
        tolerance = per_capita_tolerance(book)
        checked, skipped = per_capita_check(book, programme=programme, year=project.year, lines=lines)
    except RuleBookInvalid as exc:
        return PerCapitaView(programme=name, year=project.year, tolerance="", rows=[],
                             notes=[f"补助项目规则有误，未核对人均：{exc}"])
    rows = [PerCapitaRow(allocation_id=r.line.key, region=r.line.label, amount=fmt_wan(r.line.amount_wan),
                         beneficiaries=r.line.beneficiaries, per_capita=r.per_capita_text, expected=r.expected_text,
                         difference=r.difference_text, flagged=r.flagged, message=r.message) for r in checked]
    return PerCapitaView(programme=name, year=project.year, tolerance=f"{fmt_plain(tolerance * 100)}%", rows=rows,
                         notes=[s.reason for s in skipped])


def project_per_capita(project: Project) -> PerCapitaView | None:
    """The per-capita check of a (visible) project's county-level allocations; None when the project is not a
    programme the check knows (``allocation_programme``) or allocates to no county."""
    try:
        book = rulebook_load()
    except RuleBookInvalid as exc:
        return PerCapitaView(programme="", year=project.year, tolerance="", rows=[],
                             notes=[f"补助项目规则有误，未核对人均：{exc}"])
    documents = [n for n in project.policies.values_list("number", flat=True) if n]
    return _per_capita_of(project, book, allocations=project.allocations.select_related("region"),
                          documents=documents)


@dataclass(frozen=True)
class PerCapitaFlag:
    project_id: int
    project: str  # 2022年残疾人社会养老保险补助经费
    row: PerCapitaRow


def per_capita_flags(*, user, year: int | None = None) -> list[PerCapitaFlag]:
    """Every allocation of the user's visible projects (of ``year``) that the per-capita check flags, newest
    year first (cached per scope like the dashboard). The query keeps only names with the programme's words
    (``PENSION_NAME_WORDS``); ``allocation_programme`` decides."""
    def compute():
        try:
            book = rulebook_load()
        except RuleBookInvalid:
            return []
        projects = projects_visible(user).filter(allocations__isnull=False)
        for word in PENSION_NAME_WORDS:
            projects = projects.filter(name__contains=word)
        if year:
            projects = projects.filter(year=year)
        projects = (Project.objects.filter(pk__in=projects.values("pk"))
                    .only("id", "name", "year").order_by("-year", "name", "pk")
                    .prefetch_related("policies", "allocations__region"))
        out = []
        for project in projects:
            view = _per_capita_of(project, book, allocations=project.allocations.all(),
                                  documents=[p.number for p in project.policies.all() if p.number])
            if view is not None:
                out.extend(PerCapitaFlag(project.pk, str(project), row) for row in view.flagged)
        return out

    return cached_per_scope("per_capita", user, compute, year)
