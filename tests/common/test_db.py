"""Which database errors mean "busy, try again" and the bounded retry of a whole transaction."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import IntegrityError, OperationalError, transaction

from jixiao.common.db import is_busy_error, is_retryable_error, retry_when_busy


class _PgError(Exception):
    """Stands for a psycopg error: what matters is its SQLSTATE."""

    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(django_class, cause):
    exc = django_class(str(cause))
    exc.__cause__ = cause
    return exc


def test_busy_errors():
    assert is_busy_error(_wrapped(OperationalError, sqlite3.OperationalError("database is locked")))
    assert is_busy_error(_wrapped(OperationalError, _PgError("40P01")))  # deadlock detected
    assert is_busy_error(_wrapped(OperationalError, _PgError("55P03")))  # lock_timeout ran out
    assert not is_busy_error(_wrapped(OperationalError, sqlite3.OperationalError("no such table: x")))
    assert not is_busy_error(_wrapped(IntegrityError, _PgError("23505")))  # a duplicate is not "busy"
    assert not is_busy_error(ValueError("database is locked"))


def test_retryable_errors_are_postgresql_deadlocks_and_serialization_failures_only():
    assert is_retryable_error(_wrapped(OperationalError, _PgError("40001")))
    assert is_retryable_error(_wrapped(OperationalError, _PgError("40P01")))
    # SQLite's busy timeout has already waited; running again would only make the user wait twice.
    assert not is_retryable_error(_wrapped(OperationalError, sqlite3.OperationalError("database is locked")))


def _failing(errors):
    calls = []

    def action():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "stored"

    return action, calls


def test_retry_runs_again_after_a_deadlock():
    action, calls = _failing([_wrapped(OperationalError, _PgError("40P01"))])
    assert retry_when_busy(action, pause=0) == "stored" and len(calls) == 2


def test_retry_is_bounded():
    deadlock = _wrapped(OperationalError, _PgError("40P01"))
    action, calls = _failing([deadlock] * 5)
    with pytest.raises(OperationalError):
        retry_when_busy(action, attempts=3, pause=0)
    assert len(calls) == 3


def test_other_errors_are_not_retried():
    action, calls = _failing([_wrapped(IntegrityError, _PgError("23505"))])
    with pytest.raises(IntegrityError):
        retry_when_busy(action, pause=0)
    assert len(calls) == 1


@pytest.mark.django_db
def test_no_retry_inside_an_outer_transaction():
    action, calls = _failing([_wrapped(OperationalError, _PgError("40P01"))])
    with transaction.atomic(), pytest.raises(OperationalError):
        retry_when_busy(action, pause=0)
    assert len(calls) == 1
