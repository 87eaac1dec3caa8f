"""`jixiao synth`: invented data for demonstrations, tests and load measurements (never real people)."""

from __future__ import annotations

import sys
import time

from jixiao import bootstrap

SYNTH_KINDS = ("projects", "registry")  # what `jixiao synth` can generate; more kinds join this tuple


def cmd_synth(args) -> int:
    if args.n < 1:
        print("--n 须为正整数", file=sys.stderr)
        return 2
    if args.kind == "registry":
        return _synth_registry(args)
    bootstrap.setup_django(migrate=True)
    from django.conf import settings

    from jixiao.demo.synth_projects import synth_projects_timed

    stored, seconds = synth_projects_timed(args.n, args.seed)
    print(f"已生成并存入 {stored} 个虚构项目（含评价）（种子 {args.seed}），用时 {seconds:.1f} 秒；"
          f"数据库：{settings.DATABASES['default']['NAME']}")
    return 0


def _synth_registry(args) -> int:
    """An invented registry file (no database): .xlsx, .csv or .parquet."""
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


def register(sub) -> None:
    p = sub.add_parser("synth", help="生成虚构的演示数据并存入数据库（用于演示、测试和性能测试）")
    p.add_argument("kind", choices=SYNTH_KINDS, help="生成什么：projects（县级专项资金项目及其评价，存入数据库）；registry（虚构的残疾人登记名册文件，用 --out 指定）")
    p.add_argument("--n", type=int, default=100, help="生成数量（默认 100）")
    p.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认 1）")
    p.add_argument("--out", help="registry：输出文件（.xlsx、.csv 或 .parquet）")
    p.add_argument("--encoding", default="utf-8-sig", choices=["utf-8-sig", "utf-8", "gb18030"],
                   help="registry 输出 CSV 时的编码（默认 UTF-8 带 BOM）")
    p.set_defaults(func=cmd_synth)
