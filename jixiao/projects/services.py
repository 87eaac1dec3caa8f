"""Writes of projects and their evaluations. Each public function is one action: it takes the
acting user, changes the data in one transaction and records the change."""

from __future__ import annotations

from django.db import transaction

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.numbers import wan_to_fen
from jixiao.evaluations.engine import EvaluationResult
from jixiao.evaluations.inputs import ProjectInput
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.organizations.models import Division, Unit
from jixiao.projects.models import (
    Allocation,
    Expenditure,
    FundSource,
    Interview,
    PerformanceTarget,
    PolicyDocument,
    Project,
)
from jixiao.regions.models import Region
from jixiao.regions.selectors import region_resolve
from jixiao.surveys.models import Survey, SurveyQuestion

# Fields compared to describe an update in the change record.
_TRACKED_FIELDS = (
    "project_type", "region_id", "division_id", "template_key", "evaluation_start", "evaluation_end",
    "report_unit", "report_date", "balance_reason", "beneficiary_target",
)


class StoreError(ValueError):
    pass


def _region(code: str, label: str) -> Region:
    region = Region.objects.filter(code=code).first() if code else None
    region = region or region_resolve(label)
    if region is None:
        raise StoreError(f"区划“{label or code}”不在区划表中")
    return region


def _replace_children(project: Project, data: ProjectInput) -> None:
    for model in (PolicyDocument, FundSource, Allocation, Expenditure, PerformanceTarget, Interview):
        model.objects.filter(project=project).delete()
    PolicyDocument.objects.bulk_create(
        PolicyDocument(project=project, position=i, title=d.title, number=d.number, issuer=d.issuer)
        for i, d in enumerate(data.policies)
    )
    FundSource.objects.bulk_create(
        FundSource(project=project, position=i, kind=s.kind, budget_fen=wan_to_fen(s.budget),
                   arrived_fen=wan_to_fen(s.arrived), document=s.document, note=s.note)
        for i, s in enumerate(data.fund_sources)
    )
    Allocation.objects.bulk_create(
        Allocation(project=project, position=i, region=_region(a.region_code, a.region_name),
                   region_label=a.region_name, amount_fen=wan_to_fen(a.amount),
                   planned_beneficiaries=a.planned_beneficiaries, actual_beneficiaries=a.actual_beneficiaries,
                   note=a.note)
        for i, a in enumerate(data.allocations)
    )
    Expenditure.objects.bulk_create(
        Expenditure(project=project, position=i, item=e.item, amount_fen=wan_to_fen(e.amount), spent_on=e.spent_on,
                    region=region_resolve(e.region_name) if e.region_name else None, note=e.note)
        for i, e in enumerate(data.expenditures)
    )
    PerformanceTarget.objects.bulk_create(
        PerformanceTarget(project=project, position=i, category=t.category, name=t.name, operator=t.operator,
                          target_value=t.target, unit=t.unit, actual_value=t.actual, target_text=t.target_text,
                          actual_text=t.actual_text, deviation_reason=t.deviation_reason)
        for i, t in enumerate(data.targets)
    )
    Interview.objects.bulk_create(
        Interview(project=project, position=i, topic=v.topic, interviewee=v.interviewee, role=v.role,
                  method=v.method, held_on=v.held_on, summary=v.summary)
        for i, v in enumerate(data.interviews)
    )


def _store_evaluation(project: Project, result: EvaluationResult, figures: dict, actor, source_file: str) -> Evaluation:
    data = result.project
    evaluation = Evaluation.objects.create(
        project=project,
        template_key=data.template,
        total_score=result.total,
        full_marks=result.full_marks,
        grade=result.grade,
        grade_bands=[[g, str(lo)] for g, lo in data.grade_scale.bands],
        figures=figures,
        source_file=source_file,
        evaluated_by=actor if getattr(actor, "pk", None) else None,
    )
    by_code: dict[str, IndicatorScore] = {}
    for position, node in enumerate(result.nodes()):
        row = node.row
        by_code[node.code] = IndicatorScore.objects.create(
            evaluation=evaluation, parent=by_code.get(row.parent_code), position=position, level=node.level,
            code=node.code, name=node.name, weight=node.weight, rule=row.rule if node.is_leaf else "",
            linked=row.linked, operator=row.operator, target_value=row.target, actual_value=row.actual,
            per_item=row.per_item, missing_items=row.missing_items, band=row.band, manual_score=row.manual_score,
            score=node.score, evidence=row.evidence, basis=node.basis, individual=row.individual,
        )
    if data.survey and data.survey.questions:
        survey = Survey.objects.create(
            evaluation=evaluation, title=data.survey.title, preset=data.survey.preset,
            coefficients={k: str(v) for k, v in data.survey.coefficients.items()},
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, number=q.number, text=q.text, weight=q.weight,
                           **{f"count_{k.lower()}": q.counts.get(k, 0) for k in "ABCDE"})
            for q in data.survey.questions
        )
    return evaluation


@transaction.atomic
def project_store_evaluation(*, actor, result: EvaluationResult, figures: dict, source_file: str = "") -> Evaluation:
    """Create or update the project (by unit, year and name) and add this evaluation to it."""
    data = result.project
    unit, _ = Unit.objects.get_or_create(name=data.owner_unit, defaults={"kind": Unit.Kind.OTHER})
    division = Division.objects.get_or_create(unit=unit, name=data.division)[0] if data.division else None
    region = _region(data.region_code, data.region_name) if (data.region_code or data.region_name) else unit.region
    if region is None:
        raise StoreError("项目没有所属区划：请在“项目信息”中填写“所属区划”")
    values = {
        "project_type": data.project_type, "region": region, "division": division, "template_key": data.template,
        "evaluation_start": data.evaluation_start, "evaluation_end": data.evaluation_end,
        "report_unit": data.report_unit, "report_date": data.report_date, "balance_reason": data.balance_reason,
        "beneficiary_target": data.beneficiary_target, "narrative": data.narrative, "demo_note": data.demo_note,
    }
    project = Project.objects.filter(owner_unit=unit, year=data.year, name=data.name).first()
    if project is None:
        project = Project.objects.create(owner_unit=unit, year=data.year, name=data.name, **values)
        action, changes = ChangeRecord.Action.CREATE, {}
    else:
        before = {f: getattr(project, f) for f in _TRACKED_FIELDS}
        for field, value in values.items():
            setattr(project, field, value)
        project.save()
        changes = {
            f: [str(before[f]), str(getattr(project, f))] for f in _TRACKED_FIELDS if before[f] != getattr(project, f)
        }
        action = ChangeRecord.Action.IMPORT
    _replace_children(project, data)
    evaluation = _store_evaluation(project, result, figures, actor, source_file)
    change_record(
        actor=actor, action=action, obj=project, project=project, changes=changes,
        note=f"导入评价：{evaluation.total_score}分（{evaluation.grade}）" + (f"，来源 {source_file}" if source_file else ""),
    )
    return evaluation
