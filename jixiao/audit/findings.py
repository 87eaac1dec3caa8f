"""What an audit reports: a finding of one kind at one place, and the tolerance rules.

Tolerance ("the precision printed"): a figure printed with d decimals may be the exact value
rounded, i.e. up to half a unit of its last digit (½·10⁻ᵈ) away from it.

- A total of n printed parts: each part and the total may each be off by half a unit of the finest
  precision printed in the group h, so |Σ parts − total| < (n + 1)·h is accepted. Example (seed 001,
  survey): ten question scores printed to 0.01 add up to 97.98 against a printed total of 98.00; the
  gap 0.02 is below 11 × 0.005 = 0.055, so it is rounding, not an error. When every figure of the
  group is an integer (people, households, whole 万元) the figures are exact and must add up exactly.
- A derived figure (扣分, 得分率, 占比, a rate, a balance) is recomputed with interval arithmetic from
  its operands, each widened by its own half unit (integers count as exact, except percentages,
  which are always rounded), and accepted when the recomputed interval meets the printed one widened
  by its half unit. Seed 002's 99.50% for 18.60 ÷ 20.00 lies far outside [92.95%, 93.05%].
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

KINDS = ("sum", "derived", "rate", "grade", "count", "consistency", "reference", "unit", "date", "per_capita")
KIND_LABELS = {
    "sum": "合计不符", "derived": "推算列不符", "rate": "比率不符", "grade": "等级不符", "count": "数量词不符",
    "consistency": "前后不一致", "reference": "文件引用不一致", "unit": "金额单位", "date": "日期",
    "per_capita": "人均补助不符",
}


@dataclass(frozen=True)
class Location:
    block: int  # index in Document.blocks, for ordering
    paragraph: int | None = None  # 1-based paragraph number
    table: int | None = None  # 1-based table number
    row: int | None = None  # 0-based
    col: int | None = None  # 0-based
    start: int | None = None  # span of the excerpt in the paragraph or cell text
    end: int | None = None
    caption: str = ""
    column_label: str = ""

    def describe(self) -> str:
        if self.table is not None:
            caption = f"（{_short(self.caption)}）" if self.caption else ""
            where = f"表{self.table}{caption}"
            if self.row is not None:
                where += f"第{self.row + 1}行"
            if self.col is not None:
                where += f"第{self.col + 1}列"
                if self.column_label:
                    where += f"（{_short(self.column_label.replace(chr(10), ''), 12)}）"
            return where
        return f"第{self.paragraph}段"

    def as_json(self) -> dict:
        if self.table is not None:
            out = {"table": self.table}
            if self.row is not None:
                out["row"] = self.row + 1
            if self.col is not None:
                out["column"] = self.col + 1
            if self.caption:
                out["caption"] = self.caption
            if self.column_label:
                out["column_label"] = self.column_label
        else:
            out = {"paragraph": self.paragraph}
        out["text"] = self.describe()
        return out

    def sort_key(self) -> tuple:
        return (self.block, self.row or 0, self.col or 0, self.start or 0)


def _short(text: str, limit: int = 24) -> str:
    text = text.replace("\n", "")
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Finding:
    kind: str
    location: Location
    excerpt: str
    expected: str
    found: str
    message: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "location": self.location.as_json(),
            "excerpt": self.excerpt,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }

    def key(self) -> tuple:
        return (self.kind, self.location.block, self.location.row, self.location.col, self.location.start,
                self.found)


# ---- tolerance ------------------------------------------------------------------------------------

def half_unit(decimals: int) -> Fraction:
    return Fraction(1, 2 * 10 ** decimals)


def sum_agrees(parts: list[Fraction], total: Fraction, decimals: int) -> bool:
    """Σ parts against a printed total, all printed to at most ``decimals`` places (see module doc)."""
    gap = abs(sum(parts, Fraction(0)) - total)
    if decimals == 0:
        return gap == 0
    return gap < (len(parts) + 1) * half_unit(decimals)


@dataclass(frozen=True)
class Interval:
    lo: Fraction
    hi: Fraction

    @classmethod
    def around(cls, value: Fraction, half: Fraction = Fraction(0)) -> Interval:
        return cls(value - half, value + half)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def scale(self, factor: Fraction) -> Interval:
        a, b = self.lo * factor, self.hi * factor
        return Interval(min(a, b), max(a, b))

    def __truediv__(self, other: Interval) -> Interval | None:
        if other.lo <= 0 <= other.hi:
            return None
        quotients = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(quotients), max(quotients))

    def meets(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    @property
    def mid(self) -> Fraction:
        return (self.lo + self.hi) / 2


def printed(value: Fraction, decimals: int, percent: bool = False) -> str:
    from jixiao.common.numbers import fmt_fixed

    text = fmt_fixed(value, decimals)
    return text + "%" if percent else text
