from __future__ import annotations

from jixiao.regions.models import Region

# County level and above: the levels staff name in workbooks and pick in list filters.
UPPER_LEVELS = ("province", "city", "county", "zone")


def region_resolve(text: str) -> Region | None:
    """A region by code, name, short name or alias (as typed in workbooks).

    A code (or 国标代码) may name a region of any level. A name is looked up at county level and above
    first (the shipped county list); a township or village name counts only when exactly one region
    bears it — many villages share a name (新村、中心村), and a guess would file data in the wrong place."""
    key = (text or "").strip().replace(" ", "").replace("\u3000", "")
    if not key:
        return None
    found = Region.objects.filter(code=key).first() or Region.objects.filter(gb_code=key).first()
    if found:
        return found
    for field in ("name", "short_name"):
        found = Region.objects.filter(**{field: key}, level__in=UPPER_LEVELS).order_by("path").first()
        if found:
            return found
    for region in Region.objects.exclude(aliases=[]):
        if key in region.aliases:
            return region
    below = list(Region.objects.filter(name=key).exclude(level__in=UPPER_LEVELS)[:2])
    return below[0] if len(below) == 1 else None


def region_code_index() -> dict[str, tuple]:
    """Every numeric code of the region table (codes, 国标代码, former codes) → (id, path, partition); the
    6-digit code of a county-level unit whose townships or villages are loaded whole → (id, path, partition,
    name, lengths of the codes loaded below it: 9 and/or 12). The registry pipeline resolves 户籍地区划代码
    with it, without a database. A former code (晋宁县 530122) carries no such lengths: nothing is loaded
    under the old code, so its 9- and 12-digit codes still fall back to the county."""
    by_code: dict[str, tuple] = {}
    rows = Region.objects.values_list("pk", "code", "gb_code", "aliases", "path", "list_partition", "name",
                                      "townships_loaded", "villages_loaded")
    for pk, code, gb_code, aliases, path, partition, name, townships, villages in rows:
        loaded = frozenset(length for length, flag in ((9, townships), (12, villages)) if flag)
        for key in (code, gb_code):
            if key and key.isdigit():
                by_code.setdefault(key, (pk, path, partition, name, loaded) if loaded and len(key) == 6
                                   else (pk, path, partition))
        for key in aliases:
            if key.isdigit():
                by_code.setdefault(key, (pk, path, partition))
    return by_code


def region_loaded_levels(code: str) -> tuple[Region, tuple[str, ...]] | None:
    """For a 9- or 12-digit code: its county-level unit and the levels loaded whole below it (None when the
    county is not in the table)."""
    county = Region.objects.filter(code=code[:6]).first() or Region.objects.filter(gb_code=code[:6]).first()
    if county is None:
        return None
    return county, tuple(label for label, flag in (("township", county.townships_loaded),
                                                   ("village", county.villages_loaded)) if flag)


def region_filter_choices(*, region: Region | None, sees_all: bool):
    """The regions offered in a list filter: county level and above within the scope (all of them for
    ``sees_all``), plus the townships of a county-level user's own unit (a township user: their own
    township). A city user gets 19 choices rather than the city's 150 townships; a township of another
    county is reached through that county's filter."""
    if sees_all:
        return Region.objects.filter(level__in=UPPER_LEVELS)
    if region is None:
        return Region.objects.none()
    within = Region.objects.filter(path__startswith=region.path)
    if region.level in ("county", "zone", "township"):
        return within.filter(level__in=(*UPPER_LEVELS, "township"))
    return within.filter(level__in=UPPER_LEVELS)
