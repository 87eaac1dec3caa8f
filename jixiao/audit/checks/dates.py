"""kind "date": dates that do not exist, or that contradict the report's own dates.

The report's dates: the year it covers (the year in its title, else the year it names most often,
not counting full dates), its date (the last paragraph that is only a date: the signature line), and
the evaluation work (date ranges in paragraphs about the evaluation: 评价, 自评, 评估). A date written
without a year (截至9月30日, 11月16日) takes the year of the full date before it in the paragraph, else
the covered year.

- a date that does not exist (2月30日, 13月) or a range that ends before it starts;
- evaluation work that ends after the report is dated (seed 001: work until 5月31日, report signed
  5月19日);
- evaluation work that ends before events of the covered year that it evaluates, or starts before
  the covered year does (seed 002: "2022年4月21日至5月20日" for a 2022 project whose survey ended on
  2022年11月16日; the report is dated 2023);
- an interview (a table with 访谈 and 日期) held outside the evaluation work, or after the report date;
- an event told in the past tense dated after the report (plans and deadlines — 计划, 将, 拟, 力争,
  …前 — are left alone).
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from jixiao.audit.textnum import normalize

_FULL = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
_FULL_RE = re.compile(_FULL)
_RANGE_RE = re.compile(_FULL + r"\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[日号]")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_EVALUATION = re.compile(r"评价|自评|评估")
_PROJECT_PERIOD = re.compile(r"实施期|实施周期|项目周期|执行期|项目期|实施时间|建设期|服务期|合同期")
_PLAN = re.compile(r"计划|将于|将在|拟|预计|力争|争取|前完成|之前|以前|以后|届时|下一步|明年|今后")


@dataclass
class Mention:
    start: int
    end: int
    value: date | None  # None: the date does not exist
    text: str


def _make(y: int, m: int, d: int) -> date | None:
    if not (1 <= m <= 12) or not (1 <= d <= calendar.monthrange(y, m)[1]) or not (1900 <= y <= 2100):
        return None
    return date(y, m, d)


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def covered_year(ctx) -> tuple[int | None, bool]:
    """(the year the report covers, whether its title says so)."""
    for p in ctx.paragraphs[:40]:
        text = normalize(p.text)
        if "报告" in text and len(text) < 80:
            m = _YEAR.search(text)
            if m:
                return int(m.group(1)), True
    counts = Counter()
    for p in ctx.paragraphs:
        text = _FULL_RE.sub("", normalize(p.text))
        counts.update(int(y) for y in _YEAR.findall(text) if 1990 <= int(y) <= 2100)
    return (counts.most_common(1)[0][0] if counts else None), False


def report_date(ctx) -> date | None:
    found = None
    for p in ctx.paragraphs:
        m = _FULL_RE.fullmatch(normalize(p.text).strip())
        if m:
            found = _make(*(int(x) for x in m.groups())) or found
    return found


def _mentions(text: str, year: int | None) -> tuple[list[tuple[Mention, Mention]], list[Mention]]:
    """(ranges, single dates) of a paragraph."""
    ranges, singles, taken = [], [], []
    for m in _RANGE_RE.finditer(text):
        y1, m1, d1, y2, m2, d2 = m.groups()
        start = _make(int(y1), int(m1), int(d1))
        end = _make(int(y2 or y1), int(m2 or m1), int(d2))
        ranges.append((Mention(m.start(), m.end(3) + 1, start, m.group(0)),
                       Mention(m.start(), m.end(), end, m.group(0))))
        taken.append((m.start(), m.end()))
    last_year = year
    for m in re.finditer(_FULL + "|" + _MONTH_DAY.pattern, text):
        if any(a <= m.start() < b for a, b in taken):
            if m.group(1):
                last_year = int(m.group(1))
            continue
        if m.group(1):
            last_year = int(m.group(1))
            value = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            if last_year is None:
                continue
            value = _make(last_year, int(m.group(4)), int(m.group(5)))
        singles.append(Mention(m.start(), m.end(), value, m.group(0)))
    return ranges, singles


def check(ctx) -> list:
    year, from_title = covered_year(ctx)
    signed = report_date(ctx)
    out = []
    periods, events = [], []
    for p in ctx.paragraphs:
        text = normalize(p.text)
        ranges, singles = _mentions(text, year)
        for a, b in ranges:
            for mention in (a, b):
                if mention.value is None:
                    out.append(_bad_date(ctx, p, mention))
            if a.value and b.value and b.value < a.value:
                out.append(ctx.paragraph_finding("date", p, a.start, b.end, f"晚于{_fmt(a.value)}", _fmt(b.value),
                                                 f"日期区间“{a.text}”的结束日早于开始日。"))
            elif a.value and b.value and _is_evaluation_work(text, a.start, b.end):
                periods.append((p, a, b))
        for mention in singles:
            if mention.value is None:
                out.append(_bad_date(ctx, p, mention))
            elif _FULL_RE.fullmatch(text.strip()):
                continue  # the signature line itself
            else:
                events.append((p, mention, bool(_PLAN.search(text[max(0, mention.start - 12):mention.end + 12]))))
    period_paragraphs = {p.block for p, _, _ in periods}
    covered = [e for e in events if e[1].value and year and e[1].value.year <= year and
               e[0].block not in period_paragraphs]
    for p, a, b in periods:
        if signed and b.value > signed:
            out.append(ctx.paragraph_finding(
                "date", p, b.start, b.end, f"不晚于{_fmt(signed)}", _fmt(b.value),
                f"评价工作时间“{b.text}”结束于{_fmt(b.value)}，晚于报告落款日期{_fmt(signed)}。"))
            continue
        later = [e for e in covered if e[1].value > b.value and not e[2]]
        if later:
            ep, em, _ = max(later, key=lambda e: e[1].value)
            out.append(ctx.paragraph_finding(
                "date", p, a.start, b.end, f"晚于{_fmt(em.value)}", a.text,
                f"评价工作时间“{a.text}”早于它所评价的事项：报告第{ep.number}段记载{_fmt(em.value)}的情况"
                + (f"，且报告落款为{_fmt(signed)}" if signed else "") + "。"))
        elif from_title and a.value.year <= year and signed and signed.year > year:
            out.append(ctx.paragraph_finding(
                "date", p, a.start, b.end, f"{year + 1}年或以后", a.text,
                f"评价的是{year}年度，评价工作时间“{a.text}”却在该年度结束之前。"))
    out += _interviews(ctx, periods, signed)
    if signed:
        for p, mention, plan in events:
            if not plan and mention.value and mention.value > signed and p.block not in period_paragraphs:
                out.append(ctx.paragraph_finding(
                    "date", p, mention.start, mention.end, f"不晚于{_fmt(signed)}", _fmt(mention.value),
                    f"文中记载{_fmt(mention.value)}的情况，晚于报告落款日期{_fmt(signed)}。"))
    return out


def _is_evaluation_work(text: str, start: int, end: int) -> bool:
    """A date range that dates the evaluation work itself (not the project's own period)."""
    around = text[max(0, start - 20):end + 25]
    before = text[max(0, start - 10):start]
    return bool(_EVALUATION.search(around)) and not _PROJECT_PERIOD.search(before)


def _bad_date(ctx, p, mention: Mention):
    return ctx.paragraph_finding("date", p, mention.start, mention.end, "存在的日期", mention.text,
                                 f"日期“{mention.text}”不存在。")


def _interviews(ctx, periods, signed) -> list:
    span = (periods[0][1].value, periods[0][2].value) if len({(a.value, b.value) for _, a, b in periods}) == 1 \
        else None
    out = []
    for view in ctx.views:
        if "访谈" not in view.table.caption + "".join(view.labels):
            continue
        col = view.column(r"日期|时间")
        if col is None:
            continue
        for r in range(view.first_data, len(view.table.rows)):
            cell = view.cell(r, col)
            m = _FULL_RE.search(normalize(cell.text)) if cell is not None else None
            if not m:
                continue
            value = _make(*(int(x) for x in m.groups()))
            if value is None:
                out.append(ctx.cell_finding("date", view, r, col, "存在的日期", cell.text, f"日期“{cell.text}”不存在。"))
            elif span and not span[0] <= value <= span[1]:
                out.append(ctx.cell_finding(
                    "date", view, r, col, f"{_fmt(span[0])}至{_fmt(span[1])}之间", _fmt(value),
                    f"访谈日期{_fmt(value)}不在评价工作时间{_fmt(span[0])}至{_fmt(span[1])}之内。"))
            elif signed and value > signed:
                out.append(ctx.cell_finding("date", view, r, col, f"不晚于{_fmt(signed)}", _fmt(value),
                                            f"访谈日期{_fmt(value)}晚于报告落款日期{_fmt(signed)}。"))
    return out
