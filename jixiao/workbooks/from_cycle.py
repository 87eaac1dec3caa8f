"""A benefit cycle's per-county totals as a project workbook's 资金分配 (``entitlements.allocation``): the amount
the city transfers to each county, the planned beneficiaries kept from the workbook, the actual ones counted by the
cycle."""

from __future__ import annotations

import dataclasses

from jixiao.entitlements.allocation import CycleUnusable, allocations_from_summary
from jixiao.scoring.inputs import ProjectInput

__all__ = ["CycleUnusable", "project_with_cycle"]


def project_with_cycle(project: ProjectInput, summary: dict, *, share: str = "city") -> ProjectInput:
    return dataclasses.replace(project, allocations=allocations_from_summary(summary, share=share,
                                                                             previous=list(project.allocations)))
