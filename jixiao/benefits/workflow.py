"""A benefit cycle's states and moves, and a payment's statuses. The moves are data; ``benefits.services`` is the
only code that applies them (each move one service call, one audit row).

草稿 ─计算─▶ 已计算 ─提交审核─▶ 审核中 ─批准─▶ 已批准 ─全部到账─▶ 已发放 ─结束─▶ 已结束
               ▲  └重新计算┘          │
               └──────退回（须说明）──┘
作废（须说明）：已发放之前的任何状态，且尚未生成发放批次。"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class CycleState(models.TextChoices):
    DRAFT = "draft", "草稿"
    COMPUTED = "computed", "已计算"
    REVIEW = "review", "审核中"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已发放"
    CLOSED = "closed", "已结束"
    VOID = "void", "已作废"


S = CycleState
# the states whose figures may become a project's 对下资金分配 (approved: what is paid, or will be)
ALLOCATABLE = (S.APPROVED, S.PAID, S.CLOSED)


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # what the button says
    sources: tuple[str, ...]
    target: str
    right: str  # the accounts.permissions Action needed on the cycle's region: "create" | "approve"
    note_required: str = ""  # the message when a note is required and missing


MOVES: dict[str, Move] = {m.name: m for m in (
    # computing is a background job; the move is recorded when its result is stored
    Move("compute", "计算", (S.DRAFT, S.COMPUTED), S.COMPUTED, "create"),
    Move("submit", "提交审核", (S.COMPUTED,), S.REVIEW, "create"),
    Move("return", "退回", (S.REVIEW,), S.COMPUTED, "approve", "请说明退回原因"),
    Move("approve", "批准", (S.REVIEW,), S.APPROVED, "approve"),
    Move("pay", "确认全部到账", (S.APPROVED,), S.PAID, "create"),
    Move("close", "结束", (S.PAID,), S.CLOSED, "create"),
    Move("void", "作废", (S.DRAFT, S.COMPUTED, S.REVIEW, S.APPROVED), S.VOID, "create", "请说明作废原因"),
)}

# state → the states it may move to (derived from MOVES; what the tests and a diagram read)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    state: tuple(dict.fromkeys(m.target for m in MOVES.values() if state in m.sources)) for state in S.values
}

RECOMPUTABLE = MOVES["compute"].sources  # inputs and rules may change only here


def moves_from(state: str) -> tuple[Move, ...]:
    return tuple(m for m in MOVES.values() if state in m.sources)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "待回盘"  # on a list handed to the bank (or the insurer), no answer yet
    PAID = "paid", "已到账"
    FAILED = "failed", "失败"


class ListKind(models.TextChoices):
    BANK = "bank", "银行发放清单"
    PROXY = "proxy", "代缴清单"
