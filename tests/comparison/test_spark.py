"""The same files on both engines give the same findings, byte for byte (the Spark statements are the DuckDB ones,
transpiled by sqlglot). Needs the spark extra and Java 17, which scripts/test.sh installs."""

import os
import shutil

import pytest

from jixiao.comparison.run import compare
from tests.comparison.files import TODAY, YEAR, make_id, person, write
from tests.comparison.test_rules import pension, subsidy

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'jixiao[spark]')")
if os.environ.get("JIXIAO_DATABASE_URL"):
    # no database in it: the SQLite pass of scripts/test.sh runs it, the PostgreSQL pass would only repeat it
    pytest.skip("the engines do not use the database; run once, in the SQLite pass", allow_module_level=True)
os.environ.setdefault("JIXIAO_SPARK_PARTITIONS", "1")  # a few rows: one partition, fewer tasks
if shutil.which("java") is None:
    pytest.skip("no Java runtime (apt install openjdk-17-jre-headless)", allow_module_level=True)


def _both(tmp_path, registry, **rosters):
    reg = write(tmp_path, "registry", registry)
    paths = {kind: write(tmp_path, kind, rows) for kind, rows in rosters.items()}
    outputs = {}
    for engine in ("duckdb", "spark"):
        result = compare(year=YEAR, registry=reg, rosters=paths, out=tmp_path / engine, today=TODAY, engine=engine)
        outputs[engine] = ((tmp_path / engine / "findings.csv").read_bytes(), result.summary["counts"])
    return outputs


def test_both_engines_give_identical_findings(tmp_path):
    ids = [make_id(f"19{60 + n % 40:02d}0{1 + n % 9}1{n % 10}", f"{n:03d}") for n in range(60)]
    registry = [person(f"人{n % 17}", i, level=("一级", "二级", "三级", "四级")[n % 4],
                       region=f"53012500{1 + n % 3}00{1 + n % 2}") for n, i in enumerate(ids)]
    registry.append(person("人1", ids[1]))  # a duplicate
    registry.append(person("坏", ids[2][:17] + ("0" if ids[2][17] != "0" else "1")))
    pensions = [pension(i, ("参保缴费", "参保未缴费", "暂停", "终止")[n % 4], proxy="200" if n % 5 == 0 else "",
                        dept=("县民政局", "县残联")[n % 2] if n % 5 == 0 else "") for n, i in enumerate(ids[:40])]
    pensions.append(pension(ids[3][:10] + ids[3][11] + ids[3][10] + ids[3][12:], name="人3"))  # a swap
    subsidies = [subsidy(i, ("100", "200", "300.5")[n % 3], "县乡村振兴局") for n, i in enumerate(ids[30:45])]
    medical = [{"姓名": "x", "身份证号": i, "年度": str(YEAR), "参保状态": ("参保缴费", "参保未缴费")[n % 2]}
               for n, i in enumerate(ids[:50])]
    deaths = [{"姓名": "x", "身份证号": i, "死亡日期": "2024-02-03"} for i in ids[50:54]]
    moves = [{"姓名": "x", "身份证号": i, "迁出日期": "2024/5/6", "迁往地区划代码": ("530102001001", "530125009001")[n % 2]}
             for n, i in enumerate(ids[54:60])]
    outputs = _both(tmp_path, registry, pension=pensions, subsidy=subsidies, medical=medical, deaths=deaths,
                    moves=moves)
    assert outputs["duckdb"] == outputs["spark"]
    counts = outputs["duckdb"][1]["by_kind"]
    assert all(counts[k] > 0 for k in ("uninsured", "unpaid", "covered_elsewhere", "double_paid", "deceased_active",
                                       "moved_out", "invalid_id", "duplicate_person", "id_typo")), counts
