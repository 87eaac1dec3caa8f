"""The ``jixiao`` command: every batch job of the system.

Exit status: 0 success, 1 invalid input (every problem printed with sheet, row and column),
2 a file or setting that cannot be used at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _setup_django(*, migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _print_problems(exc) -> None:
    print(f"发现 {len(exc.problems)} 个问题，未生成任何文件，也未写入数据库：", file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)


def cmd_template(args) -> int:
    from jixiao.evaluations.inputs import ProjectInput
    from jixiao.workbooks.writer import write_workbook

    project = None
    if args.indicators:
        from jixiao.indicators.templates import load_template

        try:
            rows = load_template(args.indicators)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        project = ProjectInput(name="", year=0, owner_unit="", template=args.indicators, indicators=rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(out, project)
    print(f"已生成空白项目工作簿：{out}")
    return 0


def _report_outputs(outputs) -> None:
    fig = outputs.figures
    print(f"{fig['project']}（{fig['year']}年）：总分 {fig['total_score']}，等级 {fig['grade']}")
    for path in outputs.files:
        print(f"  {path}")
    if outputs.pdf_skipped_reason:
        print(f"  （{outputs.pdf_skipped_reason}）")
    if outputs.evaluation_id:
        print(f"  已存入数据库（评价编号 {outputs.evaluation_id}）")


def cmd_evaluate(args) -> int:
    from jixiao.common.problems import InputInvalid
    from jixiao.evaluations.services import evaluation_from_workbook

    if not Path(args.workbook).is_file():
        print(f"找不到工作簿文件：{args.workbook}", file=sys.stderr)
        return 2
    if args.report_template and not Path(args.report_template).is_file():
        print(f"找不到报告模板：{args.report_template}", file=sys.stderr)
        return 2
    if not args.no_store:
        _setup_django(migrate=True)
    try:
        outputs = evaluation_from_workbook(args.workbook, Path(args.out), pdf=not args.no_pdf, store=not args.no_store,
                                           report_template=args.report_template)
    except InputInvalid as exc:
        _print_problems(exc)
        return 1
    _report_outputs(outputs)
    return 0


def cmd_demo(args) -> int:
    from jixiao.demo.run import demo_run

    if not args.no_store:
        _setup_django(migrate=True)
    for outputs in demo_run(Path(args.out), pdf=not args.no_pdf, store=not args.no_store):
        _report_outputs(outputs)
    return 0


def cmd_migrate(args) -> int:
    _setup_django(migrate=True)
    from django.conf import settings

    from jixiao.indicators.services import indicator_templates_sync_builtin

    indicator_templates_sync_builtin()  # refresh shipped templates after an upgrade

    print(f"数据库已就绪：{settings.DATABASES['default']['NAME']}")
    return 0


def cmd_serve(args) -> int:
    from jixiao.server import serve

    return serve(host=args.host, port=args.port, demo=args.demo, workers=args.workers, threads=args.threads,
                 keepalive=args.keepalive)


def cmd_createadmin(args) -> int:
    """A 系统管理员 login; the password is asked twice and checked by Django's validators."""
    import getpass

    _setup_django(migrate=True)
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


SYNTH_KINDS = ("projects", "registry")  # what `jixiao synth` can generate; more kinds join this tuple


def cmd_synth(args) -> int:
    if args.n < 1:
        print("--n 须为正整数", file=sys.stderr)
        return 2
    if args.kind == "registry":
        return _synth_registry(args)
    _setup_django(migrate=True)
    from django.conf import settings

    if args.kind == "projects":
        from jixiao.demo.synth_projects import synth_projects_timed

        stored, seconds = synth_projects_timed(args.n, args.seed)
        what = "虚构项目（含评价）"
    print(f"已生成并存入 {stored} 个{what}（种子 {args.seed}），用时 {seconds:.1f} 秒；"
          f"数据库：{settings.DATABASES['default']['NAME']}")
    return 0


def _synth_registry(args) -> int:
    """An invented registry file (no database): .xlsx, .csv or .parquet."""
    import time

    from jixiao.registry.synth import write_registry

    if not args.out:
        print("请用 --out 指定输出文件（.xlsx、.csv 或 .parquet）", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        path = write_registry(args.out, args.n, args.seed, encoding=args.encoding)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"已生成虚构的残疾人登记名册 {path}：{args.n} 人（种子 {args.seed}），用时 {time.perf_counter() - started:.1f} 秒"
          "（虚构数据，仅供测试和演示）")
    return 0


def cmd_import(args) -> int:
    """`jixiao import registry FILE`: 0 all rows imported, 1 some rejected, 2 file unusable."""
    from pathlib import Path as _Path

    from jixiao.registry.sources import FileUnreadable

    if not _Path(args.file).is_file():
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 2
    _setup_django(migrate=True)
    from django.contrib.auth import get_user_model

    from jixiao.registry.importer import progress_file_writer, registry_import

    actor = scope_path = None
    if args.actor:
        from jixiao.accounts.selectors import user_scope

        actor = get_user_model().objects.filter(username=args.actor).first()
        if actor is None:
            print(f"没有用户“{args.actor}”", file=sys.stderr)
            return 2
        scope = user_scope(actor)
        if not scope.sees_all:
            if not scope.manages_projects or not scope.region_path:
                print(f"用户“{args.actor}”（{scope.role_label}）不能导入名册", file=sys.stderr)
                return 2
            scope_path = scope.region_path
    progress = progress_file_writer(_Path(args.progress)) if args.progress else None
    try:
        result = registry_import(args.file, actor=actor, dry_run=args.dry_run, strict=args.strict,
                                 errors_path=args.errors, progress=progress, scope_path=scope_path)
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


def cmd_audit(args) -> int:
    """Check a report for figures that disagree with each other (0 none, 1 findings, 2 unreadable)."""
    import json

    from jixiao.audit.document import DocumentUnreadable
    from jixiao.audit.services import audit_annotate, audit_file

    try:
        report = audit_file(args.file)
    except DocumentUnreadable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.annotate:
        if Path(args.annotate).resolve() == Path(args.file).resolve():
            print("标注副本不能覆盖原报告，请另指定输出文件", file=sys.stderr)
            return 2
        try:
            out = audit_annotate(report, args.annotate)
        except OSError as exc:
            print(f"无法写入标注副本：{exc}", file=sys.stderr)
            return 2
    if args.format == "json":
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(report.as_text())
        if args.annotate:
            print(f"已生成标注副本：{out}")
    return 1 if report.findings else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description="绩效：专项资金绩效评价与自评报告")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("template", help="生成空白项目工作簿（含“说明”表、下拉选项和数字格式）")
    p.add_argument("out", help="输出的 .xlsx 路径")
    p.add_argument("--indicators", help="预填指标体系模板，如：昆明ABC、财预2020-10")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("evaluate", help="校验项目工作簿，计算得分并生成报告")
    p.add_argument("workbook")
    p.add_argument("--out", required=True, help="输出目录")
    p.add_argument("--no-store", action="store_true", help="不写入数据库")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    p.add_argument("--report-template", help="自己修改过的报告 Word 模板（复制自 jixiao/reports/templates/self_evaluation.docx）")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("demo", help="用种子报告 001、002 的公开数据生成演示工作簿并评价")
    p.add_argument("--out", default="jixiao-demo", help="输出目录（默认 ./jixiao-demo）")
    p.add_argument("--no-store", action="store_true", help="不写入数据库")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="启动网页工作台（生产级 WSGI 服务器 gunicorn）")
    p.add_argument("--demo", action="store_true", help="首次启动时载入演示项目和各角色的演示账号，并打印登录信息")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务器用 0.0.0.0）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--workers", type=int, default=None, help="工作进程数（默认 CPU 核数 × 2 + 1）")
    p.add_argument("--threads", type=int, default=1,
                   help="每个进程的线程数（默认 1：单线程进程，请求先到先服务，实测负载下延迟最均衡）")
    p.add_argument("--keepalive", type=int, default=2,
                   help="连接保持秒数（仅 --threads 大于 1 时有效，默认 2；单线程进程每个请求后关闭连接）")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("createadmin", help="创建系统管理员账号（交互输入密码）")
    p.add_argument("username")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("synth", help="生成虚构的演示数据并存入数据库（用于演示、测试和性能测试）")
    p.add_argument("kind", choices=SYNTH_KINDS, help="生成什么：projects（县级专项资金项目及其评价，存入数据库）；registry（虚构的残疾人登记名册文件，用 --out 指定）")
    p.add_argument("--n", type=int, default=100, help="生成数量（默认 100）")
    p.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认 1）")
    p.add_argument("--out", help="registry：输出文件（.xlsx、.csv 或 .parquet）")
    p.add_argument("--encoding", default="utf-8-sig", choices=["utf-8-sig", "utf-8", "gb18030"],
                   help="registry 输出 CSV 时的编码（默认 UTF-8 带 BOM）")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("import", help="导入名册：jixiao import registry 文件（.xlsx、.xls、.csv）")
    p.add_argument("kind", choices=["registry"], help="registry：残疾人证登记名册")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只校验（含与登记库比对），不写入")
    p.add_argument("--strict", action="store_true", help="有任何一行被拒绝就全部不导入")
    p.add_argument("--errors", help="错误报告路径（生成 路径.csv 和 路径.xlsx；默认在名册旁边）")
    p.add_argument("--actor", help="以该用户的身份和辖区导入（网页导入使用；默认为命令行，不限辖区）")
    p.add_argument("--progress", help=argparse.SUPPRESS)  # written by the web page's background import
    p.add_argument("--remove-source", action="store_true", help=argparse.SUPPRESS)  # the web job's private copy
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("audit", help="审核报告（.docx / .txt）中前后不一致的数字、比率、等级、文号、单位和日期")
    p.add_argument("file", help="要审核的报告（.docx，或每段一行、表格单元格以 Tab 开头的 .txt）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--annotate", metavar="OUT", help="另存一份带批注的 .docx：每处问题加 Word 批注并标黄")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("migrate", help="创建或升级数据库（默认 SQLite，设置 JIXIAO_DATABASE_URL 使用 PostgreSQL）")
    p.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
