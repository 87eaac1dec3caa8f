"""When the database is busy: which errors mean "try again shortly", and a bounded retry.

On SQLite a writer takes the single write lock when its transaction begins (settings:
``transaction_mode = IMMEDIATE``) and waits for it up to the busy timeout; only when another
process holds it longer (a registry import runs in one transaction) does "database is locked"
reach the caller — the web answers 503 then (``workbench.middleware.BusyMiddleware``). On PostgreSQL
a deadlock or serialization failure rolls the transaction back and may simply be run again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, OperationalError, transaction

log = logging.getLogger(__name__)
T = TypeVar("T")

# PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected (the transaction was rolled back and
# may be run again), lock_not_available (a lock_timeout ran out), too_many_connections.
_PG_RETRY = {"40001", "40P01"}
_PG_BUSY = _PG_RETRY | {"55P03", "53300"}
_SQLITE_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")

BUSY_MESSAGE = "系统繁忙，请稍后重试"
RETRY_AFTER_SECONDS = 10


def _driver_error(exc: BaseException) -> BaseException:
    return exc.__cause__ if isinstance(exc, DatabaseError) and exc.__cause__ is not None else exc


def is_busy_error(exc: BaseException) -> bool:
    """True for errors that say the database is busy (a lock held too long, a deadlock), not wrong."""
    if not isinstance(exc, DatabaseError):
        return False
    cause = _driver_error(exc)
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate in _PG_BUSY
    name = getattr(cause, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    return isinstance(exc, OperationalError) and any(w in str(cause) for w in _SQLITE_BUSY_WORDS)


def is_retryable_error(exc: BaseException) -> bool:
    """Errors after which running the whole transaction again is the remedy (PostgreSQL deadlock or
    serialization failure). SQLite's "locked" is not among them: its busy timeout has already waited."""
    return isinstance(exc, DatabaseError) and getattr(_driver_error(exc), "sqlstate", None) in _PG_RETRY


def retry_when_busy(action: Callable[[], T], *, attempts: int = 3, pause: float = 0.05) -> T:
    """Run ``action`` (which opens its own transaction) again after a retryable error, at most
    ``attempts`` times in all. Inside an outer transaction nothing can be re-run: one attempt."""
    if transaction.get_connection().in_atomic_block:
        return action()
    attempt = 1
    while True:
        try:
            return action()
        except DatabaseError as exc:
            if attempt >= attempts or not is_retryable_error(exc):
                raise
            log.warning("数据库事务冲突（%s），第 %d 次重试", _driver_error(exc).__class__.__name__, attempt)
            time.sleep(pause * attempt)
            attempt += 1
