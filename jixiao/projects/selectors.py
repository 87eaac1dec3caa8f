"""Reads of projects, always through the user's scope.

``projects_visible`` is the one place that decides which projects a user sees; every list,
detail, download, dashboard figure and API answer starts from it. The small getters return a
project only if the user may see it (404 otherwise) or change it (403 when they may see it but
not change it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from jixiao.accounts.selectors import user_scope
from jixiao.projects.models import Project
from jixiao.regions.models import Region


def projects_visible(user) -> QuerySet[Project]:
    scope = user_scope(user)
    projects = Project.objects.all()
    if scope.sees_all:
        return projects
    if scope.assigned_only:
        return projects.filter(assignments__user_id=scope.user_id)
    if scope.region_path:
        return projects.filter(region__path__startswith=scope.region_path)
    return projects.none()


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


def project_can_manage(user, project: Project) -> bool:
    """May the user re-import, change or delete this project (the owners)?"""
    scope = user_scope(user)
    return scope.manages_projects and scope.covers_region(project.region)


def project_can_score(user, project: Project) -> bool:
    """May the user change leaf scores of this project (owners, and evaluators it is assigned to)?"""
    scope = user_scope(user)
    if scope.assigned_only:
        return scope.scores_projects and project.assignments.filter(user_id=scope.user_id).exists()
    return scope.scores_projects and scope.covers_region(project.region)


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


# ---- per-scope cache of the aggregates -----------------------------------------------------------
# The dashboard and the year filter read every project in the user's subtree; they are kept per scope
# and keyed by a data version (latest evaluation change, number and last id of projects, last audited
# change), so any store, re-score, delete or admin edit shows at once in every server process, without
# any invalidation code.
CACHE_SECONDS = 300


def data_version() -> str:
    """Latest evaluation change, number and last id of projects, and the last audited change (an admin's
    edit of a region, say): one statement, since it runs on every page."""
    from django.db import connection

    from jixiao.changelog.models import ChangeRecord
    from jixiao.evaluations.models import Evaluation

    evaluations, projects, changes = (Evaluation._meta.db_table, Project._meta.db_table, ChangeRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(updated_at) FROM {evaluations}), COUNT(*), MAX(id),"
                       f" (SELECT MAX(id) FROM {changes}) FROM {projects}")
        changed, count, last_id, last_change = cursor.fetchone()
    return f"{changed}:{count}:{last_id}:{last_change}".replace(" ", "T")  # cache keys must not contain spaces


def _scope_key(user) -> str:
    scope = user_scope(user)
    return f"{scope.role}:{scope.region_id}:{scope.user_id if scope.assigned_only else ''}"


def _cached(name: str, user, compute, *parts):
    from django.core.cache import cache

    key = ":".join(["jixiao", name, _scope_key(user), *map(str, parts), data_version()])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def project_count(*, user, filters: ProjectFilters) -> int:
    """How many projects the list shows (cached like the dashboard: counting a search scans every row)."""
    key = (filters.q, filters.year, filters.region_id, filters.grade, filters.project_type)
    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:16]
    return _cached("count", user, lambda: project_list(user=user, filters=filters).count(), digest)


def project_years(*, user) -> list[int]:
    return _cached("years", user, lambda: list(
        projects_visible(user).order_by("-year").values_list("year", flat=True).distinct()))


@dataclass(frozen=True)
class RecentEvaluation:
    project_id: int
    label: str
    region: str
    total_score: str
    grade: str


def recent_evaluations(*, user, count: int = 8) -> list[RecentEvaluation]:
    """The projects most recently scored or re-scored in the user's scope (cached like the dashboard)."""
    def compute():
        from jixiao.evaluations.models import Evaluation

        # Newest evaluations first (an index), keeping those that are a visible project's current one.
        evaluations = (Evaluation.objects.filter(project__in=projects_visible(user), project__current_evaluation=F("pk"))
                       .select_related("project__region").only("total_score", "grade", "project__name", "project__year",
                                                               "project__region__name")
                       .order_by("-updated_at")[:count])
        return [RecentEvaluation(e.project_id, str(e.project), e.project.region.name, f"{e.total_score:.2f}", e.grade)
                for e in evaluations]

    return _cached("recent", user, compute, count)


# ---- dashboard ---------------------------------------------------------------------------------

@dataclass
class CountyRow:
    region: str
    projects: int
    budget_fen: int
    spent_fen: int
    targets_counted: int
    targets_met: int
    average_score: Fraction | None

    @property
    def execution_rate(self) -> Fraction | None:
        return Fraction(self.spent_fen, self.budget_fen) if self.budget_fen else None

    @property
    def target_rate(self) -> Fraction | None:
        return Fraction(self.targets_met, self.targets_counted) if self.targets_counted else None


@dataclass
class Dashboard:
    projects: int
    evaluated: int
    average_score: Fraction | None
    grades: dict[str, int]
    by_county: list[CountyRow]
    budget_fen: int
    spent_fen: int
    years: list[int]
    year: int | None


def _county_of(region: Region, by_id: dict[int, Region]) -> Region:
    """The county-level unit a region belongs to (itself for county, city or province regions)."""
    node = region
    while node is not None and node.level in ("township", "village"):
        node = by_id.get(node.parent_id)
    return node or region


def _regions_with_ancestors(region_ids: set[int]) -> dict[int, Region]:
    """The regions projects belong to and every region above them (two small queries, whatever the size
    of the tree: 1,908 regions in Kunming, 16,495 in Yunnan)."""
    regions = {r.pk: r for r in Region.objects.filter(pk__in=region_ids)}
    above = {code for r in regions.values() for code in r.path.strip("/").split("/")[:-1]}
    regions.update((r.pk, r) for r in Region.objects.filter(code__in=above))
    return regions


def dashboard_for(*, user, year: int | None = None) -> Dashboard:
    """Projects, scores, grades, 预算执行率 and target completion for the user's region, by county
    (cached per scope and year until the data changes)."""
    return _cached("dashboard", user, lambda: _dashboard_compute(user=user, year=year), year)


def _dashboard_compute(*, user, year: int | None) -> Dashboard:
    """The dashboard figures.

    Aggregated in SQL per project region and grade in one pass, then rolled up to the
    county-level unit and to the totals in Python (regions are few; projects may be many).
    One pass matters: on SQLite the money columns sit after each evaluation's ~30 KB of
    ``figures``, so every scan of them reads the whole table."""
    projects = projects_visible(user)
    years = list(projects.order_by("-year").values_list("year", flat=True).distinct())
    if year:
        projects = projects.filter(year=year)
    evaluated = projects.filter(current_evaluation__isnull=False)
    per_region_grade = (
        evaluated.values("region_id", "current_evaluation__grade")
        .annotate(n=Count("id"), budget=Sum("current_evaluation__budget_fen"), spent=Sum("current_evaluation__spent_fen"),
                  counted=Sum("current_evaluation__targets_counted"), met=Sum("current_evaluation__targets_met"),
                  score_sum=Sum("current_evaluation__total_score"))
        .order_by()
    )
    per_region_grade = list(per_region_grade)
    regions = _regions_with_ancestors({agg["region_id"] for agg in per_region_grade})
    rows: dict[int, CountyRow] = {}
    score_sums: dict[int, Fraction] = {}
    grades: dict[str, int] = {}
    for agg in per_region_grade:
        county = _county_of(regions[agg["region_id"]], regions)
        row = rows.setdefault(county.pk, CountyRow(county.short_name or county.name, 0, 0, 0, 0, 0, None))
        row.projects += agg["n"]
        row.budget_fen += agg["budget"] or 0
        row.spent_fen += agg["spent"] or 0
        row.targets_counted += agg["counted"] or 0
        row.targets_met += agg["met"] or 0
        score_sums[county.pk] = score_sums.get(county.pk, Fraction(0)) + Fraction(agg["score_sum"] or 0)
        grade = agg["current_evaluation__grade"]
        grades[grade] = grades.get(grade, 0) + agg["n"]
    for pk, row in rows.items():
        row.average_score = score_sums[pk] / row.projects if row.projects else None
    ordered = sorted(rows.items(), key=lambda item: regions[item[0]].path)
    evaluated_count = sum(row.projects for row in rows.values())
    return Dashboard(
        projects=projects.count(),
        evaluated=evaluated_count,
        average_score=sum(score_sums.values(), Fraction(0)) / evaluated_count if evaluated_count else None,
        grades=grades,
        by_county=[row for _, row in ordered],
        budget_fen=sum(row.budget_fen for row in rows.values()),
        spent_fen=sum(row.spent_fen for row in rows.values()),
        years=years,
        year=year,
    )
