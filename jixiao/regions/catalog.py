"""The shipped region list (package data), usable without a database.

It seeds the ``Region`` table and resolves the names staff type in workbooks ("晋宁县",
"阳宗海", "530115") to one region. The database copy is authoritative once installed; admins
may add regions there.

Below the county level it holds the 乡镇/街道 and 村/社区 of those counties from the shipped NBS subset
(the rows the regions data migration loads), so a workbook read without a database (``jixiao evaluate
--no-store``) places a township allocation as the database would: by code, or by a name only one of
them bears.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class RegionEntry:
    code: str
    gb_code: str | None
    name: str
    level: str
    parent: str | None
    cost_share: str | None
    aliases: tuple[str, ...]
    former_codes: tuple[str, ...]

    @property
    def path(self) -> str:
        """The codes from the root down, as ``Region.path`` writes them: 530000/530100/530125/."""
        codes, entry = [], self
        while entry is not None:
            codes.append(entry.code)
            entry = _by_code().get(entry.parent) if entry.parent else None
        return "".join(f"{code}/" for code in reversed(codes))

    @property
    def short_name(self) -> str:
        """The name reports use for a county: 石林县 rather than 石林彝族自治县."""
        return self.aliases[0] if self.aliases else self.name


@lru_cache(maxsize=1)
def load_catalog() -> tuple[RegionEntry, ...]:
    raw = json.loads(resources.files("jixiao.regions").joinpath("data/kunming.json").read_text("utf-8"))
    return tuple(
        RegionEntry(
            code=r["code"], gb_code=r.get("gb_code"), name=r["name"], level=r["level"], parent=r.get("parent"),
            cost_share=r.get("cost_share"), aliases=tuple(r.get("aliases", ())),
            former_codes=tuple(r.get("former_codes", ())),
        )
        for r in raw["regions"]
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, RegionEntry]:
    index: dict[str, RegionEntry] = {}
    for entry in load_catalog():
        for key in (entry.code, entry.name, *entry.aliases, *entry.former_codes):
            index[key] = entry
    return index


@lru_cache(maxsize=1)
def load_below() -> tuple[RegionEntry, ...]:
    """The townships and villages of the catalog's counties (NBS 2023), parents before children."""
    from jixiao.regions.nbs import shipped_rows

    counties = {e.gb_code for e in load_catalog() if e.level == "county" and e.gb_code}
    return tuple(
        RegionEntry(code=row.code, gb_code=row.code, name=row.name, level=row.level, parent=row.parent,
                    cost_share=None, aliases=(), former_codes=())
        for row in shipped_rows()
        if row.level in ("township", "village") and row.code[:6] in counties
    )


@lru_cache(maxsize=1)
def _below_index() -> dict[str, RegionEntry]:
    """Townships and villages by code, and by name where only one of them bears it (many villages share
    a name — 新村、中心村 — and a guess would file money in the wrong place)."""
    index = {entry.code: entry for entry in load_below()}
    names = Counter(entry.name for entry in load_below())
    index.update({entry.name: entry for entry in load_below() if names[entry.name] == 1})
    return index


@lru_cache(maxsize=1)
def _by_code() -> dict[str, RegionEntry]:
    return {entry.code: entry for entry in (*load_catalog(), *load_below())}


def resolve_region(text: str) -> RegionEntry | None:
    """A region by code, official name, common short name or former name/code; None if unknown. County
    level and above first (the catalog), then a township or village by code or by a name it alone bears."""
    key = (text or "").strip().replace(" ", "").replace("\u3000", "")
    if not key:
        return None
    return _index().get(key) or _below_index().get(key)
