"""Benchmark of the roster comparison: python -m bench.bench_compare [--persons N] [--roster-rows M] [--formats csv,parquet]

Invented data, written once by DuckDB (cached under the temp folder, reused when the sizes match): a registry
of N persons (default 1,000,000) and six rosters totalling about M rows (default 10,000,000): pension and
medical rows for two years (registry persons and others), other departments' subsidies, 低保/特困, deaths and
moves; ~0.5 % of roster IDs mistyped (a digit changed or two swapped), some rows duplicated.

Then, for each format, in the same run and each as a separate process:
- baseline: a bare DuckDB read of the same files (the registry into a table) plus one ID join per roster;
- ``jixiao compare --year 2024`` with every roster, everything included (checks, SQL, findings.csv, .xlsx, summary).
Peak memory is the largest resident size of the process tree, sampled every 50 ms. Each is run --repeat times,
alternating; the figures are the medians (and the largest peak).
Goals: compare ≤ 1.5 × baseline; < 15 s on Parquet; peak memory < 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_registry import measure

RATIO_GOAL = 1.5
PARQUET_GOAL_S = 15.0
MEMORY_GOAL_MB = 4096
AREAS = ("530102", "530103", "530111", "530112", "530113", "530114", "530124", "530125", "530126", "530127",
         "530128", "530129", "530181", "530122")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
# share of the roster rows per kind (they add up to 1)
SHARES = {"pension": 0.38, "medical": 0.38, "subsidy": 0.1, "assistance": 0.06, "deaths": 0.04, "moves": 0.04}
HEADERS = {
    "registry": ["姓名", "身份证号", "残疾类别", "残疾等级", "证件状态", "户籍地区划代码"],
    "pension": ["姓名", "身份证号", "缴费年度", "参保状态", "缴费档次(元)", "个人缴费金额(元)", "代缴类别", "代缴金额(元)",
                "代缴部门"],
    "medical": ["姓名", "身份证号", "年度", "参保状态", "个人缴费金额(元)", "医疗救助资助金额(元)"],
    "subsidy": ["姓名", "身份证号", "年度", "补助项目", "补助金额(元)", "补助部门"],
    "assistance": ["姓名", "身份证号", "类别", "起始日期", "终止日期", "月保障金额(元)"],
    "deaths": ["姓名", "身份证号", "死亡日期"],
    "moves": ["姓名", "身份证号", "迁出日期", "迁往地区划代码"],
}


def _id_sql(index: str) -> str:
    """An invented, valid ID for the integer ``index`` (distinct indexes give distinct IDs)."""
    from jixiao.comparison.sql import _check_char_sql

    areas = "[" + ", ".join(f"'{a}'" for a in AREAS) + "]"
    first17 = (f"(list_extract({areas}, CAST({index} % {len(AREAS)} AS INTEGER) + 1) || "
               f"strftime(DATE '1940-01-01' + CAST((({index} // {len(AREAS)}) * 7919) % 27000 AS INTEGER), '%Y%m%d') || "
               f"lpad(CAST(({index} // {len(AREAS) * 27000}) % 1000 AS VARCHAR), 3, '0'))")
    return f"({first17} || {_check_char_sql(first17)})"


def _name_sql(index: str) -> str:
    return (f"(substr('{SURNAMES}', CAST(hash({index}) % {len(SURNAMES)} AS INTEGER) + 1, 1) || "
            f"substr('{GIVEN}', CAST(hash({index} + 7) % {len(GIVEN)} AS INTEGER) + 1, 1) || "
            f"substr('{GIVEN}', CAST(hash({index} + 13) % {len(GIVEN)} AS INTEGER) + 1, 1))")


def _mistyped(id_sql: str, index: str) -> str:
    """~0.5 % of IDs typed wrong: a digit changed or two neighbours swapped."""
    pos = f"(CAST(hash({index} + 3) % 16 AS INTEGER) + 2)"
    return (f"CASE WHEN hash({index} + 1) % 200 = 0 THEN "
            f"substr({id_sql}, 1, {pos} - 1) || substr({id_sql}, {pos} + 1, 1) || substr({id_sql}, {pos}, 1) || "
            f"substr({id_sql}, {pos} + 2) "
            f"WHEN hash({index} + 1) % 200 = 1 THEN substr({id_sql}, 1, {pos} - 1) || "
            f"CAST((CAST(substr({id_sql}, {pos}, 1) AS INTEGER) + 1) % 10 AS VARCHAR) || substr({id_sql}, {pos} + 1) "
            f"ELSE {id_sql} END")


def generate(folder: Path, persons: int, roster_rows: int) -> dict:
    import duckdb

    marker = folder / "bench-compare.json"
    if marker.exists():
        meta = json.loads(marker.read_text())
        if meta.get("persons") == persons and meta.get("roster_rows") == roster_rows:
            meta["reused"] = True
            return meta
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    # people 0..persons-1 are in the registry; the rosters also hold as many people who are not
    con.execute(f"""CREATE TABLE registry AS SELECT {_name_sql('i')} AS "姓名", {_id_sql('i')} AS "身份证号",
        CAST(1 + hash(i + 21) % 7 AS VARCHAR) AS "残疾类别",
        list_extract(['一级', '二级', '三级', '四级'], CAST(hash(i + 22) % 4 AS INTEGER) + 1) AS "残疾等级",
        CASE WHEN hash(i + 23) % 20 = 0 THEN '注销' ELSE '有效' END AS "证件状态",
        list_extract({list(AREAS)}, CAST(i % {len(AREAS)} AS INTEGER) + 1) || lpad(CAST(1 + hash(i + 24) % 12 AS VARCHAR), 3, '0')
          || lpad(CAST(1 + hash(i + 25) % 20 AS VARCHAR), 3, '0') AS "户籍地区划代码"
        FROM range({persons}) t(i)""")
    counts = {k: int(roster_rows * s) for k, s in SHARES.items()}

    def person_cols(kind: str, seed: int) -> str:
        """Persons drawn without repeats (a stride through the index range) from a range where the registry is
        the first ``persons``: two-year rosters cover ~95 % of it each year, the others hold registry persons in
        one row of ten; 0.2 % of rows repeat the row before (duplicates)."""
        per_year = counts[kind] // 2 if kind in ("pension", "medical", "subsidy") else counts[kind]
        people = max(persons, int(per_year / 0.95)) if kind in ("pension", "medical") else 10 * persons
        j = f"(CASE WHEN hash(i + {seed + 9}) % 500 = 0 AND i > 0 THEN i - 1 ELSE i END % {per_year})"
        idx = f"(({j} * 7919 + {seed}) % {people})"
        return f'{_name_sql(idx)} AS "姓名", {_mistyped(_id_sql(idx), "i + " + str(seed))} AS "身份证号"'

    def year(kind: str) -> str:
        return f"CAST(2023 + (i // {max(1, counts[kind] // 2)}) % 2 AS VARCHAR)"

    con.execute(f"""CREATE TABLE pension AS SELECT {person_cols('pension', 1)},
        {year('pension')} AS "缴费年度",
        CASE WHEN hash(i + 2) % 100 < 85 THEN '参保缴费' WHEN hash(i + 2) % 100 < 93 THEN '参保未缴费'
             WHEN hash(i + 2) % 100 < 97 THEN '暂停' ELSE '终止' END AS "参保状态",
        '200' AS "缴费档次(元)", CASE WHEN hash(i + 2) % 100 < 85 THEN '200' ELSE '0' END AS "个人缴费金额(元)",
        CASE WHEN hash(i + 4) % 10 = 0 THEN '重度残疾' ELSE '' END AS "代缴类别",
        CASE WHEN hash(i + 4) % 10 = 0 THEN '200' ELSE '' END AS "代缴金额(元)",
        CASE WHEN hash(i + 4) % 10 = 0 THEN (CASE WHEN hash(i + 5) % 2 = 0 THEN '县残联' ELSE '县民政局' END) ELSE '' END
          AS "代缴部门"
        FROM range({counts['pension']}) t(i)""")
    con.execute(f"""CREATE TABLE medical AS SELECT {person_cols('medical', 11)}, {year('medical')} AS "年度",
        CASE WHEN hash(i + 12) % 100 < 90 THEN '参保缴费' ELSE '参保未缴费' END AS "参保状态",
        '380' AS "个人缴费金额(元)", CASE WHEN hash(i + 13) % 5 = 0 THEN '120' ELSE '' END AS "医疗救助资助金额(元)"
        FROM range({counts['medical']}) t(i)""")
    con.execute(f"""CREATE TABLE subsidy AS SELECT {person_cols('subsidy', 21)}, {year('subsidy')} AS "年度",
        CASE WHEN hash(i + 22) % 3 = 0 THEN '城乡居民养老保险缴费补助' ELSE '临时救助' END AS "补助项目",
        CASE WHEN hash(i + 23) % 2 = 0 THEN '100' ELSE '200' END AS "补助金额(元)",
        CASE WHEN hash(i + 24) % 2 = 0 THEN '县民政局' ELSE '县乡村振兴局' END AS "补助部门"
        FROM range({counts['subsidy']}) t(i)""")
    con.execute(f"""CREATE TABLE assistance AS SELECT {person_cols('assistance', 31)},
        CASE WHEN hash(i + 32) % 2 = 0 THEN '城市低保' ELSE '特困分散供养' END AS "类别",
        '2024-01-01' AS "起始日期", '' AS "终止日期", '630' AS "月保障金额(元)"
        FROM range({counts['assistance']}) t(i)""")
    con.execute(f"""CREATE TABLE deaths AS SELECT {person_cols('deaths', 41)},
        strftime(DATE '2023-01-01' + CAST(hash(i + 42) % 700 AS INTEGER), '%Y-%m-%d') AS "死亡日期"
        FROM range({counts['deaths']}) t(i)""")
    con.execute(f"""CREATE TABLE moves AS SELECT {person_cols('moves', 51)},
        strftime(DATE '2023-01-01' + CAST(hash(i + 52) % 700 AS INTEGER), '%Y-%m-%d') AS "迁出日期",
        list_extract({list(AREAS)}, CAST(hash(i + 53) % {len(AREAS)} AS INTEGER) + 1) || '001001' AS "迁往地区划代码"
        FROM range({counts['moves']}) t(i)""")
    for kind in HEADERS:
        for fmt in ("csv", "parquet"):
            target = str(folder / f"{kind}.{fmt}")
            options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET, COMPRESSION ZSTD)"
            con.execute(f"COPY {kind} TO '{target}' {options}")
    meta = {"persons": persons, "roster_rows": roster_rows, "counts": counts,
            "generate_s": round(time.perf_counter() - started, 1),
            "bytes": {fmt: sum((folder / f"{k}.{fmt}").stat().st_size for k in HEADERS) for fmt in ("csv", "parquet")}}
    marker.write_text(json.dumps(meta))
    meta["reused"] = False
    return meta


BASELINE = """
import sys, duckdb
folder, fmt = sys.argv[1], sys.argv[2]
read = "read_csv('{}', header = true, all_varchar = true)" if fmt == "csv" else "read_parquet('{}')"
con = duckdb.connect()
con.execute("CREATE TABLE registry AS SELECT * FROM " + read.format(folder + "/registry." + fmt))
for kind in ("pension", "medical", "subsidy", "assistance", "deaths", "moves"):
    con.execute("SELECT COUNT(*) FROM " + read.format(folder + "/" + kind + "." + fmt)
                + " r JOIN registry g ON g.\\"身份证号\\" = r.\\"身份证号\\"").fetchall()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--roster-rows", type=int, default=10_000_000)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument("--folder", type=Path, help="data folder (default: under the temp folder, kept and reused)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each, alternating (default 3): this machine's speed drifts by a fifth from minute "
                             "to minute, so the figures are the medians, with every run printed")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.gettempdir()) / f"jixiao-bench-compare-{args.persons}-{args.roster_rows}"
    print(f"机器 / machine: {platform.processor() or platform.machine()}, nproc {os.cpu_count()}, Python "
          f"{platform.python_version()}")
    import duckdb

    print(f"DuckDB {duckdb.__version__}; 数据 / data: {folder}")
    meta = generate(folder, args.persons, args.roster_rows)
    total = sum(meta["counts"].values())
    print(f"登记库 {meta['persons']:,} 人；名册合计 {total:,} 行（{', '.join(f'{k} {v:,}' for k, v in meta['counts'].items())}）；"
          f"CSV {meta['bytes']['csv'] / 2**20:.0f} MB，Parquet {meta['bytes']['parquet'] / 2**20:.0f} MB"
          + ("（复用）" if meta["reused"] else f"（生成用时 {meta['generate_s']} s）"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")])
    results = []
    for fmt in args.formats.split(","):
        rosters = [a for kind in SHARES for a in ("--roster", f"{kind}={folder / (kind + '.' + fmt)}")]
        bases, runs = [], []
        for _ in range(max(1, args.repeat)):
            bases.append(measure([sys.executable, "-c", BASELINE, str(folder), fmt], env)[:2])
            with tempfile.TemporaryDirectory() as out_dir:
                command = [sys.executable, "-m", "jixiao", "compare", "--year", "2024", "--registry",
                           str(folder / f"registry.{fmt}"), *rosters, "--out", str(Path(out_dir) / "out"),
                           "--engine", args.engine]
                runs.append(measure(command, env, ok_codes=(0, 1))[:2])  # 1: findings written
                summary = json.loads((Path(out_dir) / "out" / "summary.json").read_text(encoding="utf-8"))
            print(f"[{fmt}] 第{len(runs)}次：基线 {bases[-1][0]:.2f} s，compare {runs[-1][0]:.2f} s，"
                  f"分步 {summary['seconds']}")
        base_s, run_s = statistics.median(b for b, _ in bases), statistics.median(r for r, _ in runs)
        base_mb, run_mb = max(m for _, m in bases), max(m for _, m in runs)
        ratio = run_s / base_s
        results.append((fmt, base_s, base_mb, run_s, run_mb, ratio, summary))
        print(f"[{fmt}] 基线（DuckDB 读取 + 每个名册一次按身份证号连接）中位数 {base_s:.2f} s（最短 "
              f"{min(b for b, _ in bases):.2f}），峰值 {base_mb:.0f} MB")
        print(f"[{fmt}] jixiao compare（{args.engine}）中位数 {run_s:.2f} s（最短 {min(r for r, _ in runs):.2f}），"
              f"峰值 {run_mb:.0f} MB，倍数 {ratio:.2f}；发现 {summary['counts']['total']:,} 条")
    print()
    print("| 格式 | 基线 s | compare s | 倍数 | 峰值内存 MB | 发现 |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt, base_s, _, run_s, run_mb, ratio, summary in results:
        print(f"| {fmt} | {base_s:.2f} | {run_s:.2f} | {ratio:.2f} | {run_mb:.0f} | {summary['counts']['total']:,} |")
    for fmt, _base, _, run_s, run_mb, ratio, _ in results:
        print(f"目标 倍数 ≤ {RATIO_GOAL}（{fmt}）: {ratio:.2f} {'达到' if ratio <= RATIO_GOAL else '未达到'}")
        print(f"目标 峰值内存 < {MEMORY_GOAL_MB} MB（{fmt}）: {run_mb:.0f} {'达到' if run_mb < MEMORY_GOAL_MB else '未达到'}")
        if fmt == "parquet":
            print(f"目标 Parquet < {PARQUET_GOAL_S} s: {run_s:.2f} {'达到' if run_s < PARQUET_GOAL_S else '未达到'}")


if __name__ == "__main__":
    main()
