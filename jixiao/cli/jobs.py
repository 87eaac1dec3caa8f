"""`jixiao worker`: the process that runs background jobs (registry imports started on the web
page or through the API …). `jixiao serve` starts one itself; run this one where the server does not
(another terminal, a systemd service, another machine sharing the database and JIXIAO_HOME)."""

from __future__ import annotations

import sys

from jixiao import bootstrap


def cmd_worker(args) -> int:
    bootstrap.setup_django(migrate=True)
    from jixiao.jobs.worker import backend_problem, jobs_run_queued, supervise

    if args.batch:
        problem = backend_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 2
        from jixiao.jobs.services import jobs_reap_orphans

        jobs_reap_orphans()
        jobs_run_queued()
        return 0
    return supervise(interval=args.interval)


def register(sub) -> None:
    p = sub.add_parser("worker", help="运行后台任务（网页或 API 发起的名册导入等）；jixiao serve 已自带一个")
    p.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔多少秒查看一次（默认 1）")
    p.add_argument("--batch", action="store_true", help="运行完队列中已有的任务后退出（不常驻）")
    p.set_defaults(func=cmd_worker)
