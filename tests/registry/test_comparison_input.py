"""The registry held in the database as a comparison's input: only the actor's region, in the registry kind's
columns; `jixiao compare --registry db --actor USER` finds nothing about persons outside it."""

import csv

import pytest

from jixiao.cli import main
from jixiao.registry.importer import registry_import
from jixiao.registry.selectors import registry_table_for_comparison
from tests.registry.rows import make_id, row, write_csv

pytestmark = pytest.mark.django_db

YILIANG = make_id(seq="101")  # 宜良县
FUMIN = make_id(seq="202")  # 富民县
CANCELLED = make_id(seq="303")


@pytest.fixture
def registry(world, tmp_path):
    rows = [row(姓名="宜良甲", 身份证号=YILIANG, 户籍地区划代码="530125001002"),
            row(姓名="富民乙", 身份证号=FUMIN, 户籍地区划代码="530124001001"),
            row(姓名="宜良丙", 身份证号=CANCELLED, 户籍地区划代码="530125001002", 证件状态="注销", 注销原因="死亡")]
    assert registry_import(write_csv(tmp_path / "r.csv", rows), actor=None, parallel=False).created == 3
    return world


def test_the_table_holds_the_users_region_only(registry):
    table = registry_table_for_comparison(user=registry.users["county_yl"]).to_pylist()
    assert [(r["name"], r["id_raw"], r["level"], r["status"], r["cancel_reason"], r["region_code"]) for r in table] == [
        ("宜良甲", YILIANG, "3", "有效", None, "530125001002"), ("宜良丙", CANCELLED, "3", "注销", "死亡", "530125001002")]
    assert [r["_row"] for r in table] == [2, 3]
    assert len(registry_table_for_comparison(user=None)) == 3
    assert len(registry_table_for_comparison(user=None, region_code="530124")) == 1
    assert len(registry_table_for_comparison(user=registry.users["evaluator"])) == 0  # 第三方评价: no registry


def test_compare_with_the_database_registry_and_an_actor(registry, tmp_path, capsys):
    deaths = tmp_path / "deaths.csv"
    with deaths.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["姓名", "身份证号", "死亡日期"])
        writer.writerows([["宜良甲", YILIANG, "2024-01-01"], ["富民乙", FUMIN, "2024-01-02"]])
    out = tmp_path / "out"
    code = main(["compare", "--year", "2024", "--registry", "db", "--actor", "county_yl", "--roster",
                 f"deaths={deaths}", "--out", str(out)])
    assert code == 1, capsys.readouterr().err
    with (out / "findings.csv").open(encoding="utf-8-sig") as handle:
        found = [(r["类型代码"], r["身份证号"]) for r in csv.DictReader(handle)]
    assert found == [("deceased_active", YILIANG)]  # 富民乙 is not in 宜良县's registry: nothing about them
    assert main(["compare", "--year", "2024", "--registry", "db", "--actor", "nobody", "--out", str(out)]) == 2
