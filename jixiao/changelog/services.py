from __future__ import annotations

from jixiao.changelog.models import ChangeRecord


def change_record(*, actor, action: str, obj, changes: dict | None = None, project=None, note: str = "") -> ChangeRecord:
    """Write the audit row for one change. Called by every service that changes business data."""
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "get_username", lambda: "")() or "命令行",
        action=action,
        object_type=obj._meta.verbose_name,
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        project=project,
        changes=changes or {},
        note=note[:255],
    )
