"""kind "grade": the grade a report gives against its score and the thresholds.

Thresholds are those the report states ("90分（含）以上为优", "优（≥90分）", "80-90分为良" …); when it
states none, the usual ones (财预〔2020〕10号 and the seeds): 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below. Grade
words are read with their long forms (优秀, 良好, 中等/合格, 较差/不合格). A score printed without
decimals may be a rounded one: a grade is accepted when any score that rounds to the printed one
earns it.
"""

from __future__ import annotations

import re
from fractions import Fraction

from jixiao.audit.findings import half_unit
from jixiao.audit.textnum import normalize

GRADES = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "合格": "中", "中": "中", "一般": "中",
          "较差": "差", "不合格": "差", "差": "差"}
DEFAULT = [("优", Fraction(90)), ("良", Fraction(80)), ("中", Fraction(60)), ("差", Fraction(0))]
_GRADE = "优秀|良好|中等|不合格|合格|较差|优|良|中|差|一般"
_STATEMENT = re.compile(
    r"(?:得分|总分|评分|分数)(?:为|是|达到|达)?\s*(\d+(?:\.\d+)?)\s*分[^。；;\d]{0,30}?等级(?:为|是|评定为|确定为)?\s*[“\"]?("
    + _GRADE + ")")
_THRESHOLDS = (
    re.compile(r"(\d+(?:\.\d+)?)\s*分?\s*(?:（含）|\(含\))?\s*(?:及)?以上(?:的)?(?:为|评为|定为)[“\"]?(" + _GRADE + ")"),
    re.compile(r"(" + _GRADE + r")\s*[：:（(]\s*(?:≥|大于等于|不低于)?\s*(\d+(?:\.\d+)?)\s*分?\s*(?:（含）)?\s*(?:以上|及以上|[-—~至])"),
    re.compile(r"(\d+(?:\.\d+)?)\s*(?:分)?\s*(?:（含）)?\s*[-—~至]\s*\d+(?:\.\d+)?\s*分?\s*(?:（不含）)?(?:的)?(?:为|评为|定为)[“\"]?("
               + _GRADE + ")"),
)


def thresholds(text: str) -> list[tuple[str, Fraction]]:
    found: dict[str, Fraction] = {}
    for pattern in _THRESHOLDS:
        for m in pattern.finditer(text):
            a, b = m.groups()
            grade, low = (GRADES[b], a) if a[0].isdigit() else (GRADES[a], b)
            found.setdefault(grade, Fraction(low))
    if len(found) < 2:
        return DEFAULT
    bands = sorted(found.items(), key=lambda kv: -kv[1])
    if "差" not in found:
        bands.append(("差", Fraction(0)))
    return bands


def grade_for(score: Fraction, bands) -> str:
    for grade, low in bands:
        if score >= low:
            return grade
    return bands[-1][0]


def check(ctx) -> list:
    bands = thresholds(normalize(ctx.doc.all_text()))
    stated = bands is not DEFAULT
    out = []
    for p in ctx.paragraphs:
        text = normalize(p.text)
        for m in _STATEMENT.finditer(text):
            score_text, grade_text = m.group(1), m.group(2)
            score = Fraction(score_text)
            decimals = len(score_text.split(".")[1]) if "." in score_text else 0
            h = half_unit(decimals)
            possible = {grade_for(score - h, bands), grade_for(score, bands), grade_for(score + h - Fraction(1, 10**9), bands)}
            if GRADES[grade_text] in possible:
                continue
            expected = grade_for(score, bands)
            rule = "报告所列" if stated else "通常的"
            scale = "，".join(f"{g}≥{float(low):g}分" for g, low in bands if low > 0)
            out.append(ctx.paragraph_finding(
                "grade", p, m.start(2), m.end(2), expected, grade_text,
                f"得分{score_text}分按{rule}等级标准（{scale}）应为“{expected}”，文中评定为“{grade_text}”。"))
    return out
