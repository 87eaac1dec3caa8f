"""`jixiao audit`: figures in a report that disagree with each other."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cmd_audit(args) -> int:
    """Check a report for figures that disagree with each other (0 none, 1 findings, 2 unreadable)."""
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


def register(sub) -> None:
    p = sub.add_parser("audit", help="审核报告（.docx / .txt）中前后不一致的数字、比率、等级、文号、单位和日期")
    p.add_argument("file", help="要审核的报告（.docx，或每段一行、表格单元格以 Tab 开头的 .txt）")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--annotate", metavar="OUT", help="另存一份带批注的 .docx：每处问题加 Word 批注并标黄")
    p.set_defaults(func=cmd_audit)
