"""Benchmark of an entitlement cycle: python -m bench.bench_cycle [--persons N] [--roster-rows M] [--formats parquet,csv]

The invented data of bench_compare (a registry of N persons, default 1,000,000, and rosters totalling about M rows,
default 3,000,000, cached under the temp folder), then for each format, in the same run and each a separate process:
- baseline: a bare DuckDB query of the same inputs — the registry, the pension roster, the other departments'
  subsidies, the deaths and the moves read, joined by ID and summed per county (no ID checks, no files written);
- ``jixiao cycle run --programme pension_subsidy --year 2024`` with those rosters: the ID checks, the rules,
  entitlements.csv, summary.json and every county's bank list (.xlsx).
Goal: the cycle < 15 s for 1M persons with their rosters.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.bench_compare import generate
from bench.bench_registry import measure

GOAL_S = 15.0
ROSTERS = ("pension", "subsidy", "deaths", "moves")

BASELINE = """
import sys, duckdb
folder, fmt = sys.argv[1], sys.argv[2]
read = "read_csv('{}', header = true, all_varchar = true)" if fmt == "csv" else "read_parquet('{}')"
f = lambda kind: read.format(folder + "/" + kind + "." + fmt)
con = duckdb.connect()
con.execute(f'''
WITH p AS (SELECT "身份证号" AS id, "户籍地区划代码" AS region FROM {f("registry")}
           WHERE "残疾等级" IN ('三级', '四级') AND "证件状态" = '有效'),
     c AS (SELECT "身份证号" AS id, MAX(TRY_CAST("个人缴费金额(元)" AS DECIMAL(18, 2))) AS paid FROM {f("pension")}
           WHERE "缴费年度" = '2024' AND "参保状态" = '参保缴费' GROUP BY 1),
     o AS (SELECT "身份证号" AS id, MAX(TRY_CAST("补助金额(元)" AS DECIMAL(18, 2))) AS other FROM {f("subsidy")}
           WHERE "年度" = '2024' GROUP BY 1),
     g AS (SELECT "身份证号" AS id FROM {f("deaths")} UNION SELECT "身份证号" FROM {f("moves")})
SELECT SUBSTR(p.region, 1, 6), COUNT(*), SUM(GREATEST(LEAST(200, c.paid) - COALESCE(o.other, 0), 0))
FROM p JOIN c ON c.id = p.id LEFT JOIN o ON o.id = p.id LEFT JOIN g ON g.id = p.id WHERE g.id IS NULL
GROUP BY 1''').fetchall()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--roster-rows", type=int, default=3_000_000)
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--folder", type=Path, help="data folder (default: under the temp folder, kept and reused)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.gettempdir()) / f"jixiao-bench-compare-{args.persons}-{args.roster_rows}"
    print(f"机器 / machine: {platform.processor() or platform.machine()}, nproc {os.cpu_count()}, Python "
          f"{platform.python_version()}")
    meta = generate(folder, args.persons, args.roster_rows)
    rows = {k: meta["counts"][k] for k in ROSTERS}
    print(f"登记库 {meta['persons']:,} 人；名册 {', '.join(f'{k} {v:,}' for k, v in rows.items())} 行"
          + ("（复用）" if meta["reused"] else f"（生成用时 {meta['generate_s']} s）"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")])
    results = []
    for fmt in args.formats.split(","):
        base_s, base_mb, _ = measure([sys.executable, "-c", BASELINE, str(folder), fmt], env)
        rosters = [a for kind in ROSTERS for a in ("--roster", f"{kind}={folder / (kind + '.' + fmt)}")]
        with tempfile.TemporaryDirectory() as out_dir:
            command = [sys.executable, "-m", "jixiao", "cycle", "run", "--programme", "pension_subsidy",
                       "--year", "2024", "--registry", str(folder / f"registry.{fmt}"), *rosters,
                       "--out", str(Path(out_dir) / "out")]
            run_s, run_mb, _ = measure(command, env)
            summary = json.loads((Path(out_dir) / "out" / "summary.json").read_text(encoding="utf-8"))
        results.append((fmt, base_s, run_s, run_mb, summary))
        print(f"[{fmt}] 基线（DuckDB 读取、按身份证号连接、按县汇总）{base_s:.2f} s，峰值 {base_mb:.0f} MB")
        print(f"[{fmt}] jixiao cycle run {run_s:.2f} s，峰值 {run_mb:.0f} MB；考虑 {summary['totals']['considered']:,} 人，"
              f"发放 {summary['totals']['persons']:,} 人，{len(summary['payment_lists'])} 份清单；分步 {summary['seconds']}")
    print()
    print("| 格式 | 基线 s | cycle run s | 倍数 | 峰值内存 MB | 考虑 | 发放 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fmt, base_s, run_s, run_mb, s in results:
        print(f"| {fmt} | {base_s:.2f} | {run_s:.2f} | {run_s / base_s:.2f} | {run_mb:.0f} | "
              f"{s['totals']['considered']:,} | {s['totals']['persons']:,} |")
    for fmt, _base, run_s, _mb, _s in results:
        print(f"目标 < {GOAL_S} s（{fmt}）: {run_s:.2f} {'达到' if run_s < GOAL_S else '未达到'}")


if __name__ == "__main__":
    main()
