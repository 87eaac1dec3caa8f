"""Writes of projects. Each public action takes the acting user, changes the data in one transaction
and records the change; ``project_upsert`` is the project half of ``evaluations.services.evaluation_store``
(the only way an evaluation, and with it a project, is stored)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.numbers import wan_to_fen
from jixiao.organizations.models import Division, Unit
from jixiao.projects.models import (
    Allocation,
    Expenditure,
    FundSource,
    Interview,
    LivelihoodTask,
    PerformanceTarget,
    PolicyDocument,
    Programme,
    ProgrammeExpenditure,
    ProgrammePolicy,
    ProgrammeSource,
    Project,
    ProjectGroup,
)
from jixiao.regions.models import Region
from jixiao.regions.selectors import region_resolve
from jixiao.scoring.inputs import ProjectInput

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


def _programmes_create(project: Project, data: ProjectInput) -> None:
    rows = Programme.objects.bulk_create(
        Programme(project=project, position=i, name=p.name, standard=p.standard, households=p.households,
                  persons=p.persons, monthly_households=p.monthly_households, monthly_persons=p.monthly_persons,
                  balance_reason=p.balance_reason, description=p.description)
        for i, p in enumerate(data.programmes)
    )
    if not rows:
        return
    if any(row.pk is None for row in rows):  # databases that return no ids from a bulk insert
        rows = list(Programme.objects.filter(project=project).order_by("position"))
    pairs = list(zip(rows, data.programmes, strict=True))
    ProgrammePolicy.objects.bulk_create(
        ProgrammePolicy(programme=row, position=i, title=d.title, number=d.number, issuer=d.issuer)
        for row, p in pairs for i, d in enumerate(p.policies)
    )
    ProgrammeSource.objects.bulk_create(
        ProgrammeSource(programme=row, position=i, kind=s.kind, amount_fen=wan_to_fen(s.amount), document=s.document,
                        note=s.note)
        for row, p in pairs for i, s in enumerate(p.sources)
    )
    ProgrammeExpenditure.objects.bulk_create(
        ProgrammeExpenditure(programme=row, position=i, item=e.item, amount_fen=wan_to_fen(e.amount), note=e.note)
        for row, p in pairs for i, e in enumerate(p.expenditures)
    )


def _fen_or_none(value) -> int | None:
    return None if value is None else wan_to_fen(value)


def _department_create(project: Project, data: ProjectInput) -> None:
    """A department-level project's groups (money in 分) and 民生实事 tasks, in their order."""
    ProjectGroup.objects.bulk_create(
        ProjectGroup(project=project, position=i, name=g.name, kind=g.kind, purpose=g.purpose,
                     budget_fen=wan_to_fen(g.budget), budget_own_fen=wan_to_fen(g.budget_own),
                     spent_fen=wan_to_fen(g.spent), spent_own_fen=wan_to_fen(g.spent_own), adjustment=g.adjustment,
                     adjustment_spent_fen=_fen_or_none(g.adjustment_spent),
                     adjustment_spent_own_fen=_fen_or_none(g.adjustment_spent_own), funds_class=g.funds_class)
        for i, g in enumerate(data.project_groups)
    )
    LivelihoodTask.objects.bulk_create(
        LivelihoodTask(project=project, position=i, category=t.category, name=t.name, target=t.target,
                       actual=t.actual, unit=t.unit, note=t.note)
        for i, t in enumerate(data.livelihood_tasks)
    )


def _replace_children(project: Project, data: ProjectInput) -> None:
    for model in (PolicyDocument, FundSource, Allocation, Expenditure, PerformanceTarget, Interview, Programme,
                  ProjectGroup, LivelihoodTask):
        model.objects.filter(project=project).delete()  # a programme's rows go with it (CASCADE)
    _programmes_create(project, data)
    _department_create(project, data)
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


def project_region_of(data: ProjectInput) -> Region | None:
    """The region a project belongs to: its 所属区划 (code, then the name as typed), else its owner unit's."""
    region = Region.objects.filter(code=data.region_code).first() if data.region_code else None
    if region is None and data.region_name:
        region = region_resolve(data.region_name)
    if region is None:
        unit = Unit.objects.filter(name=data.owner_unit).select_related("region").first()
        region = unit.region if unit else None
    return region


def project_existing(data: ProjectInput) -> Project | None:
    """The stored project a workbook describes (same owner unit, year and name), if any."""
    return (Project.objects.select_related("region")
            .filter(owner_unit__name=data.owner_unit, year=data.year, name=data.name).first())


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


def project_upsert(*, data: ProjectInput) -> tuple[Project, str, dict]:
    """Create or update the project a workbook describes (by owner unit, year and name) with all its
    children replaced. A step of ``evaluations.services.evaluation_store``, which holds the transaction
    and writes the one change record: returns (project, the record's action, field changes)."""
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
    return project, action, changes


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete a project with its evaluations; the audit row keeps what it was."""
    evaluation = project.current_evaluation
    change_record(
        actor=actor, action=ChangeRecord.Action.DELETE, obj=project,
        changes={"项目": [str(project), None],
                 "总分": [str(evaluation.total_score) if evaluation else None, None]},
        note=f"删除项目“{project}”（{project.region.name}）",
    )
    project.current_evaluation = None
    project.save(update_fields=["current_evaluation"])
    project.delete()
