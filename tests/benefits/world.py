"""A registry of invented persons in 石林彝族自治县 (two townships) and 富民县 on top of tests/personas.py's world, two
石林县 county users (one computes, the other approves), the 养老保险 and 医保 rosters as the county uploads them, and
helpers that compute a cycle as its job runs and write a bank's return file. Never real people's data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from jixiao.accounts.services import user_create
from jixiao.benefits import services
from jixiao.regions.models import Region
from jixiao.registry.importer import registry_import
from tests.personas import PASSWORD
from tests.registry.rows import make_id, row, write_csv
from tests.rosters.world import upload

YEAR = 2024
SL = "530126"  # 石林彝族自治县
LUFU = "530126001"  # 鹿阜街道
SHILIN = "530126002"  # 石林街道
A = make_id(area=SL, born="19800101", seq="111")  # 三级, paid 200 → 200
B = make_id(area=SL, born="19850101", seq="222")  # 四级, paid 300 → 200 (the standard), 300 once it is raised
C = make_id(area=SL, born="19900101", seq="333")  # 三级, paid 100 → 100
D = make_id(area=SL, born="19750101", seq="444")  # 三级, enrolled, not paid → 0 (unpaid)
E = make_id(area=SL, born="19800101", seq="555")  # 一级: not in the pension programme
FM = make_id(area="530124", born="19800101", seq="666")  # 富民县: never in 石林县's cycles
UNKNOWN = make_id(area=SL, born="19700101", seq="777")  # in nobody's list


@dataclass
class World:
    base: object  # tests.personas.World
    users: dict
    folder: Path

    @property
    def shilin(self) -> Region:
        return Region.objects.get(code=SL)


def build(base, folder: Path) -> World:
    shilin = Region.objects.get(code=SL)
    users = dict(base.users)
    for persona in ("county_sl", "county_sl2"):
        users[persona] = user_create(actor=None, username=persona, password=PASSWORD, role="county", region=shilin,
                                     check_password=False)
    rows = [row(姓名="石林甲", 身份证号=A, 残疾等级="三级", 户籍地区划代码="530126001001"),
            row(姓名="石林乙", 身份证号=B, 残疾等级="四级", 户籍地区划代码="530126001002"),
            row(姓名="石林丙", 身份证号=C, 残疾等级="三级", 户籍地区划代码="530126002001"),
            row(姓名="石林丁", 身份证号=D, 残疾等级="三级", 户籍地区划代码="530126002001"),
            row(姓名="石林戊", 身份证号=E, 残疾等级="一级", 户籍地区划代码="530126002001"),
            row(姓名="富民己", 身份证号=FM, 残疾等级="三级", 户籍地区划代码="530124001001")]
    assert registry_import(write_csv(folder / "registry.csv", rows), actor=None, parallel=False).created == 6
    return World(base=base, users=users, folder=folder)


PENSION = [
    {"姓名": "石林甲", "身份证号": A, "缴费年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "200"},
    {"姓名": "石林乙", "身份证号": B, "缴费年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "300"},
    {"姓名": "石林丙", "身份证号": C, "缴费年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "100"},
    {"姓名": "石林丁", "身份证号": D, "缴费年度": str(YEAR), "参保状态": "参保未缴费"},
    {"姓名": "富民己", "身份证号": FM, "缴费年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "200"},
]
MEDICAL = [
    {"姓名": "石林甲", "身份证号": A, "年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "380"},  # 三级: 380
    {"姓名": "石林戊", "身份证号": E, "年度": str(YEAR), "参保状态": "参保缴费", "个人缴费金额(元)": "380"},  # 一级: 380 − 120
]


def pension_roster(w: World, actor=None):
    return upload(actor or w.users["county_sl"], "pension", PENSION, name="养老保险2024.csv")


def compute_now(actor, cycle, run_jobs_here):
    """Start the computation and run its job at once (immediate backend); the cycle as stored."""
    with run_jobs_here():
        services.cycle_compute_start(actor=actor, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def pension_cycle(w: World, run_jobs_here, *, actor=None, roster=None):
    actor = actor or w.users["county_sl"]
    cycle = services.cycle_create(actor=actor, programme="pension_subsidy", year=YEAR,
                                  rosters=[roster or pension_roster(w, actor)])
    return compute_now(actor, cycle, run_jobs_here)


def approved_cycle(w: World, run_jobs_here, **kwargs):
    cycle = pension_cycle(w, run_jobs_here, **kwargs)
    cycle = services.cycle_submit(actor=w.users["county_sl"], cycle=cycle)
    return services.cycle_approve(actor=w.users["county_sl2"], cycle=cycle)


RETURN_HEADER = ["姓名", "身份证号", "金额(元)", "处理结果", "失败原因", "账号"]


def return_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(RETURN_HEADER)
        writer.writerows(rows)
    return path


def county_project():
    """A stored county project of 石林县 (one allocation to 鹿阜街道) that a cycle can be written into."""
    from decimal import Decimal as D

    from jixiao.evaluations.services import evaluation_store
    from jixiao.projects.models import Project
    from jixiao.scoring.inputs import Allocation
    from tests.factories import sample_project

    data = sample_project(name="石林县三、四级残疾人养老保险补助", region_code=SL, region_name="石林彝族自治县",
                          allocations=[Allocation("鹿阜街道", LUFU, D("1"), 50, 40)])
    evaluation_store(actor=None, project_input=data, source="测试")
    return Project.objects.get(name=data.name)
