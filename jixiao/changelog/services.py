from __future__ import annotations

from jixiao.changelog.models import ChangeRecord


def change_record(*, actor, action: str, obj=None, changes: dict | None = None, project=None, note: str = "",
                  object_type: str = "", object_label: str = "") -> ChangeRecord:
    """Write the audit row for one change (or one look at personal data). Called by every service that
    changes business data; ``obj`` may be None for what is not one row (an export of many)."""
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "get_username", lambda: "")() or "命令行",
        action=action,
        object_type=object_type or (str(obj._meta.verbose_name) if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(object_label or (str(obj) if obj is not None else ""))[:255],
        project=project,
        changes=changes or {},
        note=note[:255],
    )
