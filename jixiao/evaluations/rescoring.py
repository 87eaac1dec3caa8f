"""Changing a leaf's inputs in the workbench and re-scoring the whole evaluation.

Only what a person decides may be typed: the score of a 手工 or 定性 leaf (and its band), the
missing items of a 扣分 leaf, the actual value of a ratio/threshold leaf that is not linked to
a performance target, and every leaf's 评分依据. Computed scores (资金到位率, 满意度 …) follow the
data and are never typed over."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction

from jixiao.common.cells import CellError, parse_decimal, parse_int
from jixiao.common.numbers import fmt_fixed
from jixiao.common.problems import InputInvalid, Problem
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.evaluations.selectors import project_input_from_db
from jixiao.scoring.engine import EvaluationResult, evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import QUALITATIVE_BANDS, IndicatorRow

SHEET = "指标评分"

# Field → (column label users see, parser). Labels are the workbook's column names.
_FIELDS = {
    "manual_score": ("得分", parse_decimal),
    "band": ("定性等级", None),
    "missing_items": ("缺项数", parse_int),
    "actual": ("实际值", parse_decimal),
    "evidence": ("评分依据", None),
}


def editable_fields(row: IndicatorRow) -> tuple[str, ...]:
    """Which inputs of a leaf a person may change (beside 评分依据, always editable)."""
    if row.rule == "manual":
        return ("manual_score",)
    if row.rule == "qualitative":
        return ("band", "manual_score")
    if row.rule == "deduction":
        return ("missing_items",)
    if row.rule in ("ratio", "threshold", "lower_better") and not row.linked:
        return ("actual",)
    return ()


@dataclass
class Rescored:
    evaluation: Evaluation
    result: EvaluationResult
    figures: dict
    row_before: IndicatorRow
    row_after: IndicatorRow

    def leaf(self):
        return next(n for n in self.result.nodes() if n.code == self.row_after.code)


def _parse(row: IndicatorRow, raw: dict[str, str]) -> dict:
    problems, values = [], {}
    allowed = (*editable_fields(row), "evidence")
    for field, text in raw.items():
        if field not in _FIELDS:
            continue
        label, parser = _FIELDS[field]
        if field not in allowed:
            problems.append(Problem(SHEET, None, label, f"“{row.code} {row.name}”的{label}由系统计算，不能手工修改"))
            continue
        text = (text or "").strip()
        if field == "evidence":
            values[field] = text
        elif field == "band":
            if text and text not in QUALITATIVE_BANDS:
                problems.append(Problem(SHEET, None, label, f"定性等级应为{'、'.join(QUALITATIVE_BANDS)}之一"))
            else:
                values[field] = text
        elif not text:
            values[field] = None
        else:
            try:
                values[field] = parser(text)
            except CellError as exc:
                problems.append(Problem(SHEET, None, label, f"“{row.code} {row.name}”：{exc}"))
    if problems:
        raise InputInvalid(problems)
    return values


def evaluation_rescore(evaluation: Evaluation, code: str, raw: dict[str, str]) -> Rescored:
    """Re-score with one leaf's inputs changed, without saving (the preview as the user types)."""
    project = project_input_from_db(evaluation)
    index = next((i for i, r in enumerate(project.indicators) if r.code == code), None)
    if index is None:
        raise InputInvalid([Problem(SHEET, None, "编码", f"指标“{code}”不存在")])
    before = project.indicators[index]
    is_parent = any(r.parent_code == code for r in project.indicators)
    if is_parent:
        raise InputInvalid([Problem(SHEET, None, "得分", f"“{before.code} {before.name}”有下级指标，得分由下级汇总")])
    after = replace(before, **_parse(before, raw))
    project.indicators[index] = after
    result = evaluate(project)  # raises InputInvalid, e.g. a 定性 score outside its band
    return Rescored(evaluation, result, build_figures(result), before, after)


_ROW_TO_MODEL = {"manual_score": "manual_score", "band": "band", "missing_items": "missing_items",
                 "actual": "actual_value", "evidence": "evidence"}


def _printable(value) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


@transaction.atomic
def indicator_score_update(*, actor, evaluation: Evaluation, code: str, raw: dict[str, str]) -> Rescored:
    """Change one leaf's inputs, re-score, and store the new scores, total, grade and figures with
    one audit row (old → new of the leaf's inputs, its score, the total and the grade)."""
    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record
    from jixiao.evaluations.services import result_summary_fields

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    old_total, old_grade = evaluation.total_score, evaluation.grade
    rescored = evaluation_rescore(evaluation, code, raw)
    result = rescored.result
    for field, value in result_summary_fields(result).items():
        setattr(evaluation, field, value)
    evaluation.figures = rescored.figures
    evaluation.save()

    stored = {s.code: s for s in IndicatorScore.objects.filter(evaluation=evaluation)}
    leaf = stored[code]
    old_leaf_score = leaf.score
    changed = {leaf.code: leaf}
    for node in result.nodes():
        score = stored[node.code]
        if score.score != node.score or (node.is_leaf and score.basis != node.basis):
            score.score = node.score
            if node.is_leaf:
                score.basis = node.basis
            changed[node.code] = score
    changes = {}
    for field, model_field in _ROW_TO_MODEL.items():
        old, new = getattr(rescored.row_before, field), getattr(rescored.row_after, field)
        if old != new:
            setattr(leaf, model_field, new)
            changes[_FIELDS[field][0]] = [_printable(old), _printable(new)]
    IndicatorScore.objects.bulk_update(
        list(changed.values()), ["score", "basis", "manual_score", "band", "missing_items", "actual_value", "evidence"]
    )
    node = rescored.leaf()
    if node.score != old_leaf_score:
        changes["指标得分"] = [fmt_fixed(old_leaf_score), fmt_fixed(node.score)]
    if evaluation.total_score != old_total:
        changes["总分"] = [fmt_fixed(old_total), fmt_fixed(evaluation.total_score)]
    if evaluation.grade != old_grade:
        changes["等级"] = [old_grade, evaluation.grade]
    change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=leaf, about=evaluation.project,
                  changes=changes, note=f"修改指标“{node.code} {node.name}”，得分 {node.score}")
    return rescored
