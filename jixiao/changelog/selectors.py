"""Reads of the audit trail: its version and the history of one object (scoped reads of the whole log:
``jixiao.accounts.change_log``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from jixiao.changelog.models import ChangeRecord


def last_change_mark() -> str:
    """A version of all business data, since every write records an audit row: the newest row's id and
    time (the primary key's index answers it at once). The time makes the mark unique even where an id
    comes back — SQLite hands out a rolled-back transaction's ids again, and a restored backup repeats them."""
    newest = ChangeRecord.objects.order_by("-id").values_list("id", "at").first()
    return f"{newest[0]}@{newest[1].timestamp():.6f}" if newest else "0"


def changes_about(obj) -> QuerySet[ChangeRecord]:
    """The history of one object (a project: its imports, re-scorings, assignments …), newest first. The
    caller has already checked that the user may see ``obj``."""
    return ChangeRecord.objects.filter(about_type=ContentType.objects.get_for_model(obj),
                                       about_id=str(obj.pk)).order_by("-id")
