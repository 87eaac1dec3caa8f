"""Satisfaction-survey arithmetic, exact (Fraction); rounding happens only when printed.

question score = weight × Σ(count × coefficient) / respondents
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from jixiao.common.numbers import to_fraction
from jixiao.scoring.presets import OPTION_LETTERS


class SurveyError(ValueError):
    pass


@dataclass
class QuestionResult:
    number: int
    text: str
    weight: Fraction
    counts: dict[str, int]
    respondents: int
    shares: dict[str, Fraction]
    option_scores: dict[str, Fraction]
    score: Fraction


@dataclass
class SurveyResult:
    title: str
    coefficients: dict[str, Fraction]
    questions: list[QuestionResult]
    respondents: int
    total_counts: dict[str, int]
    total_answers: int
    total_shares: dict[str, Fraction]
    total_option_scores: dict[str, Fraction]
    total: Fraction
    max_total: Fraction


def score_question(number, text, weight, counts: dict[str, int], coefficients: dict[str, Fraction]) -> QuestionResult:
    w = to_fraction(weight)
    respondents = sum(counts.get(letter, 0) for letter in OPTION_LETTERS)
    if respondents <= 0:
        raise SurveyError(f"第{number}题没有任何作答人数")
    shares, option_scores = {}, {}
    for letter in OPTION_LETTERS:
        n = counts.get(letter, 0)
        if n and letter not in coefficients:
            raise SurveyError(f"第{number}题有{n}人选择{letter}，但问卷没有设置{letter}选项的系数")
        coef = coefficients.get(letter, Fraction(0))
        shares[letter] = Fraction(n, respondents)
        option_scores[letter] = w * n * coef / respondents
    return QuestionResult(
        number=number, text=text, weight=w, counts={k: counts.get(k, 0) for k in OPTION_LETTERS},
        respondents=respondents, shares=shares, option_scores=option_scores,
        score=sum(option_scores.values(), Fraction(0)),
    )


def score_survey(title, questions, coefficients) -> SurveyResult:
    """questions: iterable of (number, text, weight, counts)."""
    coefs = {k: to_fraction(v) for k, v in coefficients.items()}
    results = [score_question(n, t, w, c, coefs) for n, t, w, c in questions]
    if not results:
        raise SurveyError("问卷没有题目")
    per_question = {q.respondents for q in results}
    if len(per_question) != 1:
        detail = "、".join(f"第{q.number}题{q.respondents}人" for q in results)
        raise SurveyError(f"各题作答人数不一致（{detail}），请核对")
    total_counts = {k: sum(q.counts[k] for q in results) for k in OPTION_LETTERS}
    total_answers = sum(total_counts.values())
    return SurveyResult(
        title=title,
        coefficients=coefs,
        questions=results,
        respondents=results[0].respondents,
        total_counts=total_counts,
        total_answers=total_answers,
        total_shares={k: Fraction(v, total_answers) for k, v in total_counts.items()},
        total_option_scores={k: sum((q.option_scores[k] for q in results), Fraction(0)) for k in OPTION_LETTERS},
        total=sum((q.score for q in results), Fraction(0)),
        max_total=sum((q.weight for q in results), Fraction(0)),
    )


def counts_from_answer_sheets(sheets: list[dict[int, str]], question_numbers: list[int]) -> dict[int, dict[str, int]]:
    """Tally individual answer sheets ({question number: letter}) into counts per option."""
    counts = {n: dict.fromkeys(OPTION_LETTERS, 0) for n in question_numbers}
    for sheet in sheets:
        for number, letter in sheet.items():
            counts[number][letter] += 1
    return counts
