from decimal import Decimal as D
from fractions import Fraction

import pytest

from jixiao.common.numbers import fmt_fixed
from jixiao.scoring.presets import PRESETS
from jixiao.scoring.survey import SurveyError, counts_from_answer_sheets, score_survey

SEED_001 = [(34, 7), (33, 8), (33, 8), (33, 8), (32, 9), (31, 10), (33, 8), (34, 7), (33, 8), (32, 9)]
SEED_002 = [(29, 7, 0), (29, 5, 2), (31, 3, 2), (24, 11, 1), (24, 12, 0), (26, 10, 0), (29, 6, 1), (30, 6, 0), (30, 5, 1)]


def test_seed_001_survey_is_exactly_98():
    questions = [(i, "", 10, {"A": a, "B": b}) for i, (a, b) in enumerate(SEED_001, 1)]
    result = score_survey("001", questions, PRESETS["昆明三档"])
    assert result.total == Fraction(4018, 41) == 98
    assert result.respondents == 41
    assert [fmt_fixed(q.score) for q in result.questions] == [
        "9.83", "9.80", "9.80", "9.80", "9.78", "9.76", "9.80", "9.83", "9.80", "9.78"]
    assert result.total_counts["A"] == 328 and result.total_counts["B"] == 82 and result.total_answers == 410
    assert fmt_fixed(result.total_option_scores["A"]) == "80.00"
    assert fmt_fixed(result.total_option_scores["B"]) == "18.00"
    # Seed 001's rounded column adds up to 97.98 while the total is 98.00.
    assert sum(D(fmt_fixed(q.score)) for q in result.questions) == D("97.98")


def test_seed_002_survey_is_97_61():
    questions = [(i, "", 20 if i == 1 else 10, {"A": a, "B": b, "C": c}) for i, (a, b, c) in enumerate(SEED_002, 1)]
    result = score_survey("002", questions, PRESETS["昆明三档"])
    assert fmt_fixed(result.total) == "97.61"
    assert result.total == Fraction(35140, 360)
    assert [fmt_fixed(q.score) for q in result.questions] == [
        "19.61", "9.75", "9.81", "9.64", "9.67", "9.72", "9.78", "9.83", "9.81"]
    q1 = result.questions[0]
    assert fmt_fixed(q1.option_scores["A"]) == "16.11" and fmt_fixed(q1.option_scores["B"]) == "3.50"
    assert result.max_total == 100


def test_d_and_e_must_be_set_explicitly():
    questions = [(1, "", 10, {"A": 5, "D": 1})]
    with pytest.raises(SurveyError) as exc:
        score_survey("x", questions, PRESETS["昆明三档"])
    assert "D" in str(exc.value)
    coefs = dict(PRESETS["昆明三档"], D=D("0.6"), E=D("0.5"))
    result = score_survey("x", questions + [(2, "", 10, {"A": 4, "E": 2})], coefs)
    assert result.questions[0].score == Fraction(56, 6)  # 10 × (5×1.0 + 1×0.6) / 6


def test_unequal_respondents_rejected():
    with pytest.raises(SurveyError) as exc:
        score_survey("x", [(1, "", 10, {"A": 5}), (2, "", 10, {"A": 4})], PRESETS["昆明三档"])
    assert "第1题5人" in str(exc.value)


def test_answer_sheets_tally_to_counts():
    sheets = [{1: "A", 2: "B"}, {1: "A", 2: "C"}, {1: "B", 2: "A"}]
    counts = counts_from_answer_sheets(sheets, [1, 2])
    assert counts[1] == {"A": 2, "B": 1, "C": 0, "D": 0, "E": 0}
    assert counts[2]["C"] == 1
