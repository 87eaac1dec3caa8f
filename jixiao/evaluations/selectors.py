"""Reads of evaluations: the stored project turned back into the engine's input.

The database is the record; ``project_input_from_db`` rebuilds exactly the ``ProjectInput``
that was scored, so a change made in the workbench is re-scored by the same engine as a
workbook (and a test checks that re-scoring an untouched evaluation reproduces its figures)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.common.numbers import fen_to_wan
from jixiao.evaluations import inputs as data
from jixiao.evaluations.models import Evaluation, IndicatorScore


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
                            a.actual_beneficiaries, a.note)
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
        narrative=dict(project.narrative),
        grade_scale=data.GradeScale([(g, Decimal(lo)) for g, lo in evaluation.grade_bands])
        if evaluation.grade_bands else data.GradeScale(),
    )


def _norm(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None
