"""`jixiao template / evaluate / demo`: project workbooks, their evaluation and the seed demo."""

from __future__ import annotations

import sys
from pathlib import Path

from jixiao import bootstrap
from jixiao.cli import common


def cmd_template(args) -> int:
    from jixiao.scoring.inputs import ProjectInput
    from jixiao.workbooks.writer import write_workbook

    shape = getattr(args, "shape", None) or "项目"
    project = None
    if args.indicators:  # the templates kept in the database (系统管理), as administrators edited them
        bootstrap.setup_django(migrate=True)
        from jixiao.indicators.selectors import indicator_template_rows

        try:
            rows = indicator_template_rows(args.indicators)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        project = ProjectInput(name="", year=0, owner_unit="", template=args.indicators, indicators=rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(out, project, shape=shape)
    extra = {"多项目": "（多项目，含“子项目”等工作表）", "部门整体": "（部门整体，含“部门项目”“民生实事”工作表）"}
    print(f"已生成空白项目工作簿：{out}" + extra.get(shape, ""))
    return 0


def _report_outputs(outputs) -> None:
    from jixiao.common.names import name_with_year

    fig = outputs.figures
    print(f"{name_with_year(fig['project'], fig['year'])}：总分 {fig['total_score']}，等级 {fig['grade']}")
    for path in outputs.files:
        print(f"  {path}")
    if outputs.pdf_skipped_reason:
        print(f"  （{outputs.pdf_skipped_reason}）")
    if outputs.evaluation_id:
        print(f"  已存入数据库（评价编号 {outputs.evaluation_id}）")


def cmd_evaluate(args) -> int:
    from jixiao.common.problems import InputInvalid, InputUnreadable
    from jixiao.reports.outputs import evaluation_from_workbook

    if not Path(args.workbook).is_file():
        print(f"找不到工作簿文件：{args.workbook}", file=sys.stderr)
        return 2
    if args.report_template and not Path(args.report_template).is_file():
        print(f"找不到报告模板：{args.report_template}", file=sys.stderr)
        return 2
    if not args.no_store:
        bootstrap.setup_django(migrate=True)
    try:
        outputs = evaluation_from_workbook(args.workbook, Path(args.out), pdf=not args.no_pdf, store=not args.no_store,
                                           report_template=args.report_template)
    except InputUnreadable as exc:  # not a workbook, damaged, encrypted or beyond the size limits
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except InputInvalid as exc:
        common.print_problems(exc)
        return 1
    _report_outputs(outputs)
    return 0


def cmd_demo(args) -> int:
    from jixiao.demo.run import demo_run

    if not args.no_store:
        bootstrap.setup_django(migrate=True)
    from jixiao.demo.seeds import DEMO_KEYS, NOT_STORED

    for key, outputs in zip(DEMO_KEYS, demo_run(Path(args.out), pdf=not args.no_pdf, store=not args.no_store),
                            strict=True):
        _report_outputs(outputs)
        if not args.no_store and key in NOT_STORED:
            print(f"  （{NOT_STORED[key]}）")
    return 0


def register(sub) -> None:
    p = sub.add_parser("template", help="生成空白项目工作簿（含“说明”表、下拉选项和数字格式）")
    p.add_argument("out", help="输出的 .xlsx 路径")
    p.add_argument("--indicators", help="预填指标体系模板，如：昆明ABC、财预2020-10")
    p.add_argument("--shape", choices=("项目", "多项目", "部门整体"), default="项目",
                   help="工作簿类型：项目（默认）；多项目（含若干子项目，另有“子项目”等工作表）；部门整体（单位全年项目支出，另有“部门项目”“民生实事”工作表）")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("evaluate", help="校验项目工作簿，计算得分并生成报告")
    p.add_argument("workbook")
    p.add_argument("--out", required=True, help="输出目录")
    p.add_argument("--no-store", action="store_true", help="不写入数据库")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    p.add_argument("--report-template", help="自己修改过的报告 Word 模板（复制自 jixiao/reports/templates/self_evaluation.docx）")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("demo", help="用种子报告 001、002、003（多项目）、004（部门整体）的公开数据生成演示工作簿并评价")
    p.add_argument("--out", default="jixiao-demo", help="输出目录（默认 ./jixiao-demo）")
    p.add_argument("--no-store", action="store_true", help="不写入数据库")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF")
    p.set_defaults(func=cmd_demo)
