"""Storing an evaluation: the one way anything — the command line, a web or API upload, the demo and
the invented projects — puts a scored project into the database.

``evaluation_store`` scores the project input itself (the engine, then the printed figures), so no
caller can store figures that do not follow from the data; it checks the actor's right to the
project's region; and it creates or updates the project, adds the evaluation with its indicator
tree and survey, and writes one change record, all in one transaction."""

from __future__ import annotations

from django.db import transaction

from jixiao.changelog.services import change_record
from jixiao.common.db import retry_when_busy
from jixiao.common.numbers import wan_to_fen
from jixiao.common.problems import InputInvalid, Problem
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.projects.models import Project
from jixiao.projects.services import project_existing, project_region_of, project_upsert
from jixiao.scoring.engine import EvaluationResult, evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import ProjectInput
from jixiao.surveys.models import Survey, SurveyQuestion


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


def _indicator_scores_create(evaluation: Evaluation, result: EvaluationResult) -> None:
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


def _evaluation_create(project: Project, result: EvaluationResult, figures: dict, actor, source: str) -> Evaluation:
    data = result.project
    evaluation = Evaluation.objects.create(
        project=project,
        template_key=data.template,
        grade_bands=[[g, str(lo)] for g, lo in data.grade_scale.bands],
        figures=figures,
        source_file=source,
        evaluated_by=actor if getattr(actor, "pk", None) else None,
        **result_summary_fields(result),
    )
    _indicator_scores_create(evaluation, result)
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


def _scope_problems(actor, data: ProjectInput, source: str) -> list[Problem]:
    """What stops this actor from storing this project: their role, the project's region, an existing
    project of the same name owned elsewhere. No actor (the command line, the demo) means no limit."""
    from jixiao.accounts import permissions

    if actor is None:
        return []
    if not permissions.may(actor, permissions.Action.CREATE, permissions.Kind.PROJECT):
        role = permissions.role_label(actor)
        return [Problem("", None, None, f"您的角色（{role}）不能导入项目", source)]
    region = project_region_of(data)
    if region is None:
        return [Problem("项目信息", None, "所属区划", "请填写项目的所属区划", source)]
    problems = []
    if not permissions.covers(actor, region):
        problems.append(Problem("项目信息", None, "所属区划",
                                f"项目所属区划“{region.name}”不在您的辖区（{permissions.region_label(actor)}）内",
                                source))
    existing = project_existing(data)
    if existing is not None and not permissions.covers(actor, existing.region):
        problems.append(Problem("项目信息", None, "项目名称", f"同名项目已由“{existing.region.name}”登记，您无权覆盖",
                                source))
    return problems


def evaluation_store(*, actor, project_input: ProjectInput, source: str = "") -> Evaluation:
    """Score ``project_input``, print its figures and store project and evaluation (one transaction,
    one change record). ``source`` names where it came from (a file name, 演示数据 …) and is what
    problems are attributed to. Raises InputInvalid listing every problem; nothing is stored then."""
    problems = _scope_problems(actor, project_input, source)
    if problems:
        raise InputInvalid(problems)
    try:
        result = evaluate(project_input)
    except InputInvalid as exc:  # scoring problems name the file like the reader's do
        raise exc.naming(source) from None
    figures = build_figures(result)

    @transaction.atomic
    def store() -> Evaluation:
        project, action, changes = project_upsert(data=project_input)
        evaluation = _evaluation_create(project, result, figures, actor, source)
        project.current_evaluation = evaluation
        project.save(update_fields=["current_evaluation"])
        change_record(
            actor=actor, action=action, obj=project, changes=changes,
            note=f"导入评价：{evaluation.total_score}分（{evaluation.grade}）" + (f"，来源 {source}" if source else ""),
        )
        return evaluation

    # A PostgreSQL deadlock or serialisation failure between two stores of one project: run it again.
    return retry_when_busy(store)
