"""The kinds of job: what each does. Domain apps register theirs (in their AppConfig.ready), so this
app never imports them. A kind's ``run(context)`` does the work, reports progress
(``context.progress``), checks for cancellation (``context.check_cancelled``) and returns the result
summary (a JSON-serialisable dict; ``"summary"`` a sentence, ``"figures"`` label → value)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class JobFailed(Exception):
    """The work cannot be done (a file that cannot be read, a rule refused): ``reason`` says why, in Chinese."""

    def __init__(self, reason: str, *, result: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.result = result or {}


class JobCancelled(Exception):
    """Raised inside the work when its owner asked to cancel it (``context.check_cancelled``)."""


@dataclass(frozen=True)
class JobKind:
    kind: str  # "registry.import"
    label: str  # 名册导入
    run: Callable  # run(context) -> dict
    title: Callable[[dict], str] = field(default=lambda params: "")  # params -> the job's Chinese title
    # What a job of this kind left behind when its worker died mid-way (shown with the failure).
    interrupted_note: str = "任务未完成。"


_KINDS: dict[str, JobKind] = {}


def register(kind: str, *, label: str, run: Callable, title: Callable[[dict], str] | None = None,
             interrupted_note: str = "任务未完成。") -> JobKind:
    entry = JobKind(kind=kind, label=label, run=run, title=title or (lambda params: label),
                    interrupted_note=interrupted_note)
    _KINDS[kind] = entry
    return entry


def unregister(kind: str) -> None:
    _KINDS.pop(kind, None)


def kind_get(kind: str) -> JobKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"没有这种后台任务：{kind}") from None


def kind_label(kind: str) -> str:
    entry = _KINDS.get(kind)
    return entry.label if entry else kind


def kind_run(kind: str, context) -> dict:
    """The work of ``kind`` in this process with ``context`` — how a command runs the same work a worker
    runs for a queued job (a ``TerminalContext``: progress on the terminal, no Job row, no worker)."""
    try:
        return kind_get(kind).run(context) or {}
    finally:
        finish = getattr(context, "finish", None)
        if finish is not None:
            finish()
