"""Reads the API needs beyond the project selectors. Each takes a project the caller already got
through ``jixiao.projects.selectors`` (so scoping stays there) and returns plain data."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.common.numbers import fmt_fixed
from jixiao.evaluations.models import Evaluation
from jixiao.evaluations.rescoring import editable_fields
from jixiao.evaluations.selectors import indicator_rows_from_db
from jixiao.projects.models import Project
from jixiao.scoring.inputs import RULE_LABELS


def evaluation_current(project: Project) -> Evaluation:
    """The evaluation the pages show; 404 while the project has none."""
    if project.current_evaluation_id is None:
        raise Http404("该项目还没有评价结果")
    return project.current_evaluation


def _plain(value) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def evaluation_indicator_tree(evaluation: Evaluation) -> list[dict]:
    """The indicator tree in report order: printed figures (as the report shows them) joined with the
    stored rule inputs, and what a person may change on each leaf."""
    rows = indicator_rows_from_db(evaluation)
    printed = {item["code"]: item for item in (evaluation.figures or {}).get("indicators", [])}
    parents = {row.parent_code for row in rows if row.parent_code}
    levels: dict[str, int] = {}
    tree = []
    for row in rows:
        levels[row.code] = levels.get(row.parent_code, 0) + 1
        is_leaf = row.code not in parents
        fig = printed.get(row.code, {})
        tree.append({
            "code": row.code,
            "parent": row.parent_code or None,
            "level": fig.get("level", levels[row.code]),
            "name": row.name,
            "is_leaf": is_leaf,
            "individual": row.individual,
            "weight": fig.get("weight") or fmt_fixed(row.weight),
            "score": fig.get("score"),
            "deduction": fig.get("deduction"),
            "rate": fig.get("rate"),
            "rule": row.rule if is_leaf else "",
            "rule_label": RULE_LABELS.get(row.rule, "") if is_leaf else "",
            "basis": fig.get("basis", ""),
            "evidence": row.evidence,
            "inputs": {
                "linked": row.linked,
                "operator": row.operator,
                "target": _plain(row.target),
                "actual": _plain(row.actual),
                "per_item": _plain(row.per_item),
                "missing_items": row.missing_items,
                "band": row.band,
                "manual_score": _plain(row.manual_score),
            },
            # 评分依据 is always editable on a leaf; parents are sums of their children.
            "editable": [*editable_fields(row), "evidence"] if is_leaf else [],
        })
    return tree


def project_changes(project: Project) -> QuerySet[ChangeRecord]:
    """The audit rows of one project, newest first."""
    return changes_about(project)
