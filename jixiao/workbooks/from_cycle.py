"""A benefit cycle's per-county totals as a project workbook's 资金分配 (对下资金分配): the amount the city transfers to
each county (its share of what the cycle pays there, in 万元), the planned beneficiaries kept from the workbook and
the actual ones counted by the cycle — so the evaluation's allocation table, its 实际受益人数 and the completion
rate come from operations instead of being typed."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from jixiao.scoring.inputs import Allocation, ProjectInput

SHARES = {"city": ("city_yuan", "市级承担"), "county": ("county_yuan", "县级承担"), "total": ("amount_yuan", "应发合计")}
TEN_THOUSAND = Decimal(10_000)


class CycleUnusable(ValueError):
    """A cycle summary that cannot become an allocation table (Chinese message)."""


def allocations_from_cycle(summary: dict, *, share: str = "city", previous: list[Allocation] = ()) -> list[Allocation]:
    """One allocation per county of the cycle with persons paid: the chosen share in 万元 (exact: 元 ÷ 10,000),
    the cycle's paid persons as 实际受益人数, 计划受益人数 kept from ``previous`` (matched by county code or name)."""
    if share not in SHARES:
        raise CycleUnusable(f"分配金额应取 {'、'.join(SHARES)} 之一")
    key, label = SHARES[share]
    counties = summary.get("counties")
    if not isinstance(counties, list) or not counties:
        raise CycleUnusable("批次汇总（summary.json）中没有按县的合计（counties）")
    planned = {}
    for a in previous:
        for k in (a.region_code, a.region_name):
            if k:
                planned[k] = a.planned_beneficiaries
    source = f"{summary.get('programme_name', summary.get('programme', ''))}{summary.get('period', '')}"
    version = summary.get("rules", {}).get("version", "")
    out = []
    for c in counties:
        if not c.get("code") or not c.get("persons"):
            continue  # a county unknown (no 户籍地) or where nobody is paid is no allocation
        amount = Decimal(str(c[key])) / TEN_THOUSAND
        names = (c["code"], c.get("name", ""))
        out.append(Allocation(
            region_name=c.get("name") or c["code"], region_code=c["code"], amount=amount,
            planned_beneficiaries=next((planned[n] for n in names if n in planned), None),
            actual_beneficiaries=int(c["persons"]),
            note=f"{label}，按补助发放批次计算（{source}，规则版本 {version}）"))
    if not out:
        raise CycleUnusable("批次中没有发放给任何人的县：无法生成资金分配表")
    return out


def project_with_cycle(project: ProjectInput, summary: dict, *, share: str = "city") -> ProjectInput:
    return dataclasses.replace(project, allocations=allocations_from_cycle(summary, share=share,
                                                                           previous=list(project.allocations)))
