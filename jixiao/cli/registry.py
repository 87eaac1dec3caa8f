"""`jixiao import registry`: the registry of certified persons from a file."""

from __future__ import annotations

import argparse
import sys

from jixiao.cli import common


def cmd_import(args) -> int:
    """`jixiao import registry FILE`: 0 all rows imported, 1 some rejected, 2 file unusable."""
    from pathlib import Path as _Path

    from jixiao.registry.sources import FileUnreadable

    if not _Path(args.file).is_file():
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 2
    common.setup_django(migrate=True)
    from django.contrib.auth import get_user_model

    from jixiao.registry.importer import progress_file_writer, registry_import

    actor = None  # the command line without --actor: the administrator's tool, every region
    if args.actor:
        from jixiao.accounts.selectors import user_scope
        from jixiao.registry.selectors import may_import

        actor = get_user_model().objects.filter(username=args.actor).first()
        if actor is None:
            print(f"没有用户“{args.actor}”", file=sys.stderr)
            return 2
        if not may_import(actor):
            print(f"用户“{args.actor}”（{user_scope(actor).role_label}）不能导入名册", file=sys.stderr)
            return 2
    progress = progress_file_writer(_Path(args.progress)) if args.progress else None
    try:
        # the actor's region limits what the rows may create or change (registry_import derives it)
        result = registry_import(args.file, actor=actor, dry_run=args.dry_run, strict=args.strict,
                                 errors_path=args.errors, progress=progress)
    except FileUnreadable as exc:
        print(f"无法导入：{exc}", file=sys.stderr)
        if args.remove_source:
            _Path(args.file).unlink(missing_ok=True)
        if args.progress:
            import json

            _Path(args.progress).with_suffix(".result.json").write_text(
                json.dumps({"failure": f"无法导入：{exc}", "exit": 2}, ensure_ascii=False), encoding="utf-8")
        return 2
    print(result.summary())
    if result.error_files:
        print(f"{result.problems} 个问题（{result.rejected} 行被拒绝），错误报告：{'、'.join(str(p) for p in result.error_files)}")
    if args.remove_source:  # a copy of personal data the web page saved for this run: not kept
        _Path(args.file).unlink(missing_ok=True)
    if args.progress:
        import json

        _Path(args.progress).with_suffix(".result.json").write_text(json.dumps({
            "summary": result.summary(), "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "rejected": result.rejected, "committed": result.committed,
            "error_files": [str(p) for p in result.error_files], "exit": result.exit_status,
        }, ensure_ascii=False), encoding="utf-8")
    return result.exit_status


def register(sub) -> None:
    p = sub.add_parser("import", help="导入名册：jixiao import registry 文件（.xlsx、.xls、.csv）")
    p.add_argument("kind", choices=["registry"], help="registry：残疾人证登记名册")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只校验（含与登记库比对），不写入")
    p.add_argument("--strict", action="store_true", help="有任何一行被拒绝就全部不导入")
    p.add_argument("--errors", help="错误报告路径（生成 路径.csv 和 路径.xlsx；默认在名册旁边）")
    p.add_argument("--actor", help="以该用户的身份和辖区导入：只能新增、更改登记在其辖区内且新户籍地也在其辖区内的人员"
                                   "（网页导入使用）；不给出时为命令行（系统管理员的工具），不限辖区")
    p.add_argument("--progress", help=argparse.SUPPRESS)  # written by the web page's background import
    p.add_argument("--remove-source", action="store_true", help=argparse.SUPPRESS)  # the web job's private copy
    p.set_defaults(func=cmd_import)
