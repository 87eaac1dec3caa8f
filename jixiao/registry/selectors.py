"""Reads of the registry, always through the user's scope (like projects: region subtree by path).

Who sees the registry: 系统管理员 everything; 市级、县级、乡镇/街道、村/社区 and 财政审核 their region and
below; 第三方评价 nobody (they are engaged for projects, not people). Whether ID, phone and card numbers
(银行卡号, 社保卡号) may be shown whole, and who may import, are the permissions module's rules for persons and
registry imports; pages show numbers masked by default."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.common.pii import mask_card_number, mask_phone, mask_resident_id, mask_text
from jixiao.registry.models import CodePointOrder, Person, PersonChange


def persons_visible(user) -> QuerySet[Person]:
    return permissions.scoped(user, Action.VIEW, Kind.PERSON, Person.objects.all(), path="region__path")


def registry_visible_to(user) -> bool:
    return permissions.may(user, Action.VIEW, Kind.PERSON)


def may_unmask(user) -> bool:
    return permissions.may(user, Action.UNMASK, Kind.PERSON)


def may_import(user) -> bool:
    """May the user import registry files (within their region; everywhere for 系统管理员)?"""
    return permissions.may(user, Action.CREATE, Kind.REGISTRY_IMPORT)


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


# ---- the search box ------------------------------------------------------------------------------
# What it promises (the placeholder says it): a name from its first character on (“王建” finds 王建国,
# “建国” does not: a prefix is one range of the list index, a substring would read every row), or an
# ID number — whole, or (for roles that may see whole numbers) its first 6 or more characters. Roles
# that see masked numbers only search by name or by a whole ID: prefixes would let them recover the
# hidden digits one search at a time. Every search by ID is written to the audit trail (services).

ID_PREFIX_MIN = 6  # an area code at least: a shorter prefix matches most of the registry
TOP_CHAR = "\U0010ffff"  # sorts after every character: [q, q + TOP_CHAR) holds exactly the texts beginning with q
SEARCH_REFUSED_PREFIX = ("您的角色看到的身份证号是打码的，不能按身份证号的前几位查询（否则多查几次就能推出隐藏的数字）。"
                         "请输入完整的 18 位身份证号，或按姓名查询。")
SEARCH_REFUSED_SHORT = f"按身份证号查询请至少输入前 {ID_PREFIX_MIN} 位（或完整的 18 位号码）。"


class SearchRefused(ValueError):
    """A search the user's role may not run (the message, in Chinese, says why); nothing was read."""


@dataclass(frozen=True)
class SearchTerm:
    kind: str  # "" (no search), "name", "id" (a whole ID) or "id_prefix"
    text: str

    @property
    def by_id(self) -> bool:
        return self.kind in ("id", "id_prefix")

    @property
    def masked(self) -> str:
        """The ID text as the audit trail keeps it: masked like a whole ID would be (5301**********1234)."""
        if self.kind == "id":
            return mask_resident_id(self.text)
        return self.text[:4] + "*" * max(0, min(len(self.text), 14) - 4) + self.text[14:]


def search_term(text: str) -> SearchTerm:
    """What the search box holds: digits (a trailing X allowed; full-width digits, spaces and a lower-case x
    normalised) are an ID, anything else a name."""
    import unicodedata

    text = (text or "").strip()
    if not text:
        return SearchTerm("", "")
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    body = compact[:-1] if compact.endswith("X") else compact
    if body.isdigit() and body.isascii():
        return SearchTerm("id" if len(compact) == 18 else "id_prefix", compact)
    return SearchTerm("name", text)


def search_refusal(user, term: SearchTerm) -> str | None:
    """Why the user may not run this search (a Chinese sentence), or None."""
    if term.kind == "id_prefix":
        if not may_unmask(user):
            return SEARCH_REFUSED_PREFIX
        if len(term.text) < ID_PREFIX_MIN:
            return SEARCH_REFUSED_SHORT
    return None


def search_placeholder(user) -> str:
    if may_unmask(user):
        return f"姓名（从第一个字起），或身份证号（全号或前 {ID_PREFIX_MIN} 位以上）"
    return "姓名（从第一个字起），或完整的 18 位身份证号"


# ---- the list ------------------------------------------------------------------------------------

def regions_for_list(user) -> list[tuple[int, str, str, str, str]]:
    """(id, name, level, path, list partition) of the regions the user sees, in id order: the filter's choices and the list's
    scope from one query, kept on the user object for the request (like ``user_scope``)."""
    cached = getattr(user, "_jixiao_registry_regions", None)
    if cached is None:
        cached = _regions_in_scope(user)
        try:
            user._jixiao_registry_regions = cached
        except AttributeError:  # an object that takes no attributes: read again next time
            pass
    return cached


_REGIONS_IN_SCOPE: dict[str, list] = {}  # per server process; keys carry the newest change record's mark
# Keyed by id() of a list of _REGIONS_IN_SCOPE, and holding that list: an id is reused once its list is freed, so an
# entry counts only if it still holds the very list asked about (``_of_list``).
_REGION_NAMES: dict[int, tuple[list, dict[int, str]]] = {}  # → (the list, {region id: name})
_LIST_SCOPES: dict[tuple[int, int | None], tuple[list, ListScope]] = {}  # (id, filter region) → (the list, scope)


def _regions_in_scope(user) -> list[tuple[int, str, str, str, str]]:
    """Read for each request, a city's ~1,900 regions took 5–6 ms; they change rarely and every change of a
    region writes a change record, so they are kept per scope (in this process: unpickling them from
    Django's cache would cost 1.5 ms) and keyed by the newest change record."""
    from jixiao.changelog.selectors import last_change_mark
    from jixiao.regions.models import Region

    key = f"{permissions.scope_key(user, Action.VIEW, Kind.PERSON)}:{last_change_mark()}"
    regions = _REGIONS_IN_SCOPE.get(key)
    if regions is None:
        regions = list(permissions.scoped(user, Action.VIEW, Kind.PERSON, Region.objects.all(), path="path")
                       .order_by("pk").values_list("pk", "name", "level", "path", "list_partition"))
        if len(_REGIONS_IN_SCOPE) >= 200:  # old keys (an earlier change record) are never asked again
            _REGIONS_IN_SCOPE.clear()
            _REGION_NAMES.clear()
            _LIST_SCOPES.clear()
        _REGIONS_IN_SCOPE[key] = regions
        _REGION_NAMES[id(regions)] = (regions, {pk: name for pk, name, *_ in regions})
    return regions


def _of_list(entry, regions):
    """The value of a cache entry made for ``regions``, or None (no entry, or one made for another list)."""
    return entry[1] if entry is not None and entry[0] is regions else None


def region_names_for_list(user) -> dict[int, str]:
    """{region id: name} of ``regions_for_list``: the list's region column."""
    regions = regions_for_list(user)
    names = _of_list(_REGION_NAMES.get(id(regions)), regions)
    return names if names is not None else {pk: name for pk, name, *_ in regions}


def _regions_shown(user, region_id: int | None) -> list[tuple]:
    """The regions whose persons the list may show: the user's subtree, narrowed to the filter's region subtree."""
    regions = regions_for_list(user)
    if region_id:
        path = next((r[3] for r in regions if r[0] == region_id), None)
        if path is None:
            return []
        return [r for r in regions if r[3].startswith(path)]
    return regions


@dataclass(frozen=True)
class ListScope:
    """Where the list reads: the partitions (``Region.list_partition``) in the list's order — each one range of
    the list index — and the region ids that must hold a person shown, or None when every person of those
    partitions is in the scope (a city or county user's list: the region test would only cost time)."""

    partitions: tuple[str, ...]
    region_ids: tuple[int, ...] | None
    all_region_ids: tuple[int, ...]  # the regions of the scope, for the count
    visible: frozenset[int] = frozenset()  # the regions of the user's whole scope (a keyset cursor must lie in one)

    def persons(self, queryset: QuerySet[Person]) -> QuerySet[Person]:
        queryset = queryset.filter(list_partition__in=self.partitions)
        return queryset if self.region_ids is None else queryset.filter(_in_regions(Person, self.region_ids))


def _list_scope(user, region_id: int | None) -> ListScope:
    """Kept per process beside the regions of the scope it is made of (a city's ~1,900 regions: 1–2 ms)."""
    regions = regions_for_list(user)
    key = (id(regions), region_id)
    scope = _of_list(_LIST_SCOPES.get(key), regions)
    if scope is None:
        if len(_LIST_SCOPES) >= 5000:
            _LIST_SCOPES.clear()
        scope = _list_scope_of(user, region_id, regions)
        _LIST_SCOPES[key] = (regions, scope)
    return scope


def _list_scope_of(user, region_id: int | None, regions) -> ListScope:
    shown = _regions_shown(user, region_id)
    partitions = tuple(sorted({r[4] for r in shown}))
    ids = tuple(r[0] for r in shown)
    whole = _partition_sizes()
    inside: dict[str, int] = {}
    for r in shown:
        inside[r[4]] = inside.get(r[4], 0) + 1
    complete = all(inside[p] == whole.get(p) for p in partitions)
    return ListScope(partitions, None if complete else ids, ids, frozenset(r[0] for r in regions))


_PARTITION_SIZES: dict[str, dict[str, int]] = {}


def _partition_sizes() -> dict[str, int]:
    """How many regions each partition holds, all regions (kept per process like the scopes' regions)."""
    from django.db.models import Count

    from jixiao.changelog.selectors import last_change_mark
    from jixiao.regions.models import Region

    key = last_change_mark()
    sizes = _PARTITION_SIZES.get(key)
    if sizes is None:
        sizes = dict(Region.objects.order_by().values("list_partition").annotate(n=Count("pk"))
                     .values_list("list_partition", "n"))
        _PARTITION_SIZES.clear()
        _PARTITION_SIZES[key] = sizes
    return sizes


def _in_regions(model, region_ids: list[int]):
    """``region_id IN (…)`` with the ids written into the SQL: a city's subtree is ~1,900 regions (villages
    included), and Django prepares, binds and compiles every value of an ``__in`` list in Python — 4–5 ms
    per filter, several filters per page. The ids are integers read from the region table, so writing them
    as literals is safe; the SQL is the one ``__in`` would produce and the list index serves it the same way."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    ids = ",".join(map(str, map(int, region_ids))) or "NULL"
    return RawSQL(f'"{model._meta.db_table}"."region_id" IN ({ids})', [], output_field=BooleanField())


def _matching(filters: PersonFilters, term: SearchTerm) -> QuerySet[Person]:
    """Persons matching the search and the certificate filters, any region (the caller adds the regions)."""
    persons = Person.objects.alias(name_key=CodePointOrder("name"))
    if term.kind == "id":
        persons = persons.filter(id_number=term.text)
    elif term.kind == "id_prefix":  # digits and X sort before Y in every collation
        persons = persons.filter(id_number__gte=term.text, id_number__lt=term.text + "Y")
    elif term.kind == "name":
        persons = persons.filter(name_key__gte=term.text, name_key__lt=term.text + TOP_CHAR)
    if filters.category:
        persons = persons.filter(certificate__category=filters.category)
    if filters.level:
        persons = persons.filter(certificate__level=filters.level)
    if filters.status:
        persons = persons.filter(certificate__status=filters.status)
    return persons


def person_list(*, user, filters: PersonFilters) -> QuerySet[Person]:
    """The persons the list (and the export) shows for these filters, in the list's order: by partition (the
    county), then name, then id. Raises SearchRefused for a search the user's role may not run."""
    term = search_term(filters.q)
    refusal = search_refusal(user, term)
    if refusal:
        raise SearchRefused(refusal)
    if not registry_visible_to(user):
        return Person.objects.none()
    scope = _list_scope(user, filters.region_id)
    return (scope.persons(_matching(filters, term)).select_related("region", "certificate")
            .order_by("list_partition", "name_key", "id"))


# What a row of the list shows: plain values, not model instances (a page is read and shown with only these).
# No join with the region table: the region's name comes from ``regions_for_list`` — with the join SQLite may
# drive the query from the regions and sort every person of them (seen: 0.7 s for a page near a region's end).
LIST_COLUMNS = ("pk", "name", "id_number", "sex", "birth_date", "phone", "region_id",
                "certificate__category", "certificate__level", "certificate__status", "certificate__cancel_reason")


@dataclass
class PersonPage:
    """One page of the list, paged by keyset: the next page starts after the last row shown (its pk in
    the link), the previous one ends before the first — no OFFSET, so a deep page costs what the first does."""

    rows: list[dict]  # LIST_COLUMNS of each person shown
    count: int  # all persons matching (``person_count``: cached per region set, filter and registry version)
    term: SearchTerm
    next_after: int | None = None  # pk of the last row, when there is a next page
    previous_before: int | None = None  # pk of the first row, when there is a previous page

    @property
    def is_first(self) -> bool:
        return self.previous_before is None


PAGE_SIZE = 25


def person_page(*, user, filters: PersonFilters, after: int | None = None, before: int | None = None,
                size: int = PAGE_SIZE) -> PersonPage:
    """A page of ``person_list``: the first, the one after the person ``after`` or the one before ``before``
    (a cursor the user cannot see is ignored: the first page). Raises SearchRefused like person_list."""
    term = search_term(filters.q)
    refusal = search_refusal(user, term)
    if refusal:
        raise SearchRefused(refusal)
    if not registry_visible_to(user):
        return PersonPage([], 0, term)
    scope = _list_scope(user, filters.region_id)
    matching = _matching(filters, term)
    count = person_count(filters=filters, term=term, scope=scope, matching=matching)
    matching = matching.values(*LIST_COLUMNS)
    cursor_pk = after if after is not None else before
    cursor = None
    if cursor_pk is not None and scope.partitions:  # only a person the user may see places the page
        found = next(iter(Person.objects.filter(pk=cursor_pk).values_list("region_id", "list_partition", "name", "id")[:1]),
                     None)
        if found is not None and found[0] in scope.visible:
            cursor = found[1:]
    if cursor is not None and before is not None and after is None:
        rows = _rows_before(matching, scope, cursor, size + 1)
        if len(rows) > size:
            return PersonPage(rows[1:], count, term, next_after=rows[-1]["pk"], previous_before=rows[1]["pk"])
        cursor = None  # fewer than a page before it: show the first page
    rows = _rows_after(matching, scope, cursor, size + 1) if scope.partitions else []
    more = len(rows) > size
    rows = rows[:size]
    return PersonPage(rows, count, term, next_after=rows[-1]["pk"] if more else None,
                      previous_before=rows[0]["pk"] if cursor is not None and rows else None)


def _rows_after(matching: QuerySet, scope: ListScope, cursor, limit: int) -> list[dict]:
    """Up to ``limit`` rows after ``cursor`` (partition, name, id), or from the start. Two index ranges:
    the rest of the cursor's partition, then the partitions after it."""
    rows: list[dict] = []
    partitions = scope.partitions
    if cursor is not None:
        partition, name, pk = cursor
        if partition in partitions:
            rows = list(ListScope((partition,), scope.region_ids, ()).persons(matching)
                        .filter(name_key__gte=name).exclude(name_key=name, id__lte=pk)
                        .order_by("name_key", "id")[:limit])
        partitions = tuple(p for p in partitions if p > partition)
    if len(rows) < limit and partitions:
        rows += (ListScope(partitions, scope.region_ids, ()).persons(matching)
                 .order_by("list_partition", "name_key", "id")[:limit - len(rows)])
    return rows


def _rows_before(matching: QuerySet, scope: ListScope, cursor, limit: int) -> list[dict]:
    """Up to ``limit`` rows before ``cursor``, in the list's order (read backwards, then turned round)."""
    partition, name, pk = cursor
    rows: list[dict] = []
    if partition in scope.partitions:
        rows = list(ListScope((partition,), scope.region_ids, ()).persons(matching)
                    .filter(name_key__lte=name).exclude(name_key=name, id__gte=pk)
                    .order_by("-name_key", "-id")[:limit])
    earlier = tuple(p for p in scope.partitions if p < partition)
    if len(rows) < limit and earlier:
        rows += (ListScope(earlier, scope.region_ids, ()).persons(matching)
                 .order_by("-list_partition", "-name_key", "-id")[:limit - len(rows)])
    rows.reverse()
    return rows


# ---- the count ------------------------------------------------------------------------------------
# Counting a city's persons would read a million index entries, and a certificate filter would join a
# million certificates (seconds, in every server process after every import). Without a search the count is
# a sum of RegistryTally rows (region × category × level × status, kept by the imports; ~65,000 rows for a
# city whose villages are loaded, 15–30 ms to sum); with one, an index range per region. Either is cached per
# set of region ids, search and filter and keyed by the registry version — the latest import, person and
# history row (persons change only through imports, each change with its history row): three MAX(id) of
# primary keys, one statement — so a count is computed once per server process after each import.
CACHE_SECONDS = 300


def registry_version() -> str:
    from django.db import connection

    from jixiao.registry.models import ImportBatch

    batches, changes, persons = ImportBatch._meta.db_table, PersonChange._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {batches}), (SELECT MAX(id) FROM {changes}),"
                       f" (SELECT MAX(id) FROM {persons})")
        return ":".join(map(str, cursor.fetchone()))


def person_count(*, filters: PersonFilters, term: SearchTerm, scope: ListScope, matching=None) -> int:
    """How many persons the list holds for these filters."""
    from django.core.cache import cache
    from django.db.models import Sum

    from jixiao.registry.models import RegistryTally

    region_ids = scope.all_region_ids
    if not region_ids:
        return 0
    parts = (term.kind, term.text, filters.category, filters.level, filters.status, tuple(region_ids))
    key = f"jixiao:registry-count:{hashlib.sha1(repr(parts).encode()).hexdigest()[:20]}:{registry_version()}"
    count = cache.get(key)
    if count is None:
        if not term.kind:
            tallies = RegistryTally.objects.filter(_in_regions(RegistryTally, region_ids))
            for name in ("category", "level", "status"):
                if getattr(filters, name):
                    tallies = tallies.filter(**{name: getattr(filters, name)})
            count = tallies.aggregate(n=Sum("persons"))["n"] or 0
        else:
            persons = matching if matching is not None else _matching(filters, term)
            count = scope.persons(persons).count()
        cache.set(key, count, CACHE_SECONDS)
    return count


def person_history(person: Person) -> QuerySet[PersonChange]:
    return PersonChange.objects.filter(person=person).order_by("-at", "-id")


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    actor_label: str
    action_label: str
    changes: list[tuple[str, str | None, str | None]]  # field, old, new — personal numbers masked


def person_history_shown(person: Person, *, limit: int = 200) -> list[HistoryEntry]:
    """The person's history as the page shows it: old and new phone and card numbers (and any ID or mobile number
    inside other values) masked for everyone — the full numbers only through the recorded reveal."""
    return [
        HistoryEntry(h.at, h.actor_label, h.get_action_display(),
                     [(field, _masked_value(field, old), _masked_value(field, new))
                      for field, (old, new) in h.changes.items()])
        for h in person_history(person)[:limit]
    ]


CARD_FIELDS = ("银行卡号", "社保卡号")  # the history's labels of the card numbers (importer._FIELDS)


def _masked_value(field: str, value):
    if value is None or value == "":
        return None
    if field in CARD_FIELDS:
        return mask_card_number(str(value))
    return mask_phone(str(value)) if field == "联系电话" else mask_text(str(value))


def shown_id(person_or_number: str, *, unmasked: bool) -> str:
    return person_or_number if unmasked else mask_resident_id(person_or_number)


def shown_phone(phone: str, *, unmasked: bool) -> str:
    return phone if unmasked or not phone else mask_phone(phone)


def shown_card(number: str, *, unmasked: bool) -> str:
    """A 银行卡号 or 社保卡号 as shown: masked like an ID (``mask_card_number``) unless ``unmasked``; "" when none."""
    return number if unmasked or not number else mask_card_number(number)


# ---- the registry as a comparison's input ---------------------------------------------------------

def registry_table_for_comparison(*, user, region_code: str | None = None):
    """The registry within the user's region (everything for ``user=None``: the command line's own tool) as an
    Arrow table of the comparison's registry columns (``comparison.kinds.REGISTRY``) and ``_row`` (the person's
    place in id order, counted from 2 as in a file with its header). ``region_code``: only persons whose
    户籍地区划代码 begins with it. Read in chunks of plain tuples: a million persons in ~1–2 s.

    银行卡号, 社保卡号 and 开户行 are whole, never masked: the table feeds the payment lists the county itself sends
    to the bank (the entitlement cycles), and it is given only to code, never shown. Empty values are NULL, as
    empty cells of a registry file are."""
    import pyarrow as pa

    persons = Person.objects.all() if user is None else persons_visible(user)
    if region_code:
        persons = persons.filter(region_code__startswith=region_code)
    status = {"valid": "有效", "cancelled": "注销"}
    reasons = {"death": "死亡", "moved": "迁出", "other": "其他"}
    rows = persons.order_by("pk").values_list("name", "id_number", "certificate__category", "certificate__level",
                                              "certificate__status", "certificate__cancel_reason", "region_code",
                                              "bank_card", "social_card", "bank_name")
    columns: dict[str, list] = {k: [] for k in ("name", "id_raw", "category", "level", "status", "cancel_reason",
                                                "region_code", "bank_card", "social_card", "bank_name")}
    bank_cards, social_cards, bank_names = columns["bank_card"], columns["social_card"], columns["bank_name"]
    for name, id_number, category, level, state, reason, code, bank, social, bank_name in rows.iterator(
            chunk_size=20_000):
        columns["name"].append(name)
        columns["id_raw"].append(id_number)
        columns["category"].append(str(category) if category else None)
        columns["level"].append(str(level) if level else None)
        columns["status"].append(status.get(state, "有效") if state else None)
        columns["cancel_reason"].append(reasons.get(reason) if reason else None)
        columns["region_code"].append(code)
        bank_cards.append(bank or None)
        social_cards.append(social or None)
        bank_names.append(bank_name or None)
    n = len(columns["name"])
    table = {k: pa.array(v, type=pa.string()) for k, v in columns.items()}
    from jixiao.comparison.kinds import REGISTRY

    for column in REGISTRY.columns:  # the optional columns the database does not hold: empty
        table.setdefault(column.key, pa.nulls(n, type=pa.string()))
    table["_row"] = pa.array(range(2, n + 2), type=pa.int64())
    return pa.table(table)
