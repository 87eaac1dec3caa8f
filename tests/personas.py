"""A small invented world for access tests: two counties, a real township and village of 宜良县, one
project per region level, and one user per role (Healthchecks-style personas)."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.accounts.services import project_assignment_create, user_create
from jixiao.evaluations.services import evaluation_store
from jixiao.projects.models import Project
from jixiao.regions.models import Region
from tests.factories import sample_project

PASSWORD = "Persona-pass-2026"
YL_TOWN = "530125001"  # 匡远街道
YL_VILLAGE = "530125001002"  # 清远社区居民委员会


def store(project_input) -> Project:
    evaluation = evaluation_store(actor=None, project_input=project_input, source="t.xlsx")
    return evaluation.project


@dataclass
class World:
    projects: dict[str, Project] = field(default_factory=dict)  # key → project
    users: dict[str, object] = field(default_factory=dict)  # persona → user
    regions: dict[str, Region] = field(default_factory=dict)


# persona → (role, region key or None)
PERSONAS = {
    "admin": ("admin", None),
    "city": ("city", "kunming"),
    "county_yl": ("county", "yiliang"),
    "county_fm": ("county", "fumin"),
    "town_yl": ("township", "yl_town"),
    "village_yl": ("village", "yl_village"),
    "finance_city": ("finance", "kunming"),
    "finance_fm": ("finance", "fumin"),
    "evaluator": ("evaluator", None),
}

# Which projects each persona sees (project keys), and which of those they may manage / score.
VISIBLE = {
    "admin": {"kunming", "yiliang", "fumin", "yl_town", "yl_village"},
    "city": {"kunming", "yiliang", "fumin", "yl_town", "yl_village"},
    "county_yl": {"yiliang", "yl_town", "yl_village"},
    "county_fm": {"fumin"},
    "town_yl": {"yl_town", "yl_village"},
    "village_yl": {"yl_village"},
    "finance_city": {"kunming", "yiliang", "fumin", "yl_town", "yl_village"},
    "finance_fm": {"fumin"},
    "evaluator": {"fumin"},
}
MANAGES = {p: (set() if p.startswith("finance") or p == "evaluator" else VISIBLE[p]) for p in VISIBLE}
SCORES = {p: (VISIBLE[p] if p == "evaluator" else MANAGES[p]) for p in VISIBLE}


def build_world() -> World:
    world = World()
    kunming = Region.objects.get(code="530100")
    yiliang = Region.objects.get(code="530125")
    fumin = Region.objects.get(code="530124")
    # real township and village rows of 宜良县 (NBS 2023, loaded by the regions data migration)
    town = Region.objects.get(code=YL_TOWN)
    village = Region.objects.get(code=YL_VILLAGE)
    world.regions = {"kunming": kunming, "yiliang": yiliang, "fumin": fumin, "yl_town": town, "yl_village": village}
    for key, region in world.regions.items():
        world.projects[key] = store(sample_project(
            name=f"测试项目-{key}", owner_unit=f"测试单位-{key}", region_code=region.code, region_name=region.name,
        ))
    for persona, (role, region_key) in PERSONAS.items():
        world.users[persona] = user_create(actor=None, username=persona, password=PASSWORD, role=role,
                                           region=world.regions.get(region_key) if region_key else None,
                                           check_password=False)
    project_assignment_create(actor=None, user=world.users["evaluator"], project=world.projects["fumin"])
    return world
