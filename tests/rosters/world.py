"""A registry of invented persons in 宜良县 and 富民县 (tests/personas.py's world), department rosters written as
CSV, and helpers to upload them and run a comparison as the job runs it. Never real people's data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.comparison.kinds import KINDS
from jixiao.registry.importer import registry_import
from jixiao.rosters import services
from tests.registry.rows import make_id, row, write_csv

YEAR = 2024
VILLAGE = "530125001002"  # 清远社区 (village_yl's)
OTHER_VILLAGE = "530125001001"  # another village of 匡远街道 (town_yl's, not village_yl's)
UNINSURED = make_id(born="19840601", seq="101")  # 40 in 2024, 三级, no pension row
DEAD = make_id(born="19700301", seq="202")  # dies 2024-03-05, certificate valid
NEIGHBOUR = make_id(born="19800101", seq="303")  # other village: uninsured too
FUMIN = make_id(area="530124", born="19840601", seq="404")  # 富民县: never in 宜良县's findings
INSURED = make_id(born="19850101", seq="505")  # pays: no finding


@dataclass
class Registry:
    world: object
    folder: Path


def registry_load(world, folder: Path) -> Registry:
    rows = [row(姓名="宜良甲", 身份证号=UNINSURED, 户籍地区划代码=VILLAGE),
            row(姓名="宜良乙", 身份证号=DEAD, 户籍地区划代码=VILLAGE),
            row(姓名="宜良丙", 身份证号=NEIGHBOUR, 户籍地区划代码=OTHER_VILLAGE),
            row(姓名="宜良丁", 身份证号=INSURED, 户籍地区划代码=VILLAGE),
            row(姓名="富民戊", 身份证号=FUMIN, 户籍地区划代码="530124001001")]
    assert registry_import(write_csv(folder / "registry.csv", rows), actor=None, parallel=False).created == 5
    return Registry(world=world, folder=folder)


def roster_bytes(kind: str, rows: list[dict]) -> bytes:
    head = [c.header for c in KINDS[kind].columns]
    lines = [head] + [[r.get(h, "") for h in head] for r in rows]
    out = []
    for line in lines:
        out.append(",".join(f'"{v}"' if "," in str(v) else str(v) for v in line))
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


PENSION = [{"姓名": "宜良丁", "身份证号": INSURED, "缴费年度": "2024", "参保状态": "参保缴费", "缴费档次(元)": "200",
            "个人缴费金额(元)": "200"},
           {"姓名": "富民戊", "身份证号": FUMIN, "缴费年度": "2023", "参保状态": "参保缴费", "个人缴费金额(元)": "100"}]
DEATHS = [{"姓名": "宜良乙", "身份证号": DEAD, "死亡日期": "2024-03-05"},
          {"姓名": "无效号", "身份证号": "53012519700301202", "死亡日期": "2024-04-01"}]


def upload(actor, kind: str, rows: list[dict], name: str | None = None):
    data = roster_bytes(kind, rows)
    return services.roster_upload(actor=actor, kind=kind, upload=SimpleUploadedFile(name or f"{kind}.csv", data))


def compare_now(actor, rosters, run_jobs_here, year: int = YEAR):
    """Start a comparison and run its job at once (immediate backend); the run as stored."""
    with run_jobs_here():
        run = services.comparison_start(actor=actor, year=year, rosters=rosters)
    run.refresh_from_db()
    return run


def findings_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
