"""What the township and village tree costs: python -m bench.bench_regions [--projects N] [--reps K]

In a fresh embedded SQLite database (a new JIXIAO_HOME), measured in one run, each figure beside its
baseline from the same run:
- loading the tree: Kunming (what the data migration does on every fresh install and every test
  database) and the rest of Yunnan on top (what ``jixiao regions load --prefix 53`` does);
- the per-test cost of Django's serialized rollback (the browser tests restore every Region row before
  each test): serialize + restore of the whole database, with Kunming's tree and with all of Yunnan;
- the dashboard computation: reading every region (what it did before) against reading the project
  regions and their ancestors (what it does now);
- the project list page for a 市级 user and the 系统管理员: response bytes, ``<option>`` count and median
  time, with the region filter as it was (every visible region down to township level) and as it is now.
Goal (not a timed test): the default tree adds < 1 s to a fresh test database and < 0.5 s per browser
test; the list page for a city user does not grow with the tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, reps: int = 1) -> tuple[float, object]:
    """Median seconds over ``reps`` runs, and the last result."""
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=60, help="invented projects in the database (default 60)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each timed step (median; default 5)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-regions-"))
    os.environ["JIXIAO_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jixiao.settings"
    os.environ.pop("JIXIAO_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    from jixiao.bootstrap import setup_django

    setup_django(migrate=True)
    import re

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from jixiao.accounts import permissions
    from jixiao.accounts.roles import Role
    from jixiao.accounts.services import user_create
    from jixiao.demo.synth_projects import synth_projects_store
    from jixiao.evaluations import selectors as evaluation_selectors
    from jixiao.regions import nbs
    from jixiao.regions.models import Region
    from jixiao.regions.services import load_rows

    settings.ALLOWED_HOSTS = ["*"]
    print(f"数据目录 {home}；Python {sys.version.split()[0]}，SQLite {connection.Database.sqlite_version}")

    # -- loading ---------------------------------------------------------------------------------
    kunming_rows = nbs.select(nbs.shipped_rows(), "5301")

    def reload_kunming():
        with transaction.atomic():
            Region.objects.filter(level="village").delete()
            Region.objects.filter(level="township").delete()
            return load_rows(Region, kunming_rows, prefix="5301")

    seconds, result = timed(reload_kunming, args.reps)
    print(f"载入昆明市乡镇/街道、村/社区（数据迁移所做）：{result.total_created} 行，{seconds * 1000:.0f} ms（中位数）")
    base = Region.objects.count()

    from django.core.management.color import no_style

    def serialized_rollback(text: str) -> None:
        """What TransactionTestCase(serialized_rollback=True) does around each test: flush, then restore."""
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        connection.creation.deserialize_db_from_string(text)

    def rollback_cost() -> tuple[float, int]:
        text = connection.creation.serialize_db_to_string()  # once, when the test database is made
        times = []
        for _ in range(max(1, args.reps // 2)):
            with transaction.atomic():
                started = time.perf_counter()
                serialized_rollback(text)
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        return statistics.median(times), len(text)

    with transaction.atomic():  # baseline: the database as it was before the tree (20 regions)
        Region.objects.filter(level="village").delete()
        Region.objects.filter(level="township").delete()
        seconds_0, size_0 = rollback_cost()
        transaction.set_rollback(True)
    print(f"基线：没有乡镇、村时（{Region.objects.filter(level__in=nbs.LEVELS[:3] + ('zone',)).count()} 个区划），"
          f"浏览器测试每个测试前的清库+恢复：{seconds_0 * 1000:.0f} ms（序列化内容 {size_0 / 1e6:.2f} MB）")
    seconds_k, size_k = rollback_cost()
    print(f"浏览器测试每个测试前的清库+恢复，{base} 个区划，Django 默认（逐行 save）：{seconds_k * 1000:.0f} ms"
          f"（序列化内容 {size_k / 1e6:.2f} MB）")
    # what tests/workbench/browser/conftest.py does: regions left out of the serialization, put back
    # from a plain copy table with one INSERT … SELECT
    sys.path.insert(0, str(ROOT))
    from tests.workbench.browser import conftest as browser_conftest

    text = connection.creation.serialize_db_to_string()  # with the setting the conftest made
    browser_conftest.restore_regions()  # the copy, taken from the migrated database as in the first test
    times = []
    for _ in range(args.reps):
        with transaction.atomic():
            started = time.perf_counter()
            serialized_rollback(text)
            browser_conftest.restore_regions()
            times.append(time.perf_counter() - started)
            assert Region.objects.count() == base
            transaction.set_rollback(True)
    settings.TEST_NON_SERIALIZED_APPS = [a for a in settings.TEST_NON_SERIALIZED_APPS if a != "jixiao.regions"]
    seconds_b = statistics.median(times)
    print(f"浏览器测试每个测试前的清库+恢复，{base} 个区划，区划表由副本表一次 INSERT … SELECT 恢复（浏览器测试所用）：{seconds_b * 1000:.0f} ms")
    yunnan_rows = nbs.select(nbs.shipped_rows(), "53")
    with transaction.atomic():
        started = time.perf_counter()
        result = load_rows(Region, yunnan_rows, prefix="53")
        yunnan_load = time.perf_counter() - started
        yunnan_count = Region.objects.count()
        seconds_y, size_y = rollback_cost()
        transaction.set_rollback(True)
    print(f"若默认载入全省：再载入云南省其余各市 {result.total_created} 行 {yunnan_load * 1000:.0f} ms；"
          f"清库+恢复，{yunnan_count} 个区划：{seconds_y * 1000:.0f} ms（序列化内容 {size_y / 1e6:.2f} MB）")

    # -- projects, users -------------------------------------------------------------------------
    synth_projects_store(args.projects, 2026)
    city = user_create(actor=None, username="bench_city", password="Bench-pass-2026", role=Role.CITY,
                       region=Region.objects.get(code="530100"), check_password=False)
    admin = user_create(actor=None, username="bench_admin", password="Bench-pass-2026", role=Role.ADMIN,
                        check_password=False)

    def dashboard_old(user):
        regions = {r.pk: r for r in Region.objects.all()}
        return len(regions)

    def dashboard_new(user):
        return evaluation_selectors._dashboard_compute(user=user, year=None)

    old_filter = permissions.regions_for_filter

    def as_before(user, selected=None):
        return list(permissions.regions_offered(user).filter(
            level__in=["province", "city", "county", "zone", "township"]))


    def page(user, label) -> None:
        client = Client()
        client.force_login(user)
        for name, chooser in (("之前（辖区内至乡镇的全部区划）", as_before), ("现在", old_filter)):
            permissions.regions_for_filter = chooser
            client.get("/projects/")  # warm
            seconds, response = timed(lambda: client.get("/projects/"), args.reps * 4)
            html = response.content.decode()
            select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S).group(1)
            print(f"  /projects/ {label}，筛选{name}：{select.count('<option') - 1} 个选项，"
                  f"{len(response.content) / 1024:.1f} KB，{seconds * 1000:.1f} ms")
        permissions.regions_for_filter = old_filter

    def report(tree: str) -> None:
        print(f"— {tree}：{Region.objects.count()} 个区划")
        old, _ = timed(lambda: dashboard_old(admin), args.reps)
        new, board = timed(lambda: dashboard_new(admin), args.reps)
        print(f"  首页汇总 _dashboard_compute（系统管理员，{board.projects} 个项目）：{new * 1000:.1f} ms；"
              f"其中之前读取全部区划一步单独就要 {old * 1000:.1f} ms")
        page(city, "市级")
        page(admin, "系统管理员")

    report("默认（昆明市乡镇、村）")

    # -- the rest of Yunnan, loaded ---------------------------------------------------------------
    with transaction.atomic():
        load_rows(Region, yunnan_rows, prefix="53")
    report("全省（云南省乡镇、村）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
