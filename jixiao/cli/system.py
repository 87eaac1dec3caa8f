"""`jixiao serve / createadmin / migrate`: running the workbench and looking after its database."""

from __future__ import annotations

import getpass
import os
import sys

from jixiao import bootstrap


def cmd_migrate(args) -> int:
    bootstrap.data_home_make_private()
    bootstrap.setup_django(migrate=True)
    from django.conf import settings

    from jixiao.indicators.services import indicator_templates_sync_builtin

    indicator_templates_sync_builtin()  # refresh shipped templates after an upgrade

    print(f"数据库已就绪：{settings.DATABASES['default']['NAME']}")
    return 0


def cmd_serve(args) -> int:
    from jixiao.server import serve

    return serve(host=args.host, port=args.port, demo=args.demo, workers=args.workers, threads=args.threads,
                 keepalive=args.keepalive, job_worker=not args.no_worker)


def cmd_createadmin(args) -> int:
    """A 系统管理员 login; the password is asked twice and checked by Django's validators."""
    bootstrap.setup_django(migrate=True)
    from jixiao.accounts.roles import Role
    from jixiao.accounts.services import AccountError, user_create

    password = os.environ.get("JIXIAO_ADMIN_PASSWORD") or getpass.getpass("密码：")
    if not os.environ.get("JIXIAO_ADMIN_PASSWORD") and getpass.getpass("再次输入密码：") != password:
        print("两次输入的密码不一致", file=sys.stderr)
        return 1
    try:
        user_create(actor=None, username=args.username, password=password, role=Role.ADMIN)
    except AccountError as exc:
        print(f"未创建：{exc}", file=sys.stderr)
        return 1
    print(f"已创建系统管理员“{args.username}”")
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="启动网页工作台（生产级 WSGI 服务器 gunicorn）")
    p.add_argument("--demo", action="store_true", help="首次启动时载入演示项目和各角色的演示账号，并打印登录信息")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务器用 0.0.0.0）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--workers", type=int, default=None, help="工作进程数（默认 CPU 核数 × 2 + 1）")
    p.add_argument("--threads", type=int, default=1,
                   help="每个进程的线程数（默认 1：单线程进程，请求先到先服务，实测负载下延迟最均衡）")
    p.add_argument("--keepalive", type=int, default=2,
                   help="连接保持秒数（仅 --threads 大于 1 时有效，默认 2；单线程进程每个请求后关闭连接）")
    p.add_argument("--no-worker", action="store_true",
                   help="不启动后台任务的工作进程（已在别处运行 jixiao worker 时）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("createadmin", help="创建系统管理员账号（交互输入密码）")
    p.add_argument("username")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("migrate", help="创建或升级数据库（默认 SQLite，设置 JIXIAO_DATABASE_URL 使用 PostgreSQL）")
    p.set_defaults(func=cmd_migrate)
