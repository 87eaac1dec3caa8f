"""Reads of evaluations: the stored project turned back into the engine's input, and the figures the
dashboard aggregates over the user's projects.

The database is the record; ``project_input_from_db`` rebuilds exactly the ``ProjectInput``
that was scored, so a change made in the workbench is re-scored by the same engine as a
workbook (and a test checks that re-scoring an untouched evaluation reproduces its figures)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, F, Sum

from jixiao.common.numbers import fen_to_wan
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.projects.selectors import cached_per_scope, projects_visible
from jixiao.regions.models import Region
from jixiao.scoring import inputs as data


def _survey(evaluation: Evaluation) -> data.Survey | None:
    survey = getattr(evaluation, "survey", None)
    if survey is None:
        return None
    return data.Survey(
        title=survey.title,
        coefficients={k: Decimal(v) for k, v in survey.coefficients.items()},
        preset=survey.preset,
        questions=[
            data.SurveyQuestion(q.number, q.text, q.weight, {k: n for k, n in q.counts.items() if n})
            for q in survey.questions.order_by("number")
        ],
    )


def indicator_scores_and_rows(evaluation: Evaluation) -> list[tuple[IndicatorScore, data.IndicatorRow]]:
    """Each stored indicator (in tree order) with its engine input row: one query."""
    scores = list(IndicatorScore.objects.filter(evaluation=evaluation).order_by("position"))
    code_of = {s.pk: s.code for s in scores}  # parents belong to the same evaluation
    return [(s, _indicator_row(s, code_of.get(s.parent_id, ""))) for s in scores]


def indicator_rows_from_db(evaluation: Evaluation) -> list[data.IndicatorRow]:
    return [row for _, row in indicator_scores_and_rows(evaluation)]


def _indicator_row(s: IndicatorScore, parent_code: str) -> data.IndicatorRow:
    return data.IndicatorRow(
        code=s.code, parent_code=parent_code, name=s.name, weight=s.weight.normalize(),
        rule=s.rule, operator=s.operator, target=s.target_value, actual=s.actual_value, linked=s.linked,
        per_item=s.per_item, missing_items=s.missing_items, band=s.band, manual_score=s.manual_score,
        evidence=s.evidence, individual=s.individual,
    )


def project_input_from_db(evaluation: Evaluation) -> data.ProjectInput:
    project = evaluation.project
    figures = evaluation.figures or {}
    return data.ProjectInput(
        name=project.name,
        year=project.year,
        owner_unit=project.owner_unit.name,
        division=project.division.name if project.division_id else "",
        project_type=project.project_type,
        region_code=project.region.code,
        region_name=figures.get("region") or project.region.name,  # as the report printed it
        template=evaluation.template_key,
        evaluation_start=project.evaluation_start,
        evaluation_end=project.evaluation_end,
        report_unit=project.report_unit,
        report_date=project.report_date,
        balance_reason=project.balance_reason,
        beneficiary_target=project.beneficiary_target,
        demo_note=project.demo_note,
        policies=[data.PolicyDocument(d.title, d.number, d.issuer) for d in project.policies.all()],
        fund_sources=[
            data.FundSource(s.kind, fen_to_wan(s.budget_fen), fen_to_wan(s.arrived_fen), s.document, s.note)
            for s in project.fund_sources.all()
        ],
        allocations=[
            data.Allocation(a.region_label, a.region.code, fen_to_wan(a.amount_fen), a.planned_beneficiaries,
                            a.actual_beneficiaries, a.note, region_level=a.region.level)
            for a in project.allocations.select_related("region")
        ],
        expenditures=[
            data.Expenditure(e.item, fen_to_wan(e.amount_fen), e.spent_on, e.region.name if e.region_id else "", e.note)
            for e in project.expenditures.select_related("region")
        ],
        targets=[
            data.Target(t.category, t.name, t.operator, _norm(t.target_value), t.unit, _norm(t.actual_value),
                        t.target_text, t.actual_text, t.deviation_reason)
            for t in project.targets.all()
        ],
        indicators=indicator_rows_from_db(evaluation),
        survey=_survey(evaluation),
        interviews=[
            data.Interview(v.topic, v.summary, v.interviewee, v.role, v.method, v.held_on)
            for v in project.interviews.all()
        ],
        programmes=[
            data.Programme(
                p.name,
                policies=[data.PolicyDocument(d.title, d.number, d.issuer) for d in p.policies.all()],
                sources=[data.ProgrammeSource(s.kind, fen_to_wan(s.amount_fen), s.document, s.note)
                         for s in p.sources.all()],
                expenditures=[data.Expenditure(e.item, fen_to_wan(e.amount_fen), note=e.note)
                              for e in p.expenditures.all()],
                balance_reason=p.balance_reason, households=p.households, persons=p.persons,
                monthly_households=p.monthly_households, monthly_persons=p.monthly_persons, standard=p.standard,
                description=p.description,
            )
            for p in project.programmes.prefetch_related("policies", "sources", "expenditures")
        ],
        project_groups=[
            data.ProjectGroup(
                g.name, kind=g.kind, purpose=g.purpose, budget=fen_to_wan(g.budget_fen),
                budget_own=fen_to_wan(g.budget_own_fen), spent=fen_to_wan(g.spent_fen),
                spent_own=fen_to_wan(g.spent_own_fen), adjustment=g.adjustment,
                adjustment_spent=None if g.adjustment_spent_fen is None else fen_to_wan(g.adjustment_spent_fen),
                adjustment_spent_own=(None if g.adjustment_spent_own_fen is None
                                      else fen_to_wan(g.adjustment_spent_own_fen)),
                funds_class=g.funds_class,
            )
            for g in project.project_groups.all()
        ],
        livelihood_tasks=[
            data.LivelihoodTask(t.name, t.target.normalize(), t.actual.normalize(), t.unit, t.category, t.note)
            for t in project.livelihood_tasks.all()
        ],
        narrative=dict(project.narrative),
        grade_scale=data.GradeScale([(g, Decimal(lo)) for g, lo in evaluation.grade_bands])
        if evaluation.grade_bands else data.GradeScale(),
    )


def _norm(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None


# ---- the dashboard -------------------------------------------------------------------------------

def grades_offered(*, user) -> list[str]:
    """The grades to filter and chart by: those administrators keep (best first), then any other a visible
    project's current evaluation carries (a workbook's own 等级阈值, or a scale renamed since)."""
    from jixiao.indicators.selectors import grade_names

    def compute():
        names = grade_names()
        in_use = (projects_visible(user).exclude(current_evaluation=None)
                  .values_list("current_evaluation__grade", flat=True).distinct().order_by())
        return names + sorted(set(in_use) - set(names))

    return cached_per_scope("grades", user, compute)


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
        # Newest evaluations first (an index), keeping those that are a visible project's current one.
        evaluations = (Evaluation.objects.filter(project__in=projects_visible(user), project__current_evaluation=F("pk"))
                       .select_related("project__region").only("total_score", "grade", "project__name", "project__year",
                                                               "project__region__name")
                       .order_by("-updated_at")[:count])
        return [RecentEvaluation(e.project_id, str(e.project), e.project.region.name, f"{e.total_score:.2f}", e.grade)
                for e in evaluations]

    return cached_per_scope("recent", user, compute, count)


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
    return cached_per_scope("dashboard", user, lambda: _dashboard_compute(user=user, year=year), year)


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
