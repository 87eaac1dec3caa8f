"""The shipped region list (package data), usable without a database.

It seeds the ``Region`` table and resolves the names staff type in workbooks ("晋宁县",
"阳宗海", "530115") to one region. The database copy is authoritative once installed; admins
may add regions there.
"""

from __future__ import annotations

import json
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


def resolve_region(text: str) -> RegionEntry | None:
    """A region by code, official name, common short name or former name/code; None if unknown."""
    key = (text or "").strip().replace(" ", "").replace("\u3000", "")
    return _index().get(key)
