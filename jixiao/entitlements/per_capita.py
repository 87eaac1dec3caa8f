"""The per-capita check of an allocation table (issue 12, item 6): what a city transfers to a county for a
programme, divided by the people the county actually paid, should come near what the rule book says the city
pays per person there (``parameters.city_share_per_person``: the year's amount × the county's city share).
A row further from it than ``[checks] per_capita_tolerance`` (a relative difference) is flagged.

One rule, three places: ``jixiao audit`` on a report's allocation table (``audit.checks.per_capita``), a stored
project's allocations in its 资金 tab and the dashboard (``projects.selectors``). They all come here for
which programme a table pays for (``allocation_programme``), what is expected per person
(``expected_per_person``) and the verdict with its message (``per_capita_check``). Pure: no Django, no
documents; callers resolve region names to codes (``regions.catalog`` / the ``Region`` rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from jixiao.common.numbers import fmt_fixed, fmt_plain, fmt_wan
from jixiao.entitlements.parameters import RuleBook, city_share_per_person, per_capita_tolerance

PENSION = "pension_subsidy"
# Words every name of the pension subsidy has; a name without both is not it (``projects.selectors`` narrows
# its query by them before ``allocation_programme`` decides).
PENSION_NAME_WORDS = ("养老保险", "残疾")
_LEVELS_3_4 = re.compile(r"三\s*[、，,和及与]?\s*四\s*级|三级\s*[、，,和及与]\s*四级|3\s*[、，,]?\s*4\s*级")
_OTHER_LEVELS = re.compile(r"一\s*[、，,和及与]?\s*二\s*级|一级\s*[、，,和及与]\s*二级|重度")
_DOCUMENT_NUMBER = re.compile(r"[〔\[［【﹝(（]\s*(\d{4})\s*[〕\]］】﹞)）]\s*(\d+)\s*号")
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:：︰]\s*(\d+(?:\.\d+)?)\s*$")


def document_key(number: str) -> str:
    """A 文号 as compared: no spaces, the year in 〔〕 whatever brackets were typed (﹝2016﹞, [2016], （2016）)."""
    text = re.sub(r"\s+", "", number or "")
    return _DOCUMENT_NUMBER.sub(lambda m: f"〔{m.group(1)}〕{int(m.group(2))}号", text)


def allocation_programme(name: str, *, documents: Iterable[str] = (), book: RuleBook) -> str | None:
    """The rule-book programme an allocation table pays for, or None (then nothing is checked).

    ``name`` is what says what the money is for: a stored project's name, or a report's title with the
    table's caption; ``documents`` what cites documents: a project's 文号, or a report's whole text (a programme
    document counts when its 文号, brackets normalised by ``document_key``, appears in one of them). Only the pension subsidy for 三、四级
    残疾人 is recognised (the one programme whose city share per person the book gives and whose tables staff
    print): the name says both 养老保险 and 残疾, and either names 三、四级 (三四级, 三级、四级, 3、4级) or the
    documents include one of the programme's own (its ``policy`` list in the book: 昆残联发〔2016〕10号 …). A
    name of other levels only (一、二级, 重度) is another programme. Seed 001's table caption names 三、四级;
    its demo project is called 残疾人社会养老保险补助经费 and cites 昆残联发〔2016〕10号."""
    text = re.sub(r"\s+", "", name or "")
    if not all(word in text for word in PENSION_NAME_WORDS):
        return None
    names_levels = bool(_LEVELS_3_4.search(text))
    if not names_levels and _OTHER_LEVELS.search(text):
        return None
    if names_levels:
        return PENSION
    own = [document_key(n) for n in book.programme(PENSION).policy]
    cited = [document_key(d) for d in documents]
    return PENSION if any(n in d for n in own for d in cited) else None


def zone_share(label: str | None) -> Fraction | None:
    """A 市:县 cost share as the region list writes it ("5:5", "7:3", "0:10") → the city's part (1/2, 7/10, 0)."""
    m = _SHARE.match(label or "")
    if not m:
        return None
    city, county = Fraction(m.group(1)), Fraction(m.group(2))
    return city / (city + county) if city + county else None


def expected_per_person(book: RuleBook, *, programme: str, region_code: str, year: int,
                        zone_cost_share: str | None = None) -> tuple[Decimal, str] | None:
    """What the city should pay per beneficiary in a region for ``year`` and the documents it rests on; None
    when the book has no amount for the year, or the region is a functional zone without a share.

    A county-level region with a GB code is looked up in the book (``city_share_per_person``). A functional
    zone (阳宗海风景名胜区, internal code KM-YZH) has no county code, so the book, which keys shares by code,
    cannot list it and would answer its default (the county pays all): for a zone the city's part comes from
    the region list's 市:县 share instead (``zone_cost_share``, the catalog's / ``Region``'s cost share — 5:5 for
    阳宗海, as seed 001 states), times the book's amount for the year."""
    if region_code.isdigit():
        return city_share_per_person(book, programme=programme, county_code=region_code, year=year)
    share = zone_share(zone_cost_share)
    found = book.programme(programme).parameters.get("amount")
    amount = found.at(date(year, 1, 1)) if found is not None else None
    if share is None or amount is None or not isinstance(amount.value, Decimal):
        return None
    expected = Decimal(share.numerator) * amount.value / Decimal(share.denominator)
    return expected.quantize(Decimal("0.01")), f"{amount.policy}；功能区市、县分担比例按区划目录（市:县 {zone_cost_share}）"


@dataclass(frozen=True)
class AllocationLine:
    """One row of an allocation table, as the caller read it."""
    label: str  # the region as written (石林县)
    region_code: str  # 530126; a zone's internal code (KM-YZH)
    amount_wan: Decimal  # 下拨资金, 万元
    beneficiaries: int | None  # 实际补助（受益）人数
    zone_cost_share: str | None = None  # a zone's 市:县 share from the region list ("5:5")
    key: object = None  # the caller's handle: a table row, an allocation's id


@dataclass(frozen=True)
class PerCapita:
    """The verdict on one row."""
    line: AllocationLine
    year: int
    per_capita: Fraction  # 元 per beneficiary, exact
    expected: Decimal  # 元 per person the city should pay
    policy: str  # the documents the expected figure rests on
    tolerance: Decimal
    flagged: bool

    @property
    def per_capita_text(self) -> str:
        return f"{fmt_fixed(self.per_capita)}元/人"

    @property
    def expected_text(self) -> str:
        return f"{fmt_fixed(self.expected)}元/人"

    @property
    def difference(self) -> Fraction | None:
        """(per capita − expected) ÷ expected; None when the city should pay nothing."""
        return (self.per_capita - Fraction(self.expected)) / Fraction(self.expected) if self.expected else None

    @property
    def difference_text(self) -> str:
        d = self.difference
        return "—" if d is None else f"{'+' if d >= 0 else '−'}{fmt_fixed(abs(d) * 100)}%"

    @property
    def message(self) -> str:
        line = self.line
        given = f"下拨{fmt_wan(line.amount_wan)}万元÷实际补助{line.beneficiaries}人"
        if not self.expected:
            return (f"{line.label}人均{self.per_capita_text}（{given}），而按{self.year}年规定市级不承担该地补助"
                    f"（应为{self.expected_text}，{self.policy}）。")
        d = self.difference
        return (f"{line.label}人均{self.per_capita_text}（{given}），按{self.year}年补助标准和市级承担比例应为"
                f"{self.expected_text}（{self.policy}），{'高出' if d > 0 else '低于'}{fmt_fixed(abs(d) * 100)}%，"
                f"{'超过' if self.flagged else '在'}允许偏差{fmt_plain(self.tolerance * 100)}%{'' if self.flagged else '以内'}。")


@dataclass(frozen=True)
class Skipped:
    line: AllocationLine
    reason: str  # Chinese, for a note under the table


def per_capita_check(book: RuleBook, *, programme: str, year: int,
                     lines: Iterable[AllocationLine]) -> tuple[list[PerCapita], list[Skipped]]:
    """Every row checked (``flagged`` where it lies further than the tolerance) and the rows that could not
    be (no beneficiaries, no share or amount for the region and year), in the order given.

    Flagged: |下拨资金 − expected × 人数| > tolerance × expected × 人数, in exact arithmetic (the printed
    per-capita figure is rounded to 分 only for the message); where the city should pay nothing, any money."""
    tolerance = per_capita_tolerance(book)
    checked, skipped = [], []
    for line in lines:
        if not line.beneficiaries or line.beneficiaries <= 0:
            skipped.append(Skipped(line, f"{line.label}未填实际补助人数，未核对人均"))
            continue
        found = expected_per_person(book, programme=programme, region_code=line.region_code, year=year,
                                    zone_cost_share=line.zone_cost_share)
        if found is None:
            skipped.append(Skipped(line, f"{line.label}：规则中没有{year}年的补助标准或该地的市级承担比例，未核对人均"))
            continue
        expected, policy = found
        amount_yuan = Fraction(line.amount_wan) * 10000
        per_capita = amount_yuan / line.beneficiaries
        if expected:
            flagged = abs(per_capita - Fraction(expected)) > Fraction(tolerance) * Fraction(expected)
        else:
            flagged = amount_yuan > 0
        checked.append(PerCapita(line=line, year=year, per_capita=per_capita, expected=expected, policy=policy,
                                 tolerance=tolerance, flagged=flagged))
    return checked, skipped
