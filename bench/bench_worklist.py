"""Benchmark of storing a comparison's findings as the work list: python -m bench.bench_worklist [--persons N]
[--roster-rows M]

The comparison of bench_compare's invented data (Parquet, generated once and cached) is run once with
``keep_parquet``; then, in a fresh database under a temporary JIXIAO_HOME (SQLite, or PostgreSQL when
JIXIAO_DATABASE_URL is set):
- baseline: the same rows inserted by executemany into a plain table of the same columns (no index, no foreign key);
- ``rosters.services.findings_store``: the batched INSERT into the findings table (its indexes), then locating each
  finding (two UPDATEs; the registry table is empty here, so the person lookups find nothing — an index probe each);
- ``findings_carry_over``: a second run of the same findings after 1 % of the first run's were checked by hand.
Figures are printed with the baseline of the same run. Goal (this bench's own): storing ≤ 3 × the bare insert.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--roster-rows", type=int, default=10_000_000)
    args = parser.parse_args()
    from bench.bench_compare import SHARES, generate

    folder = Path(tempfile.gettempdir()) / f"jixiao-bench-compare-{args.persons}-{args.roster_rows}"
    generate(folder, args.persons, args.roster_rows)
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-worklist-"))
    os.environ["JIXIAO_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from jixiao import bootstrap

    bootstrap.setup_django(migrate=True)
    from django.db import connection

    from jixiao.comparison.run import compare
    from jixiao.rosters import services
    from jixiao.rosters.models import ComparisonRun, Finding

    print(f"机器：{os.cpu_count()} 核，{platform.machine()}，Python {platform.python_version()}；数据库 {connection.vendor}")
    out = home / "out"
    started = time.perf_counter()
    result = compare(year=2024, registry=folder / "registry.parquet",
                     rosters={k: folder / f"{k}.parquet" for k in SHARES}, out=out, keep_parquet=True)
    print(f"比对（DuckDB）{time.perf_counter() - started:.1f} s，发现 {result.total:,} 条")
    parquet = out / "findings.parquet"

    import duckdb

    rows = duckdb.connect().execute(f"SELECT kind, programme, roster, row, id, name, region_code, suggestion, note "
                                    f"FROM read_parquet('{parquet}')").fetchall()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (kind TEXT, programme TEXT, roster TEXT, row_no INTEGER, id TEXT, "
                       "name TEXT, region_code TEXT, suggestion TEXT, note TEXT)")
        started = time.perf_counter()
        for i in range(0, len(rows), 20_000):
            cursor.executemany("INSERT INTO bench_plain VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows[i:i + 20_000])
        baseline = time.perf_counter() - started
    print(f"基线（同样的行 executemany 插入无索引的表）{baseline:.2f} s")

    from django.db import transaction

    first = ComparisonRun.objects.create(year=2024, started_by_label="bench", status="done", is_current=True)
    started = time.perf_counter()
    with transaction.atomic():
        stored = services.findings_store(run=first, parquet=parquet)
    store_s = time.perf_counter() - started
    print(f"findings_store {store_s:.2f} s（{stored:,} 条），倍数 {store_s / baseline:.2f}")
    touched = list(Finding.objects.filter(run=first).values_list("pk", flat=True)[::100])
    for i in range(0, len(touched), 500):
        Finding.objects.filter(pk__in=touched[i:i + 500]).update(status="rejected", status_note="bench")
    second = ComparisonRun.objects.create(year=2024, started_by_label="bench", status="running")
    started = time.perf_counter()
    with transaction.atomic():
        services.findings_store(run=second, parquet=parquet)
        store2 = time.perf_counter() - started
        carried = services.findings_carry_over(run=second)
    carry_s = time.perf_counter() - started - store2
    print(f"第二次 findings_store {store2:.2f} s；findings_carry_over {carry_s:.2f} s（沿用 {carried:,} 条，"
          f"人工核实过的 {len(touched):,} 条）")
    ratio = store_s / baseline
    print(f"目标 存储 ≤ {GOAL_RATIO} × 基线：{ratio:.2f} {'达到' if ratio <= GOAL_RATIO else '未达到'}")


if __name__ == "__main__":
    main()
