"""Reads of the registry, always through the user's scope (like projects: region subtree by path).

Who sees the registry: 系统管理员 everything; 市级、县级、乡镇/街道、村/社区 and 财政审核 their region and
below; 第三方评价 nobody (they are engaged for projects, not people). Whether ID and phone numbers
may be shown whole is ``accounts.roles.SEES_PERSONAL_DATA``; pages show them masked by default."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from jixiao.accounts.roles import IMPORTS_REGISTRY
from jixiao.accounts.selectors import user_scope
from jixiao.common.pii import mask_phone, mask_resident_id, mask_text
from jixiao.regions.models import Region
from jixiao.registry.models import Person, PersonChange


def persons_visible(user) -> QuerySet[Person]:
    scope = user_scope(user)
    persons = Person.objects.all()
    if scope.sees_all:
        return persons
    if scope.assigned_only or not scope.region_path:
        return persons.none()
    return persons.filter(region__path__startswith=scope.region_path)


def registry_visible_to(user) -> bool:
    scope = user_scope(user)
    return scope.sees_all or (bool(scope.region_path) and not scope.assigned_only)


def may_unmask(user) -> bool:
    return user_scope(user).sees_personal_data


def may_import(user) -> bool:
    """May the user import registry files (``roles.IMPORTS_REGISTRY``, and a region unless they see all)?"""
    scope = user_scope(user)
    return scope.role in IMPORTS_REGISTRY and (scope.sees_all or bool(scope.region_path))


def person_get_visible(*, user, pk) -> Person:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("没有这个人员") from None
    person = persons_visible(user).select_related("region", "certificate", "created_batch").filter(pk=pk).first()
    if person is None:
        raise Http404("没有这个人员，或您无权查看")
    return person


@dataclass
class PersonFilters:
    q: str = ""
    region_id: int | None = None
    category: int | None = None
    level: int | None = None
    status: str = ""


def _id_query(text: str) -> str | None:
    """A typed ID (full-width, spaces, lower-case x allowed), or None when the text is not one."""
    import unicodedata

    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if len(compact) >= 6 and compact[:-1].isdigit() and (compact[-1].isdigit() or compact[-1] == "X"):
        return compact
    return None


def person_list(*, user, filters: PersonFilters) -> QuerySet[Person]:
    persons = persons_visible(user).select_related("region", "certificate")
    if filters.q:
        id_text = _id_query(filters.q)
        if id_text and len(id_text) == 18:
            persons = persons.filter(id_number=id_text)
        elif id_text:
            persons = persons.filter(id_number__startswith=id_text)
        else:
            persons = persons.filter(name__contains=filters.q.strip())
    if filters.region_id:
        region = Region.objects.filter(pk=filters.region_id).first()
        persons = persons.filter(region__path__startswith=region.path) if region else persons.none()
    if filters.category:
        persons = persons.filter(certificate__category=filters.category)
    if filters.level:
        persons = persons.filter(certificate__level=filters.level)
    if filters.status:
        persons = persons.filter(certificate__status=filters.status)
    return persons.order_by("pk")


def person_history(person: Person) -> QuerySet[PersonChange]:
    return PersonChange.objects.filter(person=person).order_by("-at", "-id")


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor_label: str
    action_label: str
    changes: list[tuple[str, str | None, str | None]]  # field, old, new — personal numbers masked


def person_history_shown(person: Person, *, limit: int = 200) -> list[HistoryEntry]:
    """The person's history as the page shows it: old and new phone numbers (and any ID or mobile number
    inside other values) masked for everyone — the full numbers only through the recorded reveal."""
    return [
        HistoryEntry(h.at, h.actor_label, h.get_action_display(),
                     [(field, _masked_value(field, old), _masked_value(field, new))
                      for field, (old, new) in h.changes.items()])
        for h in person_history(person)[:limit]
    ]


def _masked_value(field: str, value):
    if value is None or value == "":
        return None
    return mask_phone(str(value)) if field == "联系电话" else mask_text(str(value))


def shown_id(person_or_number: str, *, unmasked: bool) -> str:
    return person_or_number if unmasked else mask_resident_id(person_or_number)


def shown_phone(phone: str, *, unmasked: bool) -> str:
    return phone if unmasked or not phone else mask_phone(phone)
