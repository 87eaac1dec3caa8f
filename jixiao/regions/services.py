from __future__ import annotations

from jixiao.regions.catalog import load_catalog


def region_sync_catalog(region_model=None) -> int:
    """Insert or update the shipped regions (idempotent). Returns how many were written.

    Takes the model class so the data migration can pass its historical model.
    """
    if region_model is None:
        from jixiao.regions.models import Region as region_model
    written = 0
    by_code = {}
    for entry in load_catalog():  # parents come before children in the file
        parent = by_code.get(entry.parent) if entry.parent else None
        city, county = (int(x) for x in entry.cost_share.split(":")) if entry.cost_share else (None, None)
        path = (parent.path if parent else "") + entry.code + "/"
        obj, _ = region_model.objects.update_or_create(
            code=entry.code,
            defaults={
                "gb_code": entry.gb_code, "name": entry.name, "short_name": entry.short_name,
                "aliases": list(entry.aliases) + list(entry.former_codes), "level": entry.level,
                "parent": parent, "path": path, "city_share": city, "county_share": county,
            },
        )
        by_code[entry.code] = obj
        written += 1
    return written
