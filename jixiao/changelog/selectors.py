"""Reads of the audit trail."""

from __future__ import annotations

from jixiao.changelog.models import ChangeRecord


def last_change_id() -> int:
    """The id of the newest audit row: a version of all business data, since every write records one
    (the primary key's index answers it at once)."""
    return ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
