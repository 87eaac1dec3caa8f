"""`jixiao serve`: the web workbench under a production WSGI server (gunicorn), static files by
WhiteNoise. Before starting it migrates, refuses unsafe production settings and, with --demo,
loads the demo on first start."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def ensure_secret_key_file(home: Path) -> None:
    """A random key kept in the data folder (0600), so a laptop install never runs on a default key."""
    if os.environ.get("JIXIAO_SECRET_KEY"):
        return
    path = home / "secret_key"
    if path.is_file() and path.read_text(encoding="ascii").strip():
        return
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(64))


def settings_problems() -> list[str]:
    """Errors of Django's system checks (our production check among them), as printable lines."""
    from django.core import checks

    errors = [m for m in checks.run_checks(include_deployment_checks=False) if m.level >= checks.ERROR]
    return [f"{m.id}：{m.msg}" for m in errors]


def default_workers() -> int:
    """2 × cores + 1 (gunicorn's rule), at most 17: while one process waits for LibreOffice the others serve."""
    return min(17, (os.cpu_count() or 1) * 2 + 1)


def run_gunicorn(host: str, port: int, *, workers: int, threads: int = 1, keepalive: int = 2) -> None:
    """Single-threaded ("sync") processes by default; ``threads`` > 1 gives gunicorn's threaded workers.

    Measured (docs/benchmarks.md, 20 clients, 2 cores): the pages are CPU-bound. Sync processes take
    each request from the shared listening socket when free, so waits are first come, first served:
    p95 ≈ 1.3 × p50. Threaded workers keep each keep-alive connection with the process that accepted
    it; the processes' loads then differ and p95 was 2–4 × p50 (more than 200 ms on the list pages)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from jixiao.wsgi import application

    connections.close_all()  # workers are forked: none may inherit the master's database connection

    class _Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                # A sync process is silent while it answers: a large registry export may take minutes.
                "timeout": 600,
                "keepalive": keepalive,
                "graceful_timeout": 10,
                "accesslog": "-",
                # Path only, never the query string: a search box may hold an ID number.
                "access_log_format": '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
                "proc_name": "jixiao",
                "control_socket_disable": True,  # no socket in the user's home; stop with Ctrl+C or a signal
                # gunicorn would believe X-Forwarded-Proto from 127.0.0.1 by itself; Django decides
                # instead, and only with JIXIAO_TRUSTED_PROXY (settings.SECURE_PROXY_SSL_HEADER).
                "forwarded_allow_ips": "",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    _Server().run()


def serve(*, host: str, port: int, demo: bool, workers: int | None, threads: int = 1, keepalive: int = 2,
          job_worker: bool = True) -> int:
    import jixiao.settings
    from jixiao.bootstrap import data_home_make_private, setup_django
    from jixiao.common.private import use_private_umask
    from jixiao.settings import JIXIAO_HOME

    use_private_umask()
    data_home_make_private()
    ensure_secret_key_file(JIXIAO_HOME)
    jixiao.settings.SECRET_KEY = jixiao.settings._secret_key()  # the settings were read before the file existed
    setup_django(migrate=True)
    problems = settings_problems()
    if problems:
        print("设置有误，拒绝启动：", file=sys.stderr)
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
        return 2
    from django.conf import settings

    from jixiao.common.uploads import uploads_purge_expired
    from jixiao.indicators.services import indicator_templates_sync_builtin

    uploads_purge_expired()  # upload and import folders past their retention period

    indicator_templates_sync_builtin()
    url_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{url_host}:{port}/"
    if demo:
        from jixiao.demo.workbench import DEMO_PASSWORD, demo_is_loaded, demo_workbench_setup

        first = not demo_is_loaded()
        if first:
            print("首次启动演示：正在载入种子项目 001、002 和虚构的县区项目、演示账号……", flush=True)
        logins = demo_workbench_setup(Path(JIXIAO_HOME) / "demo-output")
        print(f"\n绩效 jixiao 工作台：{url}", flush=True)
        print(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示）：")
        for login in logins:
            print(f"  {login.username:<14}{login.note}")
    else:
        print(f"\n绩效 jixiao 工作台：{url}")
        print("创建管理员账号：jixiao createadmin 用户名（之后在“系统管理”中添加各级用户）")
    print(f"数据库：{settings.DATABASES['default']['NAME']}；按 Ctrl+C 停止。\n", flush=True)
    jobs = None
    if job_worker:  # background jobs (registry imports …): a `jixiao worker` beside gunicorn, stopped with it
        from jixiao.jobs.worker import WorkerProcess

        jobs = WorkerProcess.start()
        print(f"后台任务：已启动 jixiao worker（进程号 {jobs.process.pid}）", flush=True)
    try:
        run_gunicorn(host, port, workers=workers or default_workers(), threads=threads, keepalive=keepalive)
    finally:
        if jobs is not None:
            jobs.stop()
    return 0
