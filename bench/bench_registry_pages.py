"""Load benchmark of the registry pages: python -m bench.bench_registry_pages [--persons N] [--clients C] [--home DIR]

A private JIXIAO_HOME (SQLite) gets N invented persons (default 1,000,000; ``jixiao.registry.synth``,
seed 2026, written as CSV and imported once with ``registry_import``; with --home the folder is kept
and reused) and two logins: a 市级 user on 530100 (sees every person) and a 县级 user on 530125.
``python -m jixiao serve`` runs on a free loopback port; C client threads (default 20), each with its
own sessions and keep-alive connection, request in a closed loop — the load generator of
``bench/bench_serve.py``, reused. Each page gets a warm-up (not recorded), then --duration seconds
of recorded latencies. Pages: the 市级 list; a name search (a random two-character name beginning
per request: 6,000 different searches, so their counts are mostly not cached yet); the list filtered
by a random county and level; a deep page (``?after=<a random person>``: keyset, no OFFSET); the 县级
list. Baseline in the same run: ``/healthz`` (a trivial view through the same server and middleware,
session cookie sent).
Goal: p95 < 200 ms for every registry page with 20 clients.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.bench_serve import (
    PASSWORD,
    ROLE_LABELS,
    STOP,
    Client,
    Target,
    free_port,
    goal_lines,
    machine_lines,
    run_target,
    start_server,
    stop_server,
    table,
    wait_healthy,
    wait_quiet,
)

GOAL_P95_MS = 200.0
SEED = 2026
CITY_USER, CITY_REGION = "bench_city", "530100"
COUNTY_USER, COUNTY_REGION = "bench_county", "530125"
MARKER = "bench-registry-pages.json"  # in the data folder: what was generated, so --home can reuse it
SAMPLE_PKS = 5000  # persons whose pks the deep-page requests start after


def prepare_data(home: Path, persons: int) -> dict:
    """Generate (or reuse) the data folder; returns what the load needs. JIXIAO_HOME is set before Django
    is imported; the database connection is closed before the server starts."""
    marker = home / MARKER
    if marker.is_file():
        meta = json.loads(marker.read_text(encoding="utf-8"))
        if meta["persons"] == persons:
            meta["reused"] = True
            return meta
        raise SystemExit(f"{home} 已有 {meta['persons']} 人的数据，与 --persons {persons} 不符：请换一个目录")
    os.environ["JIXIAO_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jixiao.settings"
    from jixiao.bootstrap import setup_django

    setup_django(migrate=True)
    from django.db import connections

    from jixiao.accounts.roles import Role
    from jixiao.accounts.services import user_create
    from jixiao.regions.models import Region
    from jixiao.registry.importer import registry_import
    from jixiao.registry.models import Person
    from jixiao.registry.synth import write_registry

    started = time.perf_counter()
    source = write_registry(home / f"registry-{persons}.csv", persons, SEED)
    written = time.perf_counter() - started
    started = time.perf_counter()
    result = registry_import(source, actor=None, errors_path=home / "errors")
    imported = time.perf_counter() - started
    source.unlink()
    if result.created != persons:
        raise SystemExit(f"导入了 {result.created} 人，应为 {persons}：{result.summary()}")
    city, county = Region.objects.get(code=CITY_REGION), Region.objects.get(code=COUNTY_REGION)
    user_create(actor=None, username=CITY_USER, password=PASSWORD, role=Role.CITY, region=city, check_password=False)
    user_create(actor=None, username=COUNTY_USER, password=PASSWORD, role=Role.COUNTY, region=county,
                check_password=False)
    rng = random.Random(SEED)
    last = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    # persons live in villages: a county counts when its subtree holds someone
    counties = [pk for pk, path in Region.objects.filter(level__in=["county", "zone"]).order_by("pk")
                .values_list("pk", "path") if Person.objects.filter(region__path__startswith=path).exists()]
    meta = {
        "persons": persons,
        "seed": SEED,
        "write_s": round(written, 1),
        "import_s": round(imported, 1),
        "sample_pks": sorted(rng.sample(range(1, last + 1), min(SAMPLE_PKS, last))),
        "county_ids": counties,
        "county_persons": Person.objects.filter(region__path__startswith=county.path).count(),
    }
    connections.close_all()
    db = home / "jixiao.sqlite3"
    meta["db_bytes"] = db.stat().st_size if db.exists() else 0
    marker.write_text(json.dumps(meta), encoding="utf-8")
    meta["reused"] = False
    return meta


def name_beginnings() -> list[str]:
    """Surname + first given character of the invented names: what a user types to find someone."""
    from jixiao.registry import synth

    return [s + g for s in synth._SURNAMES for g in synth._GIVEN]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000, help="invented persons (default 1,000,000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds per page first (default 2)")
    parser.add_argument("--workers", type=int, help="passed to jixiao serve (default: its own default)")
    parser.add_argument("--home", type=Path, help="data folder to use and keep; reused if it already holds the same "
                                                  "number of persons (skips generation and import)")
    parser.add_argument("--quiet-wait", type=float, default=0.0, metavar="S",
                        help="before each page wait up to S seconds for other load on the machine to stop (default 0)")
    parser.add_argument("--only", help="comma-separated labels of the pages to run, as printed in the table")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="jixiao-bench-registry-pages-"))
    home.mkdir(parents=True, exist_ok=True)
    home = home.resolve()
    proc = None

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        for line in machine_lines():
            print(line)
        print(f"数据目录 / data: {home} (SQLite)")
        meta = prepare_data(home, args.persons)
        if meta["reused"]:
            print(f"数据: 复用已有的 {meta['persons']} 个虚构人员（早先一次运行生成：写 CSV {meta['write_s']} s，"
                  f"导入 {meta['import_s']} s）")
        else:
            print(f"数据: 生成 {meta['persons']} 个虚构人员（种子 {meta['seed']}）：写 CSV {meta['write_s']} s，"
                  f"导入 {meta['import_s']} s，数据库 {meta['db_bytes'] / 2**20:.0f} MiB")
        print(f"  县级用户 {COUNTY_REGION} 可见 {meta['county_persons']} 人；市级用户可见全部")
        from jixiao.server import default_workers

        workers = args.workers or default_workers()
        # the server runs in the data folder: it must import this checkout's jixiao, not an installed one
        repo = str(Path(__file__).resolve().parents[1])
        os.environ["PYTHONPATH"] = os.pathsep.join([repo, *filter(None, [os.environ.get("PYTHONPATH")])])
        port = free_port()
        log_path = home / "bench-registry-pages-server.log"
        proc, cmd = start_server(home, port, args.workers, None, log_path)
        ready = wait_healthy(proc, port, log_path)
        print(f"服务器 / server: {' '.join(['python', *cmd[1:]])}；gunicorn sync, workers {workers}"
              f"{'' if args.workers else ' (默认)'}；就绪用时 {ready:.1f} s")

        clients = [Client(port) for _ in range(args.clients)]
        sessions: dict[str, list] = {"city": [None] * args.clients, "county": [None] * args.clients}

        def login_all(i: int) -> None:
            sessions["city"][i] = clients[i].login(CITY_USER)
            sessions["county"][i] = clients[i].login(COUNTY_USER)

        login_threads = [threading.Thread(target=login_all, args=(i,)) for i in range(args.clients)]
        for t in login_threads:
            t.start()
        for t in login_threads:
            t.join()
        if any(s is None for role in sessions.values() for s in role):
            raise SystemExit("登录失败（见上方错误）")

        beginnings = name_beginnings()
        pks, counties = meta["sample_pks"], meta["county_ids"]
        targets = [
            Target("/healthz", "city", "/healthz", goal=False, baseline=True),
            Target("/registry/", "city", "/registry/", goal=True),
            Target("/registry/?q=<姓名开头两字>", "city",
                   lambda rng: "/registry/?" + urllib.parse.urlencode({"q": rng.choice(beginnings)}), goal=True),
            Target("/registry/?region=<县>&level=<等级>", "city",
                   lambda rng: f"/registry/?region={rng.choice(counties)}&level={rng.randint(1, 4)}", goal=True),
            Target("/registry/?after=<随机一人>", "city", lambda rng: f"/registry/?after={rng.choice(pks)}", goal=True),
            Target("/registry/", "county", "/registry/", goal=True),
        ]
        if args.only:
            wanted = {w.strip() for w in args.only.split(",") if w.strip()}
            targets = [t for t in targets if t.label in wanted]
        print(f"负载 / load: {args.clients} 个并发客户端（线程，各自 keep-alive 连接），闭环无停顿；每页预热 {args.warmup:g} s"
              f" 后计时 {args.duration:g} s；姓名开头 {len(beginnings)} 种、县 {len(counties)} 个 × 等级 4 种、"
              f"深页起点 {len(pks)} 人中随机")
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        results, waited = [], 0.0
        for target in targets:
            if args.quiet_wait:
                waited += wait_quiet(args.quiet_wait)
            result = run_target(target, clients, sessions, args.warmup, args.duration, proc.pid)
            results.append(result)
            print(f"  {target.label}（{ROLE_LABELS[target.role]}）: n={len(result.latencies)} p50 {result.pct(50):.1f} ms "
                  f"p95 {result.pct(95):.1f} ms, {result.bytes_per_response} B, 状态 {result.statuses}", flush=True)
        print()
        for line in table(results):
            print(line)
        print()
        print(f"负载开始前 loadavg: {' '.join(load_before)}"
              + (f"；各页开始前等待机器空闲共 {waited:.0f} s（--quiet-wait {args.quiet_wait:g}）" if args.quiet_wait else ""))
        for line in goal_lines(results, GOAL_P95_MS):
            print(line)
    except KeyboardInterrupt:
        STOP.set()
        print("\n已中断", file=sys.stderr)
        sys.exit(130)
    finally:
        STOP.set()
        stop_server(proc)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
