from __future__ import annotations

from jixiao.regions.models import Region


def region_resolve(text: str) -> Region | None:
    """A region by code, name, short name or alias (as typed in workbooks)."""
    key = (text or "").strip().replace(" ", "").replace("\u3000", "")
    if not key:
        return None
    found = Region.objects.filter(code=key).first() or Region.objects.filter(gb_code=key).first()
    if found:
        return found
    found = Region.objects.filter(name=key).first() or Region.objects.filter(short_name=key).first()
    if found:
        return found
    for region in Region.objects.exclude(aliases=[]):
        if key in region.aliases:
            return region
    return None
