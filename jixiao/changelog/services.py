"""Writing the audit trail: every service that changes business data (or shows personal data whole)
calls ``change_record`` once per action."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from jixiao.changelog.models import ChangeRecord


def region_of(obj):
    """The region a recorded object lies in, for scoping the log: a region itself, the ``region`` of a
    project, person, unit …, or the region of a user's profile; None when it has none."""
    if obj is None:
        return None
    if obj._meta.label == "regions.Region":
        return obj
    region = getattr(obj, "region", None)
    if region is not None and getattr(region, "_meta", None) is not None and region._meta.label == "regions.Region":
        return region
    profile = getattr(obj, "profile", None) if obj._meta.label == "auth.User" else None
    return getattr(profile, "region", None)


def change_record(*, actor, action: str, obj=None, changes: dict | None = None, about=None, region=None,
                  note: str = "", object_type: str = "", object_label: str = "") -> ChangeRecord:
    """Write the audit row for one change (or one look at personal data).

    ``obj`` is the row changed (None for what is not one row, such as an export of many); ``about`` the
    object whose history it belongs to (default: ``obj``); ``region`` where it happened (default: the
    region of ``about``, else of ``obj``)."""
    about = about if about is not None else obj
    if region is None:
        region = region_of(about) or region_of(obj)
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "get_username", lambda: "")() or "命令行",
        action=action,
        subject_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        subject_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_type=object_type or (str(obj._meta.verbose_name) if obj is not None else ""),
        object_label=(object_label or (str(obj) if obj is not None else ""))[:255],
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=str(about.pk) if about is not None and about.pk is not None else "",
        region=region,
        changes=changes or {},
        note=note[:255],
    )
