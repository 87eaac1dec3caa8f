"""Benchmark of the registry import: python -m bench.bench_registry [--rows N] [--postgres URL] [--reps K]

An invented registry of N rows (default 1,000,000) is written once as .xlsx (cached under the temp
folder). Then, in the same run and each as a separate process on an otherwise idle machine:
- bare read: python-calamine opening the file and reading every row (``to_python``), nothing else;
- import: ``jixiao import registry FILE`` into a fresh embedded SQLite database (a new JIXIAO_HOME),
  everything included (validation, the reader process, writing, commit);
- with ``--postgres URL``: the same import into a fresh database on that PostgreSQL server.
Peak memory is the largest sum of the resident sizes of the process and its children, sampled
every 50 ms. Goals: import ≤ 2 × the bare read (median against median); peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

RATIO_GOAL = 2.0
MEMORY_GOAL_MB = 2048


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def measure(command: list[str], env: dict, *, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """(seconds, peak MB of the process tree, output) of one run; an exit status outside ``ok_codes`` stops the bench."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output = process.stdout.read()
    if process.returncode not in ok_codes:
        raise SystemExit(f"命令失败（{process.returncode}）：{' '.join(command)}\n{output}")
    return seconds, peak, output.strip()


BARE_READ = ("import sys; from python_calamine import CalamineWorkbook; "
             "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python(); print(len(rows) - 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=2, help="repetitions of each measurement (default 2)")
    parser.add_argument("--postgres", help="postgresql://… of a server to import into as well")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "jixiao-bench"))
    args = parser.parse_args()

    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    source = cache / f"registry-{args.rows}.xlsx"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    if not source.is_file():
        print(f"生成 {args.rows} 行虚构名册 {source} ……", flush=True)
        seconds, _, _ = measure([sys.executable, "-m", "jixiao", "synth", "registry", "--n", str(args.rows),
                                 "--seed", "2026", "--out", str(source)], base_env)
        print(f"  用时 {seconds:.1f} s", flush=True)
    print(f"文件：{source.name}，{source.stat().st_size / 1e6:.1f} MB，{args.rows} 行")
    print(f"机器：{os.cpu_count()} 核，{platform.machine()}，Python {platform.python_version()}", flush=True)

    bare, imports, pg = [], [], []
    for rep in range(args.reps):
        seconds, peak, out = measure([sys.executable, "-c", BARE_READ, str(source)], base_env)
        assert int(out) == args.rows, out
        bare.append((seconds, peak))
        print(f"[{rep + 1}] 裸读（python-calamine）: {seconds:.2f} s，峰值内存 {peak:.0f} MB", flush=True)
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-home-") as home:
            env = {**base_env, "JIXIAO_HOME": home}
            subprocess.run([sys.executable, "-m", "jixiao", "migrate"], env=env, check=True, capture_output=True)
            seconds, peak, out = measure([sys.executable, "-m", "jixiao", "import", "registry", str(source),
                                          "--errors", os.path.join(home, "errors")], env)
            assert f"新增 {args.rows}" in out, out
            imports.append((seconds, peak))
            print(f"[{rep + 1}] 导入 SQLite: {seconds:.2f} s，峰值内存 {peak:.0f} MB", flush=True)
        if args.postgres:
            import psycopg

            name = f"jixiao_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            try:
                url = urlparse(args.postgres)._replace(path=f"/{name}").geturl()
                with tempfile.TemporaryDirectory(prefix="jixiao-bench-home-") as home:
                    env = {**base_env, "JIXIAO_HOME": home, "JIXIAO_DATABASE_URL": url}
                    subprocess.run([sys.executable, "-m", "jixiao", "migrate"], env=env, check=True, capture_output=True)
                    seconds, peak, out = measure([sys.executable, "-m", "jixiao", "import", "registry", str(source),
                                                  "--errors", os.path.join(home, "errors")], env)
                    assert f"新增 {args.rows}" in out, out
                    pg.append((seconds, peak))
                    print(f"[{rep + 1}] 导入 PostgreSQL: {seconds:.2f} s，峰值内存 {peak:.0f} MB", flush=True)
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    bare_s = statistics.median(s for s, _ in bare)
    import_s = statistics.median(s for s, _ in imports)
    peak = max(p for _, p in imports)
    print()
    print("| step | median | min | peak memory |")
    print("|---|---|---|---|")
    print(f"| bare read (python-calamine `to_python`) | {bare_s:.2f} s | {min(s for s, _ in bare):.2f} s | "
          f"{max(p for _, p in bare):.0f} MB |")
    print(f"| `jixiao import registry` → SQLite | {import_s:.2f} s | {min(s for s, _ in imports):.2f} s | {peak:.0f} MB |")
    if pg:
        print(f"| `jixiao import registry` → PostgreSQL | {statistics.median(s for s, _ in pg):.2f} s | "
              f"{min(s for s, _ in pg):.2f} s | {max(p for _, p in pg):.0f} MB |")
    ratio = import_s / bare_s
    print()
    print(f"import / bare read = {ratio:.2f}（目标 ≤ {RATIO_GOAL}）：{'达到' if ratio <= RATIO_GOAL else '未达到'}")
    print(f"峰值内存 {peak:.0f} MB（目标 < {MEMORY_GOAL_MB} MB）：{'达到' if peak < MEMORY_GOAL_MB else '未达到'}")


if __name__ == "__main__":
    main()
