"""`jixiao compare`: the registry against the departments' rosters (docs/compare.md).

Exit status: 0 nothing found, 1 findings written, 2 an input cannot be read (which file, why; nothing written)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path


class _Bar:
    """Progress on the terminal: one line redrawn in place, or plain lines into a file or pipe."""

    def __init__(self, stream=None, *, verb: str = "比对", label=None):
        self.stream = stream or sys.stderr
        self.verb, self.label = verb, label or _step_label
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, what: str) -> None:
        elapsed = time.monotonic() - self.started
        line = f"{self.verb}：第 {done}/{total} 步（{self.label(what)}），已用 {elapsed:.1f} 秒"
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K" + ("\n" if done == total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _step_label(name: str) -> str:
    """A statement of ``comparison.sql`` as the terminal shows it."""
    from jixiao.comparison.kinds import KINDS

    kind, _, rest = name.partition("_")
    title = KINDS[kind].title if kind in KINDS else ""
    labels = {"ids": f"读取并检查身份证号：{title}", "repeated": f"查找重复登记：{title}", "persons": "登记库人员",
              "typo": "查找疑似录入错误的身份证号", "findings": "汇总发现", "dead": "死亡名单", "moved": "迁出名单",
              "gone": "已故和迁出人员"}
    found = labels.get(rest if title else kind)
    return found or (f"按{title}比对" if title else name)


def _rosters(values: list[str], kinds: tuple[str, ...] | None = None) -> dict[str, Path]:
    """``--roster KIND=FILE`` values as {kind: path}, each kind one of ``kinds`` (the comparison's rosters)."""
    from jixiao.comparison.inputs import InputUnusable
    from jixiao.comparison.kinds import ROSTER_KINDS

    kinds = kinds or ROSTER_KINDS
    found: dict[str, Path] = {}
    for value in values or []:
        kind, sep, path = value.partition("=")
        if not sep or not path:
            raise InputUnusable(f"--roster 的值“{value}”应写成 类型=文件，例如 pension=养老保险.xlsx")
        if kind not in kinds:
            raise InputUnusable(f"--roster 的类型“{kind}”未知：可用 {'、'.join(kinds)}")
        if kind in found:
            raise InputUnusable(f"--roster {kind} 给了两次：每种名册一个文件（请先合并）")
        found[kind] = Path(path)
    return found


def _registry_from_db(args):
    from jixiao import bootstrap
    from jixiao.comparison.inputs import InputUnusable

    bootstrap.setup_django(migrate=True)
    from django.contrib.auth import get_user_model

    from jixiao.comparison.run import registry_input
    from jixiao.registry.selectors import registry_table_for_comparison

    actor = None
    if args.actor:
        actor = get_user_model().objects.filter(username=args.actor).first()
        if actor is None:
            raise InputUnusable(f"没有用户“{args.actor}”")
    table = registry_table_for_comparison(user=actor, region_code=args.region)
    return registry_input(table)


def cmd_compare(args) -> int:
    from jixiao.comparison.inputs import InputUnusable
    from jixiao.comparison.rules import RulesInvalid, rules_load
    from jixiao.comparison.run import compare

    try:
        if args.region and not re.fullmatch(r"[0-9]{2,12}", args.region):
            raise InputUnusable(f"--region 应为区划代码（数字），收到“{args.region}”")
        rosters = _rosters(args.roster)
        rules = rules_load(Path(args.rules) if args.rules else None)
        if args.registry == "db":
            registry = _registry_from_db(args)
        else:
            if args.actor:
                raise InputUnusable("--actor 只用于 --registry db（从数据库按用户辖区读取登记库）")
            registry = Path(args.registry)
        result = compare(year=args.year, registry=registry, rosters=rosters, out=Path(args.out), engine=args.engine,
                         rules=rules, region=args.region if args.registry != "db" else None, progress=_Bar())
    except (InputUnusable, RulesInvalid) as exc:
        print(f"无法比对：{exc}", file=sys.stderr)
        return 2
    counts = result.summary["counts"]["by_kind"]
    from jixiao.comparison.kinds import FINDING_KINDS

    listed = "、".join(f"{FINDING_KINDS[k]} {n}" for k, n in counts.items() if n)
    print(f"{args.year}年比对完成：共 {result.total} 条发现" + (f"（{listed}）" if listed else "") +
          f"；结果在 {result.out}（findings.csv、findings.xlsx、summary.json）")
    for line in result.summary["not_compared"]:
        print(f"注意：{line}")
    return result.exit_status


def register(sub) -> None:
    p = sub.add_parser("compare", help="跨部门名册比对：登记库与养老、医保、低保、死亡、迁出等名册，生成发现清单和走访清单")
    p.add_argument("--year", type=int, required=True, help="比对年度（年龄按该年 12 月 31 日计算）")
    p.add_argument("--registry", required=True, help="登记名册文件（.xlsx、.xls、.csv、.parquet），或 db：数据库中的登记库")
    p.add_argument("--roster", action="append", metavar="KIND=FILE",
                   help="部门名册，可多次给出：pension、subsidy、medical、assistance、deaths、moves")
    p.add_argument("--out", required=True, help="结果文件夹（写入 findings.csv、findings.xlsx、summary.json）")
    p.add_argument("--region", help="只比对户籍地在该区划（代码前缀）内的登记人员")
    p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb", help="计算引擎（默认 duckdb；spark 需 jixiao[spark]）")
    p.add_argument("--rules", help="规则文件（TOML，默认为随软件提供的规则）")
    p.add_argument("--actor", help="与 --registry db 一起：以该用户的辖区读取登记库")
    p.set_defaults(func=cmd_compare)
