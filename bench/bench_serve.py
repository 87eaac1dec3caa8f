"""Load benchmark of the web workbench: python -m bench.bench_serve [--projects N] [--clients C] [--duration S]

A private JIXIAO_HOME (SQLite) is filled with N synthetic county projects (``synth_projects_store``,
default 2,000) and two logins: a 市级 user on 530100 (sees every project: the heaviest dashboard)
and a 县级 user on 530125. ``python -m jixiao serve`` (gunicorn; its default workers/threads
unless --workers/--threads) is started on a free loopback port as a subprocess; this process is
the load generator: C client threads (default 20), each with its own logged-in sessions and one
keep-alive ``http.client`` connection (re-opened when the server closes it, as sync workers do), in
a closed loop (next request as soon as the answer is
read). Every URL is run for a warm-up (not recorded), then for --duration seconds, recording
every latency. Baselines in the same run: ``/healthz`` (a trivial view through the same server
and middleware, session cookie sent) and a vendored static file (WhiteNoise).
Goal: p95 < 200 ms for the dashboard, the project list (plain and filtered/searched) and the
project detail page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

GOAL_P95_MS = 200.0
SEED = 1
PASSWORD = "bench-serve-口令-2024"
CITY_USER, CITY_REGION = "bench_city", "530100"
COUNTY_USER, COUNTY_REGION = "bench_county", "530125"
MARKER = "bench-serve.json"  # in the data folder: what was generated, so --home can reuse it
STATIC_PATH = "/static/vendor/pico/pico.min.css"
HOST = "127.0.0.1"
ROLE_LABELS = {"city": "市级", "county": "县级", "": "—"}
STOP = threading.Event()  # set on Ctrl+C / SIGTERM: client threads stop quietly before the server goes


# ---- data ------------------------------------------------------------------------------------

def prepare_data(home: Path, projects: int) -> dict:
    """Generate (or reuse) the data folder; returns what the load needs (ids, regions, timing).

    Runs in this process: JIXIAO_HOME is set before Django is imported, and the database
    connection is closed again before the server starts."""
    marker = home / MARKER
    if marker.is_file():
        meta = json.loads(marker.read_text(encoding="utf-8"))
        if meta["projects"] == projects:
            meta["reused"] = True
            return meta
        raise SystemExit(f"{home} 已有 {meta['projects']} 个项目的数据，与 --projects {projects} 不符：请换一个目录")
    os.environ["JIXIAO_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jixiao.settings"
    from jixiao.bootstrap import setup_django

    started = time.perf_counter()
    setup_django(migrate=True)
    migrated = time.perf_counter() - started

    from django.db import connections

    from jixiao.accounts.roles import Role
    from jixiao.accounts.services import user_create
    from jixiao.demo.synth_projects import synth_projects_store
    from jixiao.projects.models import Project
    from jixiao.regions.models import Region

    started = time.perf_counter()
    stored = synth_projects_store(projects, SEED)
    generated = time.perf_counter() - started
    city = Region.objects.get(code=CITY_REGION)
    county = Region.objects.get(code=COUNTY_REGION)
    user_create(actor=None, username=CITY_USER, password=PASSWORD, role=Role.CITY, region=city, check_password=False)
    user_create(actor=None, username=COUNTY_USER, password=PASSWORD, role=Role.COUNTY, region=county,
                check_password=False)
    meta = {
        "projects": stored,
        "seed": SEED,
        "migrate_s": round(migrated, 2),
        "generate_s": round(generated, 2),
        "project_ids": list(Project.objects.order_by("pk").values_list("pk", flat=True)),
        "county_projects": Project.objects.filter(region__path__startswith=county.path).count(),
        "county_region_id": county.pk,
        "db_bytes": 0,
    }
    connections.close_all()
    db = home / "jixiao.sqlite3"
    meta["db_bytes"] = db.stat().st_size if db.exists() else 0
    marker.write_text(json.dumps(meta), encoding="utf-8")
    meta["reused"] = False
    return meta


# ---- server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, workers: int | None, threads: int | None, log_path: Path,
                 settings: str = "jixiao.settings", keepalive: int | None = None):
    env = dict(os.environ, JIXIAO_HOME=str(home), DJANGO_SETTINGS_MODULE=settings)
    for key in ("JIXIAO_DATABASE_URL", "JIXIAO_SQLITE_PATH", "JIXIAO_DEBUG", "JIXIAO_PRODUCTION"):
        env.pop(key, None)
    cmd = [sys.executable, "-m", "jixiao", "serve", "--host", HOST, "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    if keepalive is not None:
        cmd += ["--keepalive", str(keepalive)]
    log = log_path.open("wb")
    # Own process group: the whole server (master and workers) is stopped by its group id.
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            cwd=str(home))
    log.close()
    return proc, cmd


def stop_server(proc) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def wait_healthy(proc, port: int, log_path: Path, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"服务器已退出（{proc.returncode}）：\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return time.perf_counter() - started
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"服务器 {timeout:.0f} 秒内未就绪：\n{log_path.read_text(errors='replace')[-3000:]}")


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every live process in the server's process group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[2]) == pgid:  # fields[0] is the state; pgrp is the 5th field of stat
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine have used (user, nice, system, irq, softirq, steal)."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit_s: float, cores: float = 0.25) -> float:
    """Wait (at most ``limit_s``) until the machine has been nearly idle for 2 s: the server and the
    clients are idle between URLs, so what is busy then is someone else. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = machine_busy_seconds()
        time.sleep(2.0)
        if (machine_busy_seconds() - before) / 2.0 < cores:
            break
    return time.perf_counter() - started


# ---- clients ---------------------------------------------------------------------------------

class Client:
    """One simulated user agent: one keep-alive connection, its own cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                elapsed = time.perf_counter() - started
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionResetError,
                    BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once, time the retry only.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            for raw in resp.headers.get_all("Set-Cookie") or ():
                jar = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            if resp.will_close:
                self.conn.close()
                self.conn = None
            return resp.status, data, elapsed, resp
        raise AssertionError("unreachable")

    def _headers(self, cookies: dict[str, str]) -> dict[str, str]:
        headers = {"User-Agent": "jixiao-bench-serve", "Accept": "text/html"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return headers

    def get(self, path: str, cookies: dict[str, str] | None = None):
        return self._send("GET", path, None, self._headers(self.cookies if cookies is None else cookies))

    def login(self, username: str) -> dict[str, str]:
        """GET /login/ (CSRF cookie and token), POST the credentials; returns the session's cookies."""
        self.cookies = {}
        status, page, _, _ = self.get("/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise SystemExit(f"登录页异常：{status}")
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "next": "/",
                                       "csrfmiddlewaretoken": match.group(1).decode()}).encode()
        headers = self._headers(self.cookies)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, _, _, resp = self._send("POST", "/login/", body, headers)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} 登录失败：HTTP {status}")
        return dict(self.cookies)


@dataclass
class Target:
    label: str  # what is shown in the table
    role: str  # "city", "county" or "" (no login needed)
    paths: object  # a str, or a callable(rng) -> str
    goal: bool  # counts for the p95 goal
    baseline: bool = False

    def path(self, rng: random.Random) -> str:
        return self.paths(rng) if callable(self.paths) else self.paths


@dataclass
class Result:
    target: Target
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    bytes_per_response: int = 0
    window_s: float = 0.0
    server_cpu: float = 0.0  # cores busy on average
    client_cpu: float = 0.0  # share of one core used by this load-generator process
    other_cpu: float = 0.0  # cores busy with anything else on the machine (should be ~0)
    server_cpu_s: float = 0.0  # server CPU seconds in the measured window

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per answered request: what a page costs, whatever the concurrency."""
        answered = len(self.latencies) + self.errors
        return self.server_cpu_s * 1000 / answered if answered else float("nan")

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
        return ordered[int(rank) - 1] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.window_s if self.window_s else 0.0


def run_target(target: Target, clients: list[Client], sessions: dict[str, list[dict]], warmup: float,
               duration: float, server_pgid: int, think: float = 0.0) -> Result:
    result = Result(target)
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    times: dict[str, float] = {}

    def work(index: int, client: Client) -> None:
        rng = random.Random(index * 7919 + len(target.label))
        cookies = sessions[target.role][index] if target.role else {}
        mine: list[float] = []
        errors, statuses, size = 0, {}, 0
        barrier.wait()
        measure_from, end = times["measure_from"], times["end"]
        last_finish = measure_from
        while True:
            now = time.perf_counter()
            if now >= end:
                break
            if STOP.is_set():
                return
            try:
                status, data, elapsed, _ = client.get(target.path(rng), cookies)
            except (OSError, http.client.HTTPException):
                if STOP.is_set():
                    return
                status, data, elapsed = 0, b"", 0.0  # counted as an error (status 0 = no answer)
                client.conn = None
            statuses[status] = statuses.get(status, 0) + 1
            if now >= measure_from:
                if status == 200:
                    mine.append(elapsed)
                    size = len(data)
                else:
                    errors += 1
                last_finish = time.perf_counter()
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))
        with lock:
            result.latencies.extend(mine)
            result.errors += errors
            for k, v in statuses.items():
                result.statuses[k] = result.statuses.get(k, 0) + v
            result.bytes_per_response = result.bytes_per_response or size
            times["last_finish"] = max(times.get("last_finish", 0.0), last_finish)

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    times["measure_from"] = start + warmup
    times["end"] = start + warmup + duration
    barrier.wait()
    time.sleep(max(0.0, times["measure_from"] - time.perf_counter()))
    cpu0, ru0 = group_cpu_seconds(server_pgid), resource.getrusage(resource.RUSAGE_SELF)
    busy0 = machine_busy_seconds()
    wall0 = time.perf_counter()
    for t in threads:
        t.join()
    cpu1, ru1 = group_cpu_seconds(server_pgid), resource.getrusage(resource.RUSAGE_SELF)
    busy1 = machine_busy_seconds()
    wall = time.perf_counter() - wall0
    result.window_s = max(1e-9, times.get("last_finish", times["end"]) - times["measure_from"])
    result.server_cpu_s = cpu1 - cpu0
    result.server_cpu = (cpu1 - cpu0) / wall
    result.client_cpu = ((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)) / wall
    result.other_cpu = max(0.0, (busy1 - busy0) / wall - result.server_cpu - result.client_cpu)
    return result


# ---- report ----------------------------------------------------------------------------------

def machine_lines() -> list[str]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import django
    import gunicorn

    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"机器 / machine: {model}, nproc {nproc}, {platform.system()} {platform.machine()}",
        f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}, "
        f"SQLite {sqlite3.sqlite_version}",
    ]


def table(results: list[Result]) -> list[str]:
    lines = [
        "| URL | 用户 | requests | errors | p50 ms | p95 ms | max ms | req/s | server CPU ms/req "
        "| server CPU | client CPU | other CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        label = f"{r.target.label}（基线）" if r.target.baseline else r.target.label
        lines.append(
            f"| {label} | {ROLE_LABELS[r.target.role]} | {len(r.latencies)} | {r.errors} | {r.pct(50):.1f} | "
            f"{r.pct(95):.1f} | {max(r.latencies, default=0) * 1000:.1f} | {r.rate:.1f} | "
            f"{r.cpu_ms_per_request:.1f} | {r.server_cpu:.2f} | {r.client_cpu:.2f} | {r.other_cpu:.2f} |"
        )
    return lines


def goal_lines(results, goal_ms: float) -> list[str]:
    """Each goal page's p95 against the goal (an error counts as missed), then the total."""
    goal_rows = [r for r in results if r.target.goal]
    missed = [r for r in goal_rows if not r.pct(95) < goal_ms or r.errors]
    lines = [f"目标 p95 < {goal_ms:g} ms  {r.target.label}（{ROLE_LABELS[r.target.role]}）: "
             f"{r.pct(95):.1f} ms {'未达到' if r in missed else '达到'}" for r in goal_rows]
    return [*lines, f"目标总计: {'全部达到' if not missed else f'{len(missed)} 项未达到'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000, help="synthetic projects (default 2000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per URL (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds per URL first (default 2)")
    parser.add_argument("--workers", type=int, help="passed to jixiao serve (default: its own default)")
    parser.add_argument("--threads", type=int, help="passed to jixiao serve (default: its own default)")
    parser.add_argument("--keepalive", type=int, help="passed to jixiao serve (default: its own default, 2 s)")
    parser.add_argument("--home", type=Path, help="data folder to use and keep; reused if it already holds "
                                                  "the same number of projects (skips generation)")
    parser.add_argument("--quiet-wait", type=float, default=0.0, metavar="S",
                        help="before each URL wait up to S seconds for other load on the machine to stop (default 0)")
    parser.add_argument("--settings", default="jixiao.settings",
                        help="DJANGO_SETTINGS_MODULE of the server, to try a settings change without editing the "
                             "package (the module must be importable, e.g. via PYTHONPATH)")
    parser.add_argument("--only", help="comma-separated labels of the URLs to run, as printed in the table")
    parser.add_argument("--think", type=float, default=0.0, metavar="S",
                        help="each client pauses 0.5–1.5 × S seconds after each answer (default 0: back to back)")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="jixiao-bench-serve-"))
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
        meta = prepare_data(home, args.projects)
        if meta["reused"]:
            print(f"数据: 复用已有的 {meta['projects']} 个虚构项目（生成于早先一次运行：{meta['generate_s']:.1f} s）")
        else:
            print(f"数据: 生成并存入 {meta['projects']} 个虚构项目（种子 {meta['seed']}）用时 {meta['generate_s']:.1f} s"
                  f"（迁移 {meta['migrate_s']:.1f} s），数据库 {meta['db_bytes'] / 2**20:.0f} MiB；"
                  f"县级用户 {COUNTY_REGION} 可见 {meta['county_projects']} 个")
        from jixiao.server import default_workers

        workers = args.workers or default_workers()
        threads = args.threads or 1
        port = free_port()
        log_path = home / "bench-serve-server.log"
        proc, cmd = start_server(home, port, args.workers, args.threads, log_path, args.settings, args.keepalive)
        ready = wait_healthy(proc, port, log_path)
        print(f"服务器 / server: {' '.join(['python', *cmd[1:]])}"
              + ("" if args.settings == "jixiao.settings" else f"  (DJANGO_SETTINGS_MODULE={args.settings})"))
        print(f"  gunicorn {'gthread' if threads > 1 else 'sync'}, workers {workers}{'' if args.workers else ' (默认)'},"
              f" threads {threads}{'' if args.threads else ' (默认)'} = {workers * threads} 个并发处理槽；"
              f"就绪用时 {ready:.1f} s")

        clients = [Client(port) for _ in range(args.clients)]
        started = time.perf_counter()
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
        print(f"登录: {args.clients} 个客户端 × 2 个会话（市级 {CITY_USER}、县级 {COUNTY_USER}）用时 "
              f"{time.perf_counter() - started:.1f} s")

        ids = meta["project_ids"]
        targets = [
            Target("/healthz", "city", "/healthz", goal=False, baseline=True),
            Target(STATIC_PATH, "", STATIC_PATH, goal=False, baseline=True),
            Target("/ 工作台", "city", "/", goal=True),
            Target("/ 工作台", "county", "/", goal=True),
            Target("/projects/", "city", "/projects/", goal=True),
            Target("/projects/?q=康复", "city", "/projects/?" + urllib.parse.urlencode({"q": "康复"}), goal=True),
            Target("/projects/?year=2023&region=<530125>&grade=良", "city",
                   f"/projects/?year=2023&region={meta['county_region_id']}&grade=" + urllib.parse.quote("良"),
                   goal=True),
            Target("/projects/<id>/", "city", lambda rng: f"/projects/{rng.choice(ids)}/", goal=True),
            Target("/projects/<id>/?tab=scores", "city", lambda rng: f"/projects/{rng.choice(ids)}/?tab=scores",
                   goal=False),
        ]
        if args.only:
            wanted = {w.strip() for w in args.only.split(",") if w.strip()}
            targets = [t for t in targets if t.label in wanted]
        print(f"负载 / load: {args.clients} 个并发客户端（线程，各自 http.client keep-alive 连接），闭环；"
              f"每个 URL 预热 {args.warmup:g} s 后计时 {args.duration:g} s；<id> 为 {len(ids)} 个项目中随机"
              + (f"；每次应答后停顿 {args.think * 0.5:g}–{args.think * 1.5:g} s" if args.think else "；无停顿（背靠背）"))
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        results = []
        waited = 0.0
        for target in targets:
            if args.quiet_wait:
                waited += wait_quiet(args.quiet_wait)
            result = run_target(target, clients, sessions, args.warmup, args.duration, proc.pid, args.think)
            results.append(result)
            print(f"  {target.label}（{ROLE_LABELS[target.role] if target.role else '匿名'}）: n={len(result.latencies)} "
                  f"p50 {result.pct(50):.1f} ms p95 {result.pct(95):.1f} ms, {result.bytes_per_response} B, "
                  f"状态 {result.statuses}", flush=True)
        print()
        for line in table(results):
            print(line)
        print()
        print("server CPU ms/req = 服务器进程组（gunicorn 主进程和工作进程）每个应答用的 CPU 时间；"
              f"server / client / other CPU = 测量窗口内平均占用的核数（共 {os.cpu_count()} 核）：服务器、本负载进程、"
              "机器上其他一切（other 应接近 0，否则该行数字受干扰）")
        print(f"闭环无停顿时，平均延迟 ≈ 客户端数 ÷ 吞吐量（{args.clients} 个客户端、吞吐量受 CPU 限制时约为 "
              f"{args.clients} × CPU ms/req ÷ {os.cpu_count()} 核）")
        print(f"负载开始前 loadavg: {' '.join(load_before)}"
              + (f"；各 URL 开始前等待机器空闲共 {waited:.0f} s（--quiet-wait {args.quiet_wait:g}）" if args.quiet_wait else ""))
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
