"""kind "per_capita": an allocation table of the 三、四级残疾人 pension subsidy in which a county's 下拨资金 ÷
实际补助人数 lies further from what the city pays per person there (the rule book's amount for the year × the
county's city share) than the book's ``[checks] per_capita_tolerance`` allows. The rule and the message are
``jixiao.entitlements.per_capita``'s, the same as for a stored project's allocations.

- The table: a column of regions (县（市、区）, 县（市）区, 区划, 地区 …), one of money (下拨资金, 分配金额, 补助资金 …;
  in 万元 or 元 by its label, the table's 单位 line or the cell) and one of people actually paid (实际补助人数,
  实际受益人数; a 计划/预计 column is not it). Total and subtotal rows are left out.
- The programme: the table's caption with the report's title, and the report's whole text for the
  programme's own 文号 (``allocation_programme``); a table of any other programme is not checked.
- The year: a year written in the caption, else the year the report covers (``dates.covered_year``).
- The regions: by ``regions.catalog.resolve_region`` (石林县 → 530126, 阳宗海 → the zone with its 5:5 share);
  only county-level units and zones are checked — a table of townships is a county's own spending, not the
  city's transfer — and a name the region list does not know is left alone.

Seed 001: 石林县 32万元 ÷ 1000人 = 320.00 元/人 against 100.00 (200 元 × 5:5), 东川区 75.5万元 ÷ 3519人 =
214.55 元/人 against 140.00 (7:3); the other seven lie within 30 %.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.audit.checks.dates import covered_year
from jixiao.audit.tables import TableView, cell_label
from jixiao.audit.textnum import normalize
from jixiao.entitlements.parameters import rulebook_load
from jixiao.entitlements.per_capita import AllocationLine, allocation_programme, per_capita_check
from jixiao.regions.catalog import resolve_region

_REGION_COLUMN = r"县|区划|地区|区域|市、区"
_AMOUNT_COLUMN = r"下拨|拨付|分配|补助资金|补助经费|资金|金额|经费"
_PEOPLE_COLUMN = r"实际.*人数"
_PEOPLE_FALLBACK = r"(补助|受益|参保)人数"
_PLANNED = r"计划|预计|目标"
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")


def check(ctx) -> list:
    tables = [(view, columns) for view in ctx.views if (columns := _columns(view)) is not None]
    if not tables:
        return []
    book = rulebook_load()
    title = _title(ctx)
    text = "\n".join(p.text for p in ctx.paragraphs)
    out = []
    for view, (region_col, amount_col, people_col, unit) in tables:
        programme = allocation_programme(f"{view.table.caption}\n{title}", documents=[text], book=book)
        if programme is None:
            continue
        year = _year(ctx, view)
        if year is None:
            continue
        lines = list(_lines(view, region_col, amount_col, people_col, unit))
        checked, _ = per_capita_check(book, programme=programme, year=year, lines=lines)
        for row in checked:
            if row.flagged:
                out.append(ctx.cell_finding("per_capita", view, row.line.key, amount_col, row.expected_text,
                                            row.per_capita_text, row.message))
    return out


def _columns(view: TableView) -> tuple[int, int, int, str] | None:
    """(region, amount, people columns, the amount column's unit) of an allocation table, or None."""
    if view.kind != "plain":
        return None
    region = view.column(_REGION_COLUMN, exclude=r"序号|资金|金额|人数")
    amount = view.column(_AMOUNT_COLUMN, exclude=r"人数|序号|" + _PLANNED)
    people = view.column(_PEOPLE_COLUMN, exclude=_PLANNED)
    if people is None:
        people = view.column(_PEOPLE_FALLBACK, exclude=_PLANNED)
    if None in (region, amount, people) or len({region, amount, people}) < 3:
        return None
    label = cell_label(view.label(amount))
    if "万元" in label:
        unit = "万元"
    elif re.search(r"[（(]元[）)]", label):
        unit = "元"
    else:
        unit = view.table.unit
    return region, amount, people, unit


def _lines(view: TableView, region_col: int, amount_col: int, people_col: int, unit: str):
    for r in range(view.first_data, len(view.table.rows)):
        if not view.aligned[r] or view.is_total_row(r) or view.is_subtotal_row(r):
            continue
        cell = view.cell(r, region_col)
        entry = resolve_region(cell.text) if cell is not None else None
        if entry is None or entry.level not in ("county", "zone"):
            continue
        amount, people = view.number(r, amount_col), view.number(r, people_col)
        if amount is None or people is None or not people.is_integer:
            continue
        amount_unit = amount.unit or unit
        if amount_unit not in ("万元", "元"):
            continue
        wan = amount.value if amount_unit == "万元" else amount.value / Decimal(10000)
        yield AllocationLine(label=cell_label(cell.text), region_code=entry.code, amount_wan=wan,
                             beneficiaries=int(people.value), zone_cost_share=entry.cost_share, key=r)


def _title(ctx) -> str:
    """The report's title: the first short paragraph that says 报告, else its first paragraph."""
    for p in ctx.paragraphs[:40]:
        text = normalize(p.text)
        if "报告" in text and len(text) < 80:
            return text
    return ctx.paragraphs[0].text if ctx.paragraphs else ""


def _year(ctx, view: TableView) -> int | None:
    m = _YEAR.search(normalize(view.table.caption))
    if m and 1990 <= int(m.group(1)) <= 2100:
        return int(m.group(1))
    return covered_year(ctx)[0]
