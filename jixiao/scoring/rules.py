"""Leaf scoring rules. Each returns the exact score (Fraction) and a sentence saying how it
was reached, which is appended to the leaf's 评分依据. Rules reject what they cannot score
with a ``RuleError`` naming the column at fault."""

from __future__ import annotations

from fractions import Fraction

from jixiao.common.numbers import fmt_percent, fmt_plain, to_fraction

# Qualitative bands as fractions of the weight: (lower inclusive, upper, upper inclusive?)
QUALITATIVE_BAND_LIMITS = {
    "达成": (Fraction(80, 100), Fraction(1), True),
    "部分达成": (Fraction(60, 100), Fraction(80, 100), False),
    "未达成": (Fraction(0), Fraction(60, 100), False),
}


class RuleError(ValueError):
    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


def _require(value, column: str, what: str):
    if value is None:
        raise RuleError(f"该评分规则需要填写{what}", column)
    return to_fraction(value)


def meets(actual: Fraction, operator: str, target: Fraction) -> bool:
    if operator == "≥":
        return actual >= target
    if operator == "≤":
        return actual <= target
    if operator == "=":
        return actual == target
    raise RuleError(f"比较符“{operator}”无法用于数值比较，请填写 ≥、≤ 或 =", "比较符")


def score_ratio(weight, target, actual) -> tuple[Fraction, str]:
    """Ratio to target, capped at full marks."""
    w = to_fraction(weight)
    t = _require(target, "目标值", "目标值")
    a = _require(actual, "实际值", "实际值")
    if t <= 0:
        raise RuleError("目标值为 0 或负数时无法按比率计分，请改用“达标”规则", "目标值")
    if a < 0:
        raise RuleError("实际值不能为负数", "实际值")
    rate = a / t
    score = w * min(rate, Fraction(1))
    note = f"实际值{fmt_plain(a)}÷目标值{fmt_plain(t)}={fmt_percent(rate)}"
    if rate > 1:
        note += "，超额完成按满分计"
    return score, note


def score_threshold(weight, operator, target, actual) -> tuple[Fraction, str]:
    w = to_fraction(weight)
    t = _require(target, "目标值", "目标值")
    a = _require(actual, "实际值", "实际值")
    ok = meets(a, operator or "≥", t)
    verdict = "达标，得满分" if ok else "未达标，不得分"
    return (w if ok else Fraction(0)), f"实际值{fmt_plain(a)}，目标{operator or '≥'}{fmt_plain(t)}，{verdict}"


def score_lower_better(weight, target, actual) -> tuple[Fraction, str]:
    """Full marks up to the target, falling linearly to 0 at twice the target."""
    w = to_fraction(weight)
    t = _require(target, "目标值", "目标值")
    a = _require(actual, "实际值", "实际值")
    if t < 0 or a < 0:
        raise RuleError("越低越好规则的目标值和实际值不能为负数", "目标值" if t < 0 else "实际值")
    if a <= t:
        return w, f"实际值{fmt_plain(a)}未超过目标值{fmt_plain(t)}，得满分"
    if t == 0 or a >= 2 * t:
        return Fraction(0), f"实际值{fmt_plain(a)}达到或超过目标值{fmt_plain(t)}的2倍，不得分"
    score = w * (2 * t - a) / t
    return score, f"实际值{fmt_plain(a)}超过目标值{fmt_plain(t)}，按超出比例线性扣分"


def score_qualitative(weight, band, manual_score) -> tuple[Fraction, str]:
    w = to_fraction(weight)
    if band not in QUALITATIVE_BAND_LIMITS:
        raise RuleError("定性等级须为“达成”“部分达成”或“未达成”", "定性等级")
    s = _require(manual_score, "得分", "得分")
    low, high, high_inclusive = QUALITATIVE_BAND_LIMITS[band]
    inside = low * w <= s and (s <= high * w if high_inclusive else s < high * w)
    if not inside:
        upper = "]" if high_inclusive else ")"
        raise RuleError(
            f"“{band}”的得分应在权重分的[{fmt_percent(low, 0)}, {fmt_percent(high, 0)}{upper}之间，"
            f"即[{fmt_plain(low * w)}, {fmt_plain(high * w)}{upper}，填写的{fmt_plain(s)}不在此区间",
            "得分",
        )
    return s, f"定性评价为“{band}”"


def score_deduction(weight, per_item, missing_items) -> tuple[Fraction, str]:
    w = to_fraction(weight)
    p = _require(per_item, "每项扣分", "每项扣分")
    if missing_items is None:
        raise RuleError("扣分规则需要填写缺项数（没有缺项填 0）", "缺项数")
    n = int(missing_items)
    if p < 0 or n < 0:
        raise RuleError("每项扣分和缺项数不能为负数", "每项扣分" if p < 0 else "缺项数")
    score = max(Fraction(0), w - p * n)
    if n == 0:
        return score, "无缺项，得满分"
    return score, f"缺{n}项，每缺一项扣{fmt_plain(p)}分"


def score_survey(weight, survey_total, target) -> tuple[Fraction, str]:
    """From the survey total (a score out of 100). With a target (%), ratio to target capped."""
    w = to_fraction(weight)
    if survey_total is None:
        raise RuleError("满意度规则需要填写“满意度问卷”工作表", "评分规则")
    s = to_fraction(survey_total)
    if target is not None:
        t = to_fraction(target)
        if t <= 0:
            raise RuleError("满意度目标值须大于 0", "目标值")
        rate = s / t
        note = f"满意度调查得分{fmt_plain(s, 2)}，目标≥{fmt_plain(t)}"
        return w * min(rate, Fraction(1)), note + ("，达到目标，得满分" if rate >= 1 else "，按比例得分")
    return w * s / 100, f"满意度调查得分{fmt_plain(s, 2)}，按得分比例计分"


def score_computed_ratio(weight, label: str, rate, target) -> tuple[Fraction, str]:
    """A ratio computed from the data (资金到位率 …) against a target rate in % (default 100)."""
    w = to_fraction(weight)
    if rate is None:
        raise RuleError(f"无法计算{label}：缺少计算所需的数据", "关联数据")
    r = to_fraction(rate)
    t = to_fraction(target) / 100 if target is not None else Fraction(1)
    if t <= 0:
        raise RuleError("目标值须大于 0", "目标值")
    score = w * min(r / t, Fraction(1))
    note = f"{label}{fmt_percent(r)}，目标{fmt_percent(t)}"
    return score, note + ("，得满分" if r >= t else "，按比例得分")


def score_manual(weight, manual_score) -> tuple[Fraction, str]:
    w = to_fraction(weight)
    s = _require(manual_score, "得分", "得分")
    if s < 0 or s > w:
        raise RuleError(f"手工得分{fmt_plain(s)}应在0到权重分{fmt_plain(w)}之间", "得分")
    return s, ""
