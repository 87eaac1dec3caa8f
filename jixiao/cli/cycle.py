"""`jixiao cycle run` / `jixiao cycle replay`: a benefit programme's entitlements for a period (docs/cycles.md).

Exit status of ``run``: 0 computed and written, 2 an input or the rules cannot be used (which file, why; nothing
written). ``replay FOLDER`` or ``replay --cycle ID`` (a cycle stored by the benefits app, from its frozen folder):
0 the same entitlements byte for byte, 1 different, 2 the frozen cycle cannot be read."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from jixiao.cli.compare import _Bar, _registry_from_db, _rosters


def cmd_run(args) -> int:
    from jixiao.comparison.inputs import InputUnusable
    from jixiao.entitlements.parameters import ROSTER_KINDS, RuleBookInvalid, rulebook_load
    from jixiao.entitlements.run import cycle_run

    try:
        if args.region and not re.fullmatch(r"[0-9]{2,12}", args.region):
            raise InputUnusable(f"--region 应为区划代码（数字），收到“{args.region}”")
        if args.month is not None and not 1 <= args.month <= 12:
            raise InputUnusable(f"--month 应为 1–12，收到 {args.month}")
        book = rulebook_load(Path(args.rules) if args.rules else None)
        rosters = _rosters(args.roster, ROSTER_KINDS)
        if args.registry == "db":
            registry = _registry_from_db(args)
        else:
            if args.actor:
                raise InputUnusable("--actor 只用于 --registry db（从数据库按用户辖区读取登记库）")
            registry = Path(args.registry) if args.registry else None
        result = cycle_run(programme=args.programme, year=args.year, month=args.month, registry=registry,
                           rosters=rosters, out=Path(args.out), book=book,
                           region=args.region if args.registry != "db" else None, progress=_Bar(verb="计算", label=str),
                           freeze=args.freeze)
    except (InputUnusable, RuleBookInvalid) as exc:
        print(f"无法计算：{exc}", file=sys.stderr)
        return 2
    s = result.summary
    totals = s["totals"]
    print(f"{s['programme_name']}（{s['period']}）：考虑 {totals['considered']} 人，发放 {totals['persons']} 人，"
          f"金额 {totals['amount_yuan']} 元（市级 {totals['city_yuan']} 元，县级 {totals['county_yuan']} 元）")
    for code, reason in s["reasons"].items():
        print(f"  未发放：{reason['label']} {reason['persons']} 人（{code}）")
    if s["rules"]["examples"]:
        print(f"注意：规则中的 {'、'.join(s['rules']['examples'])} 是示例值，请系统管理员按本地标准替换")
    print(f"结果在 {result.out}（entitlements.csv、summary.json、{len(s['payment_lists'])} 份发放清单在 payments/）")
    return 0


def _cycle_frozen(cycle_id: int):
    """The frozen folder of stored cycle ``cycle_id`` and the entitlements' digest the database recorded."""
    from jixiao import bootstrap
    from jixiao.entitlements.run import FrozenCycleInvalid

    bootstrap.setup_django(migrate=True)
    from jixiao.benefits.models import Cycle
    from jixiao.benefits.selectors import cycle_frozen_folder

    cycle = Cycle.objects.select_related("region").filter(pk=cycle_id).first()
    if cycle is None:
        raise FrozenCycleInvalid(f"没有第 {cycle_id} 号补助发放批次")
    folder = cycle_frozen_folder(cycle)
    if folder is None or not cycle.summary:
        raise FrozenCycleInvalid(f"批次 {cycle}（第 {cycle_id} 号，{cycle.state_label}）还没有计算结果，无从重算")
    return cycle, folder, cycle.summary.get("entitlements_sha256", "")


def cmd_replay(args) -> int:
    import tempfile

    from jixiao.comparison.inputs import InputUnusable
    from jixiao.entitlements.parameters import RuleBookInvalid
    from jixiao.entitlements.run import FROZEN, FrozenCycleInvalid, cycle_replay

    if (args.frozen is None) == (args.cycle is None):
        print("无法重算：请给出冻结的批次文件夹，或 --cycle 批次编号（二者选一）", file=sys.stderr)
        return 2
    if args.frozen is not None and not args.out:
        print("无法重算：请用 --out 给出重算结果的文件夹", file=sys.stderr)
        return 2
    temporary = None
    try:
        recorded = None
        if args.cycle is not None:
            cycle, frozen, recorded = _cycle_frozen(args.cycle)
            print(f"重算批次 {cycle}（第 {cycle.pk} 号，{cycle.state_label}，规则 {cycle.rules}）")
        else:
            frozen = Path(args.frozen)
            if (frozen / FROZEN).is_dir():
                frozen = frozen / FROZEN
        if args.out:
            out = Path(args.out)
        else:
            temporary = tempfile.TemporaryDirectory(prefix="jixiao-replay-")
            out = Path(temporary.name) / "replay"
        result = cycle_replay(frozen, out=out)
    except (FrozenCycleInvalid, InputUnusable, RuleBookInvalid) as exc:
        if temporary is not None:
            temporary.cleanup()
        print(f"无法重算：{exc}", file=sys.stderr)
        return 2
    try:
        where = f"；结果在 {result.out}" if temporary is None else ""
        if recorded is not None and recorded != result.expected_sha256:
            print(f"冻结的文件夹与数据库记录不符：数据库记录 {recorded}，冻结时 {result.expected_sha256}", file=sys.stderr)
            return 1
        if result.identical:
            print(f"重算结果与冻结时逐字节相同（entitlements.csv SHA-256 {result.replayed_sha256}）{where}")
            return 0
        print(f"重算结果与冻结时不同：冻结时 {result.expected_sha256}，重算 {result.replayed_sha256}{where}",
              file=sys.stderr)
        return 1
    finally:
        if temporary is not None:
            temporary.cleanup()


def cmd_allocation(args) -> int:
    """The cycle's per-county totals into a project workbook's 资金分配 sheet (a new workbook; the old is kept)."""
    import json

    from jixiao.common.problems import InputInvalid, InputUnreadable
    from jixiao.workbooks.from_cycle import CycleUnusable, project_with_cycle
    from jixiao.workbooks.reader import read_workbook
    from jixiao.workbooks.writer import write_workbook

    source = Path(args.cycle)
    summary_path = source / "summary.json" if source.is_dir() else source
    out = Path(args.out)
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"无法读取批次汇总 {summary_path}：{exc}", file=sys.stderr)
        return 2
    if not Path(args.workbook).is_file():
        print(f"找不到工作簿文件：{args.workbook}", file=sys.stderr)
        return 2
    if out.resolve() == Path(args.workbook).resolve():
        print("--out 不能与 --workbook 相同：另存为新的工作簿", file=sys.stderr)
        return 2
    try:
        project = project_with_cycle(read_workbook(args.workbook), summary, share=args.share)
    except InputUnreadable as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except InputInvalid as exc:
        from jixiao.cli.common import print_problems

        print_problems(exc)
        return 1
    except CycleUnusable as exc:
        print(f"无法生成资金分配表：{exc}", file=sys.stderr)
        return 2
    write_workbook(out, project)
    total = sum(a.amount for a in project.allocations)
    persons = sum(a.actual_beneficiaries or 0 for a in project.allocations)
    print(f"资金分配表已按批次写入 {out}：{len(project.allocations)} 个县（市、区），合计 {total} 万元，实际受益 {persons} 人")
    return 0


def register(sub) -> None:
    from jixiao.entitlements.parameters import PROGRAMME_CODES

    p = sub.add_parser("cycle", help="补助发放批次：按项目规则计算某期间的应发名单、市县分担和发放清单，或重算冻结的批次")
    actions = p.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="计算一个批次：写出 entitlements.csv、summary.json 和各县的发放清单")
    run.add_argument("--programme", required=True, choices=PROGRAMME_CODES, help="项目代码")
    run.add_argument("--year", type=int, required=True, help="年度")
    run.add_argument("--month", type=int, help="月份（按月发放的项目）")
    run.add_argument("--registry", help="登记名册文件（.xlsx、.xls、.csv、.parquet），或 db：数据库中的登记库")
    run.add_argument("--roster", action="append", metavar="KIND=FILE",
                     help="名册，可多次给出：pension、subsidy、medical、assistance、deaths、moves、beneficiaries（发放名单）")
    run.add_argument("--out", required=True, help="结果文件夹")
    run.add_argument("--region", help="只计算户籍地在该区划（代码前缀）内的人员")
    run.add_argument("--rules", help="规则文件（TOML，默认随系统提供的规则）")
    run.add_argument("--actor", help="--registry db 时按该用户的辖区读取登记库")
    run.add_argument("--freeze", action="store_true", help="同时在 结果文件夹/frozen 中冻结输入和规则，供 jixiao cycle replay 重算")
    run.set_defaults(func=cmd_run)
    replay = actions.add_parser("replay", help="用冻结的输入和规则重算一个批次，检查结果是否逐字节相同")
    replay.add_argument("frozen", nargs="?", help="冻结的批次文件夹（cycle run --freeze 的结果文件夹或其中的 frozen）")
    replay.add_argument("--cycle", type=int, help="数据库中的补助发放批次编号（代替文件夹：重算它冻结的输入和规则）")
    replay.add_argument("--out", help="重算结果写到这里（给出文件夹时必填；--cycle 时不填则用临时文件夹，比较后删除）")
    replay.set_defaults(func=cmd_replay)
    alloc = actions.add_parser("allocation", help="把批次的按县合计写入项目工作簿的“资金分配”表（另存为新工作簿）")
    alloc.add_argument("cycle", help="批次结果文件夹（含 summary.json）或 summary.json")
    alloc.add_argument("--workbook", required=True, help="项目工作簿（.xlsx）")
    alloc.add_argument("--out", required=True, help="写出的新工作簿")
    alloc.add_argument("--share", choices=["city", "county", "total"], default="city",
                       help="分配金额取市级承担（默认，市对县的转移支付）、县级承担或应发合计")
    alloc.set_defaults(func=cmd_allocation)
