from decimal import Decimal

import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.common.problems import InputInvalid
from jixiao.demo.seeds import SEED_KEYS, load_seed
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.evaluations.rescoring import editable_fields, evaluation_rescore, indicator_score_update
from jixiao.evaluations.selectors import project_input_from_db
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.factories import sample_project
from tests.personas import store

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make", [sample_project] + [lambda key=key: load_seed(key) for key in SEED_KEYS])
def test_project_rebuilt_from_db_scores_to_the_same_figures(make):
    project = store(make())
    evaluation = project.current_evaluation
    rebuilt = build_figures(evaluate(project_input_from_db(evaluation)))
    assert rebuilt == evaluation.figures


def test_editable_fields_follow_the_rule():
    rows = {r.code: r for r in sample_project().indicators}
    assert editable_fields(rows["A21"]) == ("manual_score",)
    assert editable_fields(rows["A12"]) == ("band", "manual_score")
    assert editable_fields(rows["A11"]) == ("missing_items",)
    assert editable_fields(rows["B1"]) == ()  # 资金到位率: computed
    assert editable_fields(rows["C1"]) == ()  # linked to a target


def test_update_manual_leaf_rescoring_totals_grade_and_audit():
    project = store(sample_project())
    evaluation = project.current_evaluation
    assert str(evaluation.total_score) == "99.50" and evaluation.grade == "优"
    indicator_score_update(actor=None, evaluation=evaluation, code="A21", raw={"manual_score": "2", "evidence": "目标不够量化"})
    evaluation.refresh_from_db()
    assert str(evaluation.total_score) == "91.50" and evaluation.grade == "优"
    assert evaluation.figures["total_score"] == "91.50"
    a21 = IndicatorScore.objects.get(evaluation=evaluation, code="A21")
    assert a21.score == Decimal("2.00") and a21.manual_score == 2 and a21.evidence == "目标不够量化"
    assert IndicatorScore.objects.get(evaluation=evaluation, code="A2").score == Decimal("2.00")
    assert IndicatorScore.objects.get(evaluation=evaluation, code="A").score == Decimal("11.50")
    record = ChangeRecord.objects.filter(action="update").get()
    assert list(changes_about(project).filter(action="update")) == [record]
    assert record.changes["得分"] == ["10", "2"]
    assert record.changes["总分"] == ["99.50", "91.50"]
    assert record.changes["评分依据"] == ["", "目标不够量化"]
    # grade crosses a threshold
    indicator_score_update(actor=None, evaluation=evaluation, code="A11", raw={"missing_items": "5"})
    indicator_score_update(actor=None, evaluation=evaluation, code="A12", raw={"band": "未达成", "manual_score": "0"})
    evaluation.refresh_from_db()
    assert str(evaluation.total_score) == "82.00" and evaluation.grade == "良"
    grade_changes = [r.changes.get("等级") for r in ChangeRecord.objects.filter(action="update").order_by("id")]
    assert grade_changes == [None, ["优", "良"], None]  # A11 (5 missing items) took it below 90


def test_preview_saves_nothing():
    project = store(sample_project())
    evaluation = project.current_evaluation
    rescored = evaluation_rescore(evaluation, "A21", {"manual_score": "0"})
    assert rescored.result.total == Decimal("89.50") and rescored.result.grade == "良"
    evaluation.refresh_from_db()
    assert str(evaluation.total_score) == "99.50"
    assert not ChangeRecord.objects.filter(action="update").exists()


@pytest.mark.parametrize(("code", "raw", "column"), [
    ("B1", {"manual_score": "5"}, "得分"),  # computed leaf
    ("A21", {"manual_score": "abc"}, "得分"),  # not a number
    ("A21", {"manual_score": "11"}, "得分"),  # above the weight
    ("A12", {"band": "达成", "manual_score": "2"}, "得分"),  # outside the 达成 band (4–5)
    ("A12", {"band": "优秀"}, "定性等级"),
    ("A1", {"manual_score": "3"}, "得分"),  # a parent
    ("Z9", {"manual_score": "3"}, "编码"),
])
def test_bad_edits_rejected_and_nothing_changes(code, raw, column):
    project = store(sample_project())
    evaluation = project.current_evaluation
    before = list(IndicatorScore.objects.filter(evaluation=evaluation).values_list("code", "score", "manual_score"))
    with pytest.raises(InputInvalid) as info:
        indicator_score_update(actor=None, evaluation=evaluation, code=code, raw=raw)
    assert info.value.problems[0].column == column
    assert list(IndicatorScore.objects.filter(evaluation=evaluation).values_list("code", "score", "manual_score")) == before
    assert Evaluation.objects.get().total_score == Decimal("99.50")
    assert not ChangeRecord.objects.filter(action="update").exists()
