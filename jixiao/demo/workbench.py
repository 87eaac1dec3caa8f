"""`jixiao serve --demo`: on first start, the seed projects, invented county projects, two invented
sub-county regions and one login per role, so every page can be tried at once. Demo only: the
people, places below county level and projects are invented (seeds 001/002/003 are published figures)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

DEMO_PASSWORD = "jixiao-demo-2026"
DEMO_SYNTH_PROJECTS = 60
DEMO_SYNTH_SEED = 2026
# Invented sub-county regions under 宜良县 (9xx codes, which real townships there do not use).
DEMO_TOWNSHIP = ("530125901", "演示街道（虚构）")
DEMO_VILLAGE = ("530125901001", "演示社区（虚构）")
DEMO_REGISTRY_PERSONS = 5000


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region_code: str | None
    note: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin", None, "系统管理员：全部数据，可进入“系统管理”"),
    DemoLogin("city_km", "city", "530100", "市级：昆明市及所辖各县区"),
    DemoLogin("county_yl", "county", "530125", "县级：宜良县"),
    DemoLogin("county_fm", "county", "530124", "县级：富民县"),
    DemoLogin("town_demo", "township", DEMO_TOWNSHIP[0], "乡镇/街道：宜良县下的虚构街道"),
    DemoLogin("village_demo", "village", DEMO_VILLAGE[0], "村/社区：虚构街道下的虚构社区"),
    DemoLogin("finance_km", "finance", "530100", "财政审核：昆明市范围只读"),
    DemoLogin("evaluator", "evaluator", None, "第三方评价：只看受委托的项目"),
)


def demo_is_loaded() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="admin", profile__isnull=False).exists()


def _demo_regions():
    from jixiao.regions.models import Region
    from jixiao.regions.services import region_create

    county = Region.objects.get(code="530125")
    township = Region.objects.filter(code=DEMO_TOWNSHIP[0]).first() or region_create(
        actor=None, code=DEMO_TOWNSHIP[0], gb_code=DEMO_TOWNSHIP[0], name=DEMO_TOWNSHIP[1],
        level=Region.Level.TOWNSHIP, parent=county, note="演示数据")
    if not Region.objects.filter(code=DEMO_VILLAGE[0]).exists():
        region_create(actor=None, code=DEMO_VILLAGE[0], gb_code=DEMO_VILLAGE[0], name=DEMO_VILLAGE[1],
                      level=Region.Level.VILLAGE, parent=township, note="演示数据")


def _demo_registry(folder: Path) -> None:
    """An invented registry: 5,000 people across Kunming, some of them in the demo village."""
    from jixiao.common.safe_files import csv_writer
    from jixiao.registry.importer import registry_import
    from jixiao.registry.synth import HEADER, synth_registry_rows

    path = folder / "演示残疾人名册（虚构）.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv_writer(out)
        writer.writerow(HEADER)
        for i, cells in enumerate(synth_registry_rows(DEMO_REGISTRY_PERSONS, DEMO_SYNTH_SEED)):
            if i % 25 == 0:  # one in 25 lives in the demo village
                cells[HEADER.index("户籍地区划代码")] = DEMO_VILLAGE[0]
            writer.writerow(cells)
    registry_import(path, actor=None, parallel=False)


def _township_project():
    """One small invented project owned by the demo township, so its users see something."""
    from jixiao.demo.synth_projects import synth_project_inputs
    from jixiao.evaluations.services import evaluation_store

    project = next(iter(synth_project_inputs(1, DEMO_SYNTH_SEED + 1)))
    project.name = "演示街道残疾人之家运营补助"
    project.owner_unit = DEMO_TOWNSHIP[1].replace("（虚构）", "") + "残疾人联合会（虚构）"
    project.region_code, project.region_name = DEMO_TOWNSHIP[0], DEMO_TOWNSHIP[1]
    return evaluation_store(actor=None, project_input=project, source="演示数据")


def demo_workbench_setup(out_dir: Path | None = None) -> list[DemoLogin]:
    """Load the demo once (no-op when already loaded). Returns the logins to print."""
    from jixiao.accounts.services import project_assignment_create, user_create
    from jixiao.demo.run import demo_run
    from jixiao.demo.synth_projects import synth_projects_store
    from jixiao.projects.models import Project
    from jixiao.regions.models import Region

    if demo_is_loaded():
        return list(DEMO_LOGINS)
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="jixiao-demo-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = demo_run(out_dir, pdf=False, store=True)
    synth_projects_store(DEMO_SYNTH_PROJECTS, DEMO_SYNTH_SEED)
    with transaction.atomic():
        _demo_regions()
        _township_project()
        users = {}
        for login in DEMO_LOGINS:
            region = Region.objects.get(code=login.region_code) if login.region_code else None
            users[login.username] = user_create(actor=None, username=login.username, password=DEMO_PASSWORD,
                                                role=login.role, region=region, full_name=login.note[:20],
                                                check_password=False)
        evaluator = users["evaluator"]
        seed_project = Project.objects.get(evaluations__pk=seeds[0].evaluation_id)
        project_assignment_create(actor=None, user=evaluator, project=seed_project)
        yiliang = Project.objects.filter(region__code="530125").order_by("pk").first()
        if yiliang is not None:
            project_assignment_create(actor=None, user=evaluator, project=yiliang)
    _demo_registry(out_dir)
    return list(DEMO_LOGINS)
