"""`jixiao import registry`: the registry of certified persons from a file."""

from __future__ import annotations

import sys

from jixiao import bootstrap


def cmd_import(args) -> int:
    """`jixiao import registry FILE`: 0 all rows imported, 1 some rejected, 2 file unusable.

    The same job function a worker runs for a web import, here in this process: a progress bar on a
    terminal (plain lines when the output is a file or a pipe), Ctrl+C rolls the import back."""
    from pathlib import Path as _Path

    if not _Path(args.file).is_file():
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 2
    bootstrap.setup_django(migrate=True)
    from django.contrib.auth import get_user_model

    from jixiao.jobs.context import TerminalContext
    from jixiao.jobs.kinds import JobFailed, kind_run
    from jixiao.registry.jobs import IMPORT

    actor = None
    if args.actor:
        actor = get_user_model().objects.filter(username=args.actor).first()
        if actor is None:
            print(f"没有用户“{args.actor}”", file=sys.stderr)
            return 2
    source = _Path(args.file)
    params = {"file": source.name, "dry_run": args.dry_run, "strict": args.strict, "errors": args.errors}
    context = TerminalContext(actor=actor, params=params, inputs={source.name: source},
                              label="校验名册" if args.dry_run else "导入名册", stream=sys.stderr)
    try:
        result = kind_run(IMPORT, context)
    except JobFailed as exc:
        print(exc.reason, file=sys.stderr)
        return exc.result.get("exit", 2)
    print(result["summary"])
    if result["error_files"]:
        print(f"{result['problems']} 个问题（{result['rejected']} 行被拒绝），错误报告：{'、'.join(result['error_files'])}")
    return result["exit"]


def register(sub) -> None:
    p = sub.add_parser("import", help="导入名册：jixiao import registry 文件（.xlsx、.xls、.csv）")
    p.add_argument("kind", choices=["registry"], help="registry：残疾人证登记名册")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只校验（含与登记库比对），不写入")
    p.add_argument("--strict", action="store_true", help="有任何一行被拒绝就全部不导入")
    p.add_argument("--errors", help="错误报告路径（生成 路径.csv 和 路径.xlsx；默认在名册旁边）")
    p.add_argument("--actor", help="以该用户的身份和辖区导入：只能新增、更改登记在其辖区内且新户籍地也在其辖区内的人员"
                                   "；不给出时为命令行（系统管理员的工具），不限辖区")
    p.set_defaults(func=cmd_import)
