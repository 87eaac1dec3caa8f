from decimal import Decimal as D
from fractions import Fraction

import pytest

from jixiao.scoring import rules
from jixiao.scoring.rules import RuleError


def test_ratio_partial_and_capped_over_achievement():
    score, note = rules.score_ratio(10, D(200), D(150))
    assert score == Fraction(75, 10)
    assert "75.00%" in note
    score, note = rules.score_ratio(10, D(20000), D(23186))
    assert score == 10
    assert "115.93%" in note and "超额完成" in note


def test_ratio_zero_target_is_rejected():
    with pytest.raises(RuleError) as exc:
        rules.score_ratio(10, D(0), D(5))
    assert exc.value.column == "目标值"
    assert "目标值为 0" in str(exc.value)


def test_ratio_needs_actual():
    with pytest.raises(RuleError) as exc:
        rules.score_ratio(10, D(100), None)
    assert exc.value.column == "实际值"


@pytest.mark.parametrize(
    ("operator", "target", "actual", "expected"),
    [("≥", 95, 95, 5), ("≥", 95, D("94.99"), 0), ("≤", D("0.5"), D("0.5"), 5), ("≤", D("0.5"), D("0.6"), 0),
     ("=", 200, 200, 5), ("=", 200, 100, 0)],
)
def test_threshold(operator, target, actual, expected):
    assert rules.score_threshold(5, operator, target, actual)[0] == expected


def test_threshold_rejects_text_operator():
    with pytest.raises(RuleError):
        rules.score_threshold(5, "定性", 1, 1)


def test_lower_better_full_linear_zero():
    assert rules.score_lower_better(10, D("0.5"), D("0.3"))[0] == 10
    assert rules.score_lower_better(10, D("0.5"), D("0.5"))[0] == 10
    assert rules.score_lower_better(10, D("0.5"), D("0.75"))[0] == 5  # halfway to twice the target
    assert rules.score_lower_better(10, D("0.5"), D("1.0"))[0] == 0
    assert rules.score_lower_better(10, D("0.5"), D("3"))[0] == 0


def test_lower_better_zero_target():
    assert rules.score_lower_better(10, D(0), D(0))[0] == 10
    assert rules.score_lower_better(10, D(0), D("0.1"))[0] == 0


@pytest.mark.parametrize(
    ("band", "score"), [("达成", 8), ("达成", 10), ("部分达成", 6), ("部分达成", D("7.99")), ("未达成", 0), ("未达成", D("5.99"))]
)
def test_qualitative_inside_band(band, score):
    assert rules.score_qualitative(10, band, D(str(score)))[0] == Fraction(D(str(score)))


@pytest.mark.parametrize(("band", "score"), [("达成", D("7.9")), ("部分达成", 8), ("部分达成", D("5.9")), ("未达成", 6),
                                             ("达成", D("10.5"))])
def test_qualitative_outside_band_rejected(band, score):
    with pytest.raises(RuleError) as exc:
        rules.score_qualitative(10, band, score)
    assert exc.value.column == "得分"
    assert band in str(exc.value)


def test_qualitative_unknown_band():
    with pytest.raises(RuleError) as exc:
        rules.score_qualitative(10, "良好", 9)
    assert exc.value.column == "定性等级"


def test_deduction_checklist_floors_at_zero():
    assert rules.score_deduction(5, D(1), 0)[0] == 5
    assert rules.score_deduction(5, D("0.5"), 3)[0] == D("3.5")
    score, note = rules.score_deduction(5, D(2), 4)
    assert score == 0 and "每缺一项扣2分" in note


def test_deduction_needs_count():
    with pytest.raises(RuleError) as exc:
        rules.score_deduction(5, D(1), None)
    assert exc.value.column == "缺项数"


def test_survey_rule_with_and_without_target():
    assert rules.score_survey(10, Fraction(4018, 41), D(80))[0] == 10
    assert rules.score_survey(10, Fraction(70), D(80))[0] == Fraction(70, 8)
    assert rules.score_survey(10, Fraction(9761, 100), None)[0] == Fraction(9761, 1000)
    with pytest.raises(RuleError):
        rules.score_survey(10, None, None)


def test_computed_ratio():
    assert rules.score_computed_ratio(5, "资金到位率", Fraction(1), None)[0] == 5
    assert rules.score_computed_ratio(5, "预算执行率", Fraction(9, 10), None)[0] == D("4.5")
    assert rules.score_computed_ratio(5, "预算执行率", Fraction(9, 10), D(90))[0] == 5
    with pytest.raises(RuleError) as exc:
        rules.score_computed_ratio(5, "资金到位率", None, None)
    assert "无法计算资金到位率" in str(exc.value)


def test_manual_in_range():
    assert rules.score_manual(5, D("4.2"))[0] == Fraction(D("4.2"))
    with pytest.raises(RuleError):
        rules.score_manual(5, D("5.1"))
    with pytest.raises(RuleError):
        rules.score_manual(5, D("-1"))
