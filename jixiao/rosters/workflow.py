"""The work list's states: a finding is checked on the spot (待核实 → 属实 / 不属实), then dealt with (→ 已处理).
The moves are data; ``rosters.services.finding_status_set`` is the only code that applies them."""

from __future__ import annotations

from django.db import models


class FindingStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    CONFIRMED = "confirmed", "属实"
    REJECTED = "rejected", "不属实"
    HANDLED = "handled", "已处理"


S = FindingStatus
OPEN = (S.PENDING, S.CONFIRMED)  # still work to do: shown on the person's page

# status → the statuses it may move to. Back to 待核实 undoes a check made in error (the audit trail keeps both).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PENDING: (S.CONFIRMED, S.REJECTED),
    S.CONFIRMED: (S.HANDLED, S.PENDING),
    S.REJECTED: (S.HANDLED, S.PENDING),
    S.HANDLED: (),
}

# Moves that need a note: why a finding is not true, and what was done about it.
NOTE_REQUIRED: dict[str, str] = {
    S.REJECTED: "请说明核实情况（为什么不属实）",
    S.HANDLED: "请说明处理结果",
}


def moves_from(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
