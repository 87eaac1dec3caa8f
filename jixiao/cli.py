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

    p = sub.add_parser("migrate", help="创建或升级数据库（默认 SQLite，设置 JIXIAO_DATABASE_URL 使用 PostgreSQL）")
    p.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
