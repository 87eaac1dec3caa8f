"""The audit trail as far as a user may read it: scoped like the data it records (the permissions
module's rule for change records). It lives here, above ``changelog``, because the log's scope is the
user's scope."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.changelog.models import ChangeRecord


def change_records_visible(user) -> QuerySet[ChangeRecord]:
    """The audit rows a user may read: those of their region's subtree (all for 系统管理员); a 第三方评价
    user reads the history of the projects entrusted to them."""
    records = ChangeRecord.objects.select_related("region")
    reach = permissions.reach(user, Action.VIEW, Kind.CHANGE_RECORD)
    if reach is permissions.Reach.ASSIGNED:
        from jixiao.accounts.models import ProjectAssignment

        project_ids = [str(pk) for pk in ProjectAssignment.objects.filter(user=user).values_list("project_id", flat=True)]
        project_type = ContentType.objects.get_by_natural_key("projects", "project")
        return records.filter(about_type=project_type, about_id__in=project_ids).order_by("-id")
    return permissions.scoped(user, Action.VIEW, Kind.CHANGE_RECORD, records, path="region__path").order_by("-id")


PAGE_SIZE = 50


def change_records_page(user, *, action: str = "", object_type: str = "", before: int | None = None,
                        size: int = PAGE_SIZE) -> tuple[list[ChangeRecord], int | None]:
    """One page of the user's log, newest first, and the id to continue from (None on the last page).
    Paged by id (keyset), so a deep page costs what the first does."""
    records = change_records_visible(user)
    if action:
        records = records.filter(action=action)
    if object_type:
        records = records.filter(object_type=object_type)
    if before:
        records = records.filter(id__lt=before)
    rows = list(records[:size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)
