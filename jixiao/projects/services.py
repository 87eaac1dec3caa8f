"""Writes of projects and their evaluations. Each public function is one action: it takes the
acting user, changes the data in one transaction and records the change."""

from __future__ import annotations

import dataclasses

from django.db import IntegrityError, transaction

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.db import retry_when_busy
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


def result_summary_fields(result: EvaluationResult) -> dict:
    """The Evaluation columns the dashboard aggregates, computed from the result (never typed)."""
    judged = [tr for tr in result.targets if tr.met is not None]
    return {
        "total_score": result.total,
        "full_marks": result.full_marks,
        "grade": result.grade,
        "budget_fen": wan_to_fen(result.funds.budget),
        "arrived_fen": wan_to_fen(result.funds.arrived),
        "spent_fen": wan_to_fen(result.funds.spent),
        "targets_counted": len(judged),
        "targets_met": sum(1 for tr in judged if tr.met),
    }


def indicator_scores_create(evaluation: Evaluation, result: EvaluationResult) -> None:
    """The indicator tree of an evaluation, one bulk insert per level (parents get their keys first)."""
    by_code: dict[str, IndicatorScore] = {}
    levels: dict[int, list[IndicatorScore]] = {}
    for position, node in enumerate(result.nodes()):
        row = node.row
        by_code[node.code] = IndicatorScore(
            evaluation=evaluation, position=position, level=node.level,
            code=node.code, name=node.name, weight=node.weight, rule=row.rule if node.is_leaf else "",
            linked=row.linked, operator=row.operator, target_value=row.target, actual_value=row.actual,
            per_item=row.per_item, missing_items=row.missing_items, band=row.band, manual_score=row.manual_score,
            score=node.score, evidence=row.evidence, basis=node.basis, individual=row.individual,
        )
        by_code[node.code]._parent_code = row.parent_code
        levels.setdefault(node.level, []).append(by_code[node.code])
    for level in sorted(levels):
        for score in levels[level]:
            score.parent = by_code.get(score._parent_code)
        IndicatorScore.objects.bulk_create(levels[level])


def _store_evaluation(project: Project, result: EvaluationResult, figures: dict, actor, source_file: str) -> Evaluation:
    data = result.project
    evaluation = Evaluation.objects.create(
        project=project,
        template_key=data.template,
        grade_bands=[[g, str(lo)] for g, lo in data.grade_scale.bands],
        figures=figures,
        source_file=source_file,
        evaluated_by=actor if getattr(actor, "pk", None) else None,
        **result_summary_fields(result),
    )
    indicator_scores_create(evaluation, result)
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


def _project_get_or_create_locked(*, unit: Unit, year: int, name: str, values: dict) -> tuple[Project, bool]:
    """The project of (unit, year, name), locked until the transaction ends, or a new one.

    Two uploads of the same workbook at once must neither make two projects nor interleave their
    children: the row is locked (PostgreSQL; SQLite's IMMEDIATE transactions are serialised anyway),
    and an insert that loses the race against the unique constraint reads the winner's row instead."""
    lookup = {"owner_unit": unit, "year": year, "name": name}
    project = Project.objects.select_for_update().filter(**lookup).first()
    if project is not None:
        return project, False
    try:
        with transaction.atomic():  # a savepoint: the unique constraint's failure leaves the rest intact
            return Project.objects.create(**lookup, **values), True
    except IntegrityError:
        project = Project.objects.select_for_update().filter(**lookup).first()
        if project is None:
            raise
        return project, False


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
    project, created = _project_get_or_create_locked(unit=unit, year=data.year, name=data.name, values=values)
    if created:
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
    project.current_evaluation = evaluation
    project.save(update_fields=["current_evaluation"])
    change_record(
        actor=actor, action=action, obj=project, project=project, changes=changes,
        note=f"导入评价：{evaluation.total_score}分（{evaluation.grade}）" + (f"，来源 {source_file}" if source_file else ""),
    )
    return evaluation


def project_import_workbook(*, actor, path, file_name: str = "") -> Evaluation:
    """A workbook uploaded in the workbench: validated completely, scored and stored in one
    transaction — only inside the uploader's region, and only over a project they own.
    Raises InputInvalid listing every problem; nothing is stored then."""
    from pathlib import Path

    from jixiao.accounts.selectors import user_scope
    from jixiao.common.problems import InputInvalid, Problem
    from jixiao.evaluations.engine import evaluate
    from jixiao.evaluations.figures import build_figures
    from jixiao.indicators.selectors import grade_scale_default
    from jixiao.workbooks.reader import read_workbook

    file_name = file_name or Path(path).name
    scope = user_scope(actor)
    if not scope.manages_projects:
        raise InputInvalid([Problem("", None, None, f"您的角色（{scope.role_label}）不能导入项目", file_name)])
    data = read_workbook(path, region_lookup=region_resolve, default_grade_scale=grade_scale_default())
    data_problems = []
    region = Region.objects.filter(code=data.region_code).first() if data.region_code else None
    if region is None and data.region_name:
        region = region_resolve(data.region_name)
    if region is None:
        unit = Unit.objects.filter(name=data.owner_unit).select_related("region").first()
        region = unit.region if unit else None
    if region is None:
        data_problems.append(Problem("项目信息", None, "所属区划", "请填写项目的所属区划", file_name))
    elif not scope.covers_region(region):
        data_problems.append(Problem("项目信息", None, "所属区划",
                                     f"项目所属区划“{region.name}”不在您的辖区（{scope.region_name}）内", file_name))
    existing = Project.objects.filter(owner_unit__name=data.owner_unit, year=data.year, name=data.name).first()
    if existing is not None and not scope.covers_region(existing.region):
        data_problems.append(Problem("项目信息", None, "项目名称",
                                     f"同名项目已由“{existing.region.name}”登记，您无权覆盖", file_name))
    if data_problems:
        raise InputInvalid(data_problems)
    try:
        result = evaluate(data)
    except InputInvalid as exc:  # scoring problems: name the uploaded file like the reader's do
        raise InputInvalid([dataclasses.replace(p, file=p.file or file_name) for p in exc.problems]) from None
    figures = build_figures(result)
    return retry_when_busy(lambda: project_store_evaluation(actor=actor, result=result, figures=figures,
                                                            source_file=file_name))


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete a project with its evaluations; the audit row keeps what it was."""
    evaluation = project.current_evaluation
    change_record(
        actor=actor, action=ChangeRecord.Action.DELETE, obj=project, project=None,
        changes={"项目": [str(project), None],
                 "总分": [str(evaluation.total_score) if evaluation else None, None]},
        note=f"删除项目“{project}”（{project.region.name}）",
    )
    project.current_evaluation = None
    project.save(update_fields=["current_evaluation"])
    project.delete()
