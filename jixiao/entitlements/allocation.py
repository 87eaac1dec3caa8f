"""A cycle's totals as the evaluation's 对下资金分配: one allocation per unit (a county of a city's cycle, a township of
a county's) with persons paid — the chosen share in 万元 (exact: 元 ÷ 10,000), the cycle's paid persons as 实际受益人数,
计划受益人数 kept from the allocations it replaces — so the allocation table, its 实际受益人数 and the completion rate
come from operations instead of being typed."""

from __future__ import annotations

from decimal import Decimal

from jixiao.scoring.inputs import Allocation

SHARES = {"city": ("city_yuan", "市级承担"), "county": ("county_yuan", "县级承担"), "total": ("amount_yuan", "应发合计")}
TEN_THOUSAND = Decimal(10_000)


class CycleUnusable(ValueError):
    """Cycle totals that cannot become an allocation table (Chinese message)."""


def allocations_from_units(units: list[dict], *, share: str, source: str, previous=()) -> list[Allocation]:
    """``units``: dicts with code, name, persons and amount_yuan / city_yuan / county_yuan (summary.json's
    ``counties``, or a stored cycle's tallies); ``source`` names the cycle in each row's 备注."""
    if share not in SHARES:
        raise CycleUnusable(f"分配金额应取 {'、'.join(SHARES)} 之一")
    key, label = SHARES[share]
    planned = {}
    for a in previous:
        for k in (a.region_code, a.region_name):
            if k:
                planned[k] = a.planned_beneficiaries
    out = []
    for unit in units:
        if not unit.get("code") or not unit.get("persons"):
            continue  # a unit unknown (no 户籍地) or where nobody is paid is no allocation
        names = (unit["code"], unit.get("name", ""))
        out.append(Allocation(
            region_name=unit.get("name") or unit["code"], region_code=unit["code"],
            amount=Decimal(str(unit[key])) / TEN_THOUSAND,
            planned_beneficiaries=next((planned[n] for n in names if n in planned), None),
            actual_beneficiaries=int(unit["persons"]), note=f"{label}，按补助发放批次计算（{source}）"))
    if not out:
        raise CycleUnusable("批次中没有发放给任何人的地区：无法生成资金分配表")
    return out


def allocations_from_summary(summary: dict, *, share: str = "city", previous=()) -> list[Allocation]:
    """From a cycle's summary.json: its counties."""
    counties = summary.get("counties")
    if not isinstance(counties, list) or not counties:
        raise CycleUnusable("批次汇总（summary.json）中没有按县的合计（counties）")
    source = (f"{summary.get('programme_name', summary.get('programme', ''))}{summary.get('period', '')}，"
              f"规则版本 {summary.get('rules', {}).get('version', '')}")
    return allocations_from_units(counties, share=share, source=source, previous=previous)
