"""Writes of the benefits app: add a rule book version, create a cycle, compute it (a background job), move it
through its states, make its payment batches, import the bank's (or the insurer's) return and confirm 代缴 lists.
Each is one transaction and one audit row; who may do what is ``selectors.move_refusal`` / ``payments_refusal``
(over ``accounts.permissions``); a cycle the actor may not see is 404, one they may see but not act on is
``BenefitsDenied`` (403)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.accounts.selectors import user_scope
from jixiao.benefits import reconcile, selectors, storage
from jixiao.benefits.models import Cycle, CycleTally, Payment, PaymentBatch, PaymentReturn, RuleBookVersion
from jixiao.benefits.workflow import ALLOCATABLE, MOVES, RECOMPUTABLE, CycleState, ListKind, PaymentStatus
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.pii import mask_resident_id
from jixiao.comparison.inputs import InputUnusable
from jixiao.comparison.kinds import KINDS
from jixiao.entitlements.parameters import (
    PROGRAMME_CODES,
    RuleBook,
    RuleBookInvalid,
    rulebook_from_dict,
    rulebook_load,
)
from jixiao.regions.models import Region

S, P = CycleState, PaymentStatus


class BenefitsDenied(PermissionError):
    pass


class BenefitsInvalid(ValueError):
    """A request or a file that cannot be used; the message (Chinese) says which and why."""


def _yuan(fen: int) -> str:
    return f"{Decimal(int(fen or 0)) / 100:.2f}"


def _fen(yuan) -> int:
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1)))


# ---- rule book versions ---------------------------------------------------------------------------------------

def rulebook_parse(*, data: dict | None = None, toml_text: str | None = None) -> tuple[dict, RuleBook]:
    """The book as plain JSON data and as checked by the engine (``rulebook_from_dict``); BenefitsInvalid with the
    engine's Chinese message when it cannot be used. ``toml_text`` may also be JSON (an exported version)."""
    if (data is None) == (toml_text is None):
        raise BenefitsInvalid("请给出规则内容（TOML 文本或数据）")
    if toml_text is not None:
        text = toml_text.strip()
        try:
            data = json.loads(text) if text.startswith("{") else tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise BenefitsInvalid(f"规则格式有误（TOML）：{exc}") from None
        except ValueError as exc:
            raise BenefitsInvalid(f"规则格式有误（JSON）：{exc}") from None
    if not isinstance(data, dict):
        raise BenefitsInvalid("规则内容应为一个表（version、title、programmes）")
    plain = json.loads(json.dumps(data, ensure_ascii=False, default=str))  # dates as text, as a version stores it
    try:
        book = rulebook_from_dict(plain)
    except RuleBookInvalid as exc:
        raise BenefitsInvalid(f"规则有误：{exc}") from None
    return plain, book


def rulebook_default_ensure() -> RuleBookVersion:
    """The current version; on first use, the shipped default (``entitlements/programmes/default.toml``) stored as
    version 1."""
    current = selectors.rulebook_version_current()
    if current is not None:
        return current
    book = rulebook_load()
    with transaction.atomic():
        try:
            with transaction.atomic():
                version = RuleBookVersion.objects.create(
                    number=1, version=book.version, title=book.title, book=book.source, digest=book.digest,
                    note="随系统提供的默认规则", created_by_label="系统")
        except IntegrityError:  # another request stored it first
            return selectors.rulebook_version_current()
        change_record(actor=None, action=ChangeRecord.Action.CREATE, obj=version, object_label=str(version),
                      changes={"规则版本": [None, book.version]}, note="载入随系统提供的默认规则（首次使用）")
    return version


def rulebook_version_create(*, actor, data: dict | None = None, toml_text: str | None = None,
                            note: str = "") -> RuleBookVersion:
    """Add a new version of the rule book (never an edit of one): checked whole by the engine first; its own
    ``version`` must be new. Cycles computed by older versions keep theirs."""
    if actor is not None and not permissions.is_admin(actor):
        raise BenefitsDenied(f"您的角色（{permissions.role_label(actor)}）不能修改补助项目规则：请联系系统管理员")
    plain, book = rulebook_parse(data=data, toml_text=toml_text)
    note = (note or "").strip()
    if len(note) > 500:
        raise BenefitsInvalid("修改说明最多 500 字")
    current = rulebook_default_ensure()
    with transaction.atomic():
        taken = RuleBookVersion.objects.filter(version=book.version).first()
        if taken is not None:
            raise BenefitsInvalid(f"规则版本号“{book.version}”已经用过（{taken}）：新版本请在规则中写一个新的版本号（version）")
        number = (RuleBookVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        try:
            with transaction.atomic():
                version = RuleBookVersion.objects.create(
                    number=number, version=book.version, title=book.title, book=plain, digest=book.digest,
                    note=note, created_by=actor if getattr(actor, "pk", None) else None,
                    created_by_label=getattr(actor, "get_username", lambda: "")() or "命令行")
        except IntegrityError:
            raise BenefitsInvalid("另一位管理员同时保存了新版本，请刷新后重试") from None
        change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=version, object_label=str(version),
                      changes={"规则版本": [current.version, book.version]}, note=(note or "新增补助项目规则版本"))
    return version


def rulebook_of(version: RuleBookVersion) -> RuleBook:
    book = rulebook_from_dict(version.book)
    if book.digest != version.digest:
        raise BenefitsInvalid(f"规则{version}的内容与保存时的摘要不符：数据库中的规则已被改动")
    return book


# ---- cycles ---------------------------------------------------------------------------------------------------

def _visible(actor, cycle: Cycle) -> None:
    if not selectors.may_see(actor, cycle):
        raise Http404("没有这个补助发放批次，或您无权查看")


def _refuse(refusal) -> None:
    if refusal is not None:
        raise (BenefitsDenied if refusal.denied else BenefitsInvalid)(refusal.message)


def _check_move(actor, cycle: Cycle, name: str) -> None:
    _visible(actor, cycle)
    _refuse(selectors.move_refusal(actor, cycle, name))


def _rosters_checked(actor, programme, rosters) -> dict:
    """One visible roster per kind the programme reads; the kinds it needs all given."""
    rosters = list(rosters or ())
    visible = set(selectors.rosters_for_cycle(user=actor, kinds=KINDS).filter(pk__in=[r.pk for r in rosters])
                  .values_list("pk", flat=True))
    kinds: dict = {}
    for roster in rosters:
        if roster.pk not in visible:
            raise BenefitsDenied("所选名册不在您的辖区内")
        if roster.kind not in programme.rosters:
            raise BenefitsInvalid(f"{programme.name}不使用{KINDS[roster.kind].title}（{roster.file_name}）：可用 "
                                  f"{'、'.join(KINDS[k].title for k in programme.rosters) or '（无）'}")
        if roster.kind in kinds:
            raise BenefitsInvalid(f"{KINDS[roster.kind].title}选了两份（{kinds[roster.kind].file_name}、"
                                  f"{roster.file_name}）：每种名册一份，请先合并")
        kinds[roster.kind] = roster
    missing = [k for k in programme.required_rosters if k not in kinds]
    if missing:
        raise BenefitsInvalid(f"{programme.name}需要{'、'.join(KINDS[k].title for k in missing)}：请先在“名册比对”中上传")
    return kinds


def _overlapping(*, programme: str, year: int, month: int | None, region: Region, exclude: int | None = None):
    """A live cycle of the same programme and period whose region holds or lies in ``region``."""
    prefixes = [region.path[:i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    cycles = (Cycle.objects.exclude(state=S.VOID).filter(programme=programme, year=year, month=month)
              .select_related("region"))
    if exclude:
        cycles = cycles.exclude(pk=exclude)
    return cycles.filter(Q(region__path__in=prefixes) | Q(region__path__startswith=region.path)).first()


def cycle_create(*, actor, programme: str, year: int, month: int | None = None, region: Region | None = None,
                 rosters=()) -> Cycle:
    """A new cycle (草稿) of ``programme`` for the period in ``region`` (default: the actor's, a city or county),
    over the registry in the database and the chosen uploaded rosters."""
    if not selectors.may_create(actor):
        raise BenefitsDenied(f"您的角色（{permissions.role_label(actor)}）不能建立补助发放批次")
    if programme not in PROGRAMME_CODES:
        raise BenefitsInvalid(f"项目代码“{programme}”未知：可用 {'、'.join(PROGRAMME_CODES)}")
    version = rulebook_default_ensure()
    try:
        spec = rulebook_of(version).programme(programme)
    except RuleBookInvalid as exc:
        raise BenefitsInvalid(str(exc)) from None
    try:
        year = int(year)
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        raise BenefitsInvalid("年度和月份应为数字") from None
    if not 2000 <= year <= 2100:
        raise BenefitsInvalid(f"年度“{year}”不对：应为 2000–2100 之间的年份")
    if spec.period == "month" and (month is None or not 1 <= month <= 12):
        raise BenefitsInvalid(f"{spec.name}按月发放：请给出月份（1–12）")
    if spec.period == "year" and month is not None:
        raise BenefitsInvalid(f"{spec.name}按年度计算，不用给月份")
    if region is None:
        scope = user_scope(actor)
        region = Region.objects.filter(pk=scope.region_id).first() if scope.region_id else None
        if region is None:
            raise BenefitsInvalid("请选择批次所属的县（市、区）或市")
    if region.level not in selectors.CYCLE_REGION_LEVELS:
        raise BenefitsInvalid(f"“{region.name}”是{region.get_level_display()}：补助发放批次按县（市、区）或市建立")
    if not permissions.may_on(actor, Action.CREATE, Kind.CYCLE, region=region):
        raise BenefitsDenied(f"您不能为{region.name}建立补助发放批次")
    kinds = _rosters_checked(actor, spec, rosters)
    with transaction.atomic():
        other = _overlapping(programme=programme, year=year, month=month, region=region)
        if other is not None:
            raise BenefitsInvalid(f"{other}已有批次（第 {other.pk} 号，{other.state_label}）：同一期间同一地区只能有一个批次，"
                                  "请在该批次中重新计算，或先作废它")
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(programme=programme, programme_name=spec.name, year=year, month=month,
                                             region=region, created_by=actor if getattr(actor, "pk", None) else None,
                                             created_by_label=getattr(actor, "get_username", lambda: "")() or "命令行")
        except IntegrityError:
            raise BenefitsInvalid("同一期间同一地区已有批次（刚由他人建立），请刷新后查看") from None
        cycle.rosters.set(kinds.values())
        folder = storage.cycle_folder(cycle.pk)
        if any(folder.iterdir()):  # left by a database that was reset: not this cycle's
            shutil.rmtree(folder)
            storage.cycle_folder(cycle.pk)
        listed = "、".join(f"{KINDS[k].title}（{r.file_name}）" for k, r in kinds.items()) or "无名册"
        change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=cycle, region=region, object_label=str(cycle),
                      changes={"状态": [None, S.DRAFT.label]}, note=f"建立补助发放批次：{listed}"[:255])
    return cycle


def cycle_rosters_set(*, actor, cycle: Cycle, rosters) -> Cycle:
    """Change the rosters a cycle reads (before it is submitted: 草稿, 已计算); the next computation uses them."""
    _visible(actor, cycle)
    if cycle.state not in RECOMPUTABLE:
        raise BenefitsInvalid(f"批次状态为“{cycle.state_label}”：只有草稿或已计算的批次可以更换名册")
    _check_move(actor, cycle, "compute")
    version = rulebook_default_ensure()
    kinds = _rosters_checked(actor, rulebook_of(version).programme(cycle.programme), rosters)
    with transaction.atomic():
        old = "、".join(sorted(r.file_name for r in cycle.rosters.all()))
        cycle.rosters.set(kinds.values())
        new = "、".join(sorted(r.file_name for r in kinds.values()))
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=cycle, region=cycle.region,
                      object_label=str(cycle), changes={"名册": [old, new]}, note="更换批次的名册（重新计算后生效）")
    return cycle


def cycle_compute_start(*, actor, cycle: Cycle) -> Cycle:
    """Queue the computation (job kind ``benefits.compute``) by the current rule book version. Allowed in 草稿 and
    已计算 only (a recomputation replaces the stored result)."""
    from jixiao.benefits.jobs import COMPUTE
    from jixiao.jobs.services import job_start

    _check_move(actor, cycle, "compute")
    version = rulebook_default_ensure()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region", "job").get(pk=cycle.pk)
        _refuse(selectors.move_refusal(actor, cycle, "compute"))
        again = cycle.state == S.COMPUTED
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=cycle, region=cycle.region,
                      object_label=str(cycle), changes={"规则版本": [cycle.rules.version if cycle.rules else None,
                                                                  version.version]},
                      note=f"{'重新计算' if again else '开始计算'}（规则{version}）")
        job = job_start(actor=actor, kind=COMPUTE, region=cycle.region,
                        params={"cycle": cycle.pk, "rules": version.pk, "year": cycle.year, "month": cycle.month,
                                "programme": cycle.programme},
                        title=f"计算{cycle}")
        cycle.job, cycle.message = job, ""
        cycle.save(update_fields=["job", "message"])
    return cycle


def _tallies_read(parquet: Path, *, counties: dict[str, str]) -> list[CycleTally]:
    """Per county and per township (the code's first 6 / 9 digits) from the cycle's entitlements.parquet."""
    import duckdb

    path = str(parquet).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP VIEW e AS SELECT * FROM read_parquet('{path}')")
        groups = """
SELECT 'county' AS level, county_code AS code, * EXCLUDE (county_code) FROM e
UNION ALL SELECT 'township', SUBSTR(region_code, 1, 9), * EXCLUDE (county_code) FROM e WHERE LENGTH(region_code) >= 9"""
        rows = con.execute(f"""
SELECT level, code, COUNT(*), COUNT(*) FILTER (WHERE amount > 0),
  CAST(ROUND(COALESCE(SUM(amount), 0) * 100) AS BIGINT), CAST(ROUND(COALESCE(SUM(city), 0) * 100) AS BIGINT),
  CAST(ROUND(COALESCE(SUM(county), 0) * 100) AS BIGINT)
FROM ({groups}) g GROUP BY level, code ORDER BY level, code""").fetchall()
        reasons: dict[str, dict[str, int]] = {}
        for code, reason, n in con.execute(f"SELECT code, reason, COUNT(*) FROM ({groups}) g WHERE reason <> '' "
                                           "GROUP BY code, reason ORDER BY code, reason").fetchall():
            reasons.setdefault(code, {})[reason] = n
    finally:
        con.close()
    regions = {r.code: r for r in Region.objects.filter(code__in=[r[1] for r in rows])}
    return [CycleTally(level=level, code=code, region=regions.get(code),
                       name=(regions[code].name if code in regions else counties.get(code, ""))[:60],
                       considered=considered, persons=persons, amount_fen=amount, city_fen=city, county_fen=county,
                       reasons=reasons.get(code, {}))
            for level, code, considered, persons, amount, city, county in rows]


def cycle_compute_execute(*, cycle: Cycle, actor, rules_id: int, job_id: int | None = None, progress=None) -> Cycle:
    """The body of the job: compute the cycle from the actor's registry in the cycle's region and its rosters by
    the rule book version ``rules_id`` (frozen, with the Parquet kept), then store the summary, the tallies and the
    move to 已计算. An input or rule that cannot be used leaves the cycle as it was, with the reason."""
    from jixiao.comparison.run import registry_input
    from jixiao.entitlements.run import cycle_run
    from jixiao.registry.selectors import registry_table_for_comparison
    from jixiao.rosters.storage import roster_path

    cycle = Cycle.objects.select_related("region").get(pk=cycle.pk)
    version = RuleBookVersion.objects.get(pk=rules_id)
    staging = storage.next_folder(cycle.pk, job_id)
    if staging.exists():
        shutil.rmtree(staging)
    rosters = list(cycle.rosters.all())
    try:
        book = rulebook_of(version)
        table = registry_table_for_comparison(user=actor, region_code=cycle.region.code)
        result = cycle_run(programme=cycle.programme, year=cycle.year, month=cycle.month,
                           registry=registry_input(table), rosters={r.kind: roster_path(r) for r in rosters},
                           out=staging, book=book, today=timezone.localdate(), region=cycle.region.code,
                           progress=progress, keep_parquet=True, freeze=True)
    except (InputUnusable, RuleBookInvalid, BenefitsInvalid, OSError) as exc:
        message = str(exc) if not isinstance(exc, OSError) else f"名册文件无法读取：{exc.strerror or exc}"
        for roster in rosters:  # the user's file names, not where the server keeps them
            message = message.replace(str(roster_path(roster)), roster.file_name)
        Cycle.objects.filter(pk=cycle.pk).update(message=message[:1000])
        shutil.rmtree(staging, ignore_errors=True)
        raise BenefitsInvalid(message) from None
    summary = result.summary
    try:
        counties = {c["code"]: c["name"] for c in summary["counties"]}
        tallies = _tallies_read(staging / "entitlements.parquet", counties=counties)
        by_file = {r.file_name: r for r in rosters}
        inputs = [{"kind": i["kind"], "file": i["file"], "sha256": i["sha256"], "rows": i.get("rows"),
                   "roster": by_file[i["file"]].pk if i["kind"] != "registry" and i["file"] in by_file else None}
                  for i in summary["inputs"]]
        with transaction.atomic():
            cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region", "rules").get(pk=cycle.pk)
            if cycle.state not in RECOMPUTABLE:
                raise BenefitsInvalid(f"批次在计算期间已{cycle.state_label}，本次计算结果未保存")
            before = (cycle.state_label, (cycle.summary.get("totals") or {}).get("persons"),
                      (cycle.summary.get("totals") or {}).get("amount_yuan"), cycle.rules.version if cycle.rules else None)
            CycleTally.objects.filter(cycle=cycle).delete()
            for tally in tallies:
                tally.cycle = cycle
            CycleTally.objects.bulk_create(tallies, batch_size=500)
            totals = summary["totals"]
            cycle.summary, cycle.inputs, cycle.rules, cycle.message = summary, inputs, version, ""
            cycle.state, cycle.computed_at = S.COMPUTED, timezone.now()
            cycle.computed_by = actor if getattr(actor, "pk", None) else None
            cycle.computed_by_label = getattr(actor, "get_username", lambda: "")() or "命令行"
            cycle.save()
            change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=cycle, region=cycle.region,
                          object_label=str(cycle),
                          changes={"状态": [before[0], S.COMPUTED.label], "发放人数": [before[1], totals["persons"]],
                                   "金额(元)": [before[2], totals["amount_yuan"]], "规则版本": [before[3], version.version]},
                          note=f"计算完成：发放 {totals['persons']} 人，{totals['amount_yuan']} 元（规则{version}）")
            storage.run_swap(cycle.pk, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return cycle


def cycle_compute_failed(*, cycle_id: int, message: str) -> None:
    Cycle.objects.filter(pk=cycle_id, message="").update(message=message[:1000])


def _move(actor, cycle: Cycle, name: str, *, note: str = "", **fields) -> Cycle:
    """Apply the move ``name`` (``workflow.MOVES``) under the row lock, with its note and the fields it sets."""
    move = MOVES[name]
    note = (note or "").strip()
    _check_move(actor, cycle, name)
    if move.note_required and not note:
        raise BenefitsInvalid(move.note_required)
    if len(note) > 1000:
        raise BenefitsInvalid("说明最多 1000 字")
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region", "rules", "job").get(pk=cycle.pk)
        _refuse(selectors.move_refusal(actor, cycle, name))  # again, under the lock
        old = cycle.state_label
        cycle.state = move.target
        for key, value in fields.items():
            setattr(cycle, key, note if value is _NOTE else value)
        cycle.save()
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=cycle, region=cycle.region,
                      object_label=str(cycle), changes={"状态": [old, CycleState(move.target).label]},
                      note=(f"{move.label}：{note}" if note else move.label)[:255])
    return cycle


_NOTE = object()  # a field set to the move's note


def cycle_submit(*, actor, cycle: Cycle) -> Cycle:
    """已计算 → 审核中: the computed result goes to a reviewer; it can no longer be recomputed unless returned."""
    return _move(actor, cycle, "submit", submitted_by=actor if getattr(actor, "pk", None) else None,
                 submitted_at=timezone.now())


def cycle_return(*, actor, cycle: Cycle, reason: str) -> Cycle:
    """审核中 → 已计算, with the reviewer's reason (required): to be corrected and recomputed."""
    return _move(actor, cycle, "return", note=reason, returned_reason=_NOTE)


def cycle_approve(*, actor, cycle: Cycle) -> Cycle:
    """审核中 → 已批准: one approval, by a user of the cycle's own level (or the administrator) with the right to
    approve there, who did not compute it."""
    return _move(actor, cycle, "approve", approved_by=actor if getattr(actor, "pk", None) else None,
                 approved_by_label=getattr(actor, "get_username", lambda: "")() or "命令行", approved_at=timezone.now())


def cycle_void(*, actor, cycle: Cycle, reason: str) -> Cycle:
    """→ 已作废 (from any state before 已发放, while no payment list has been made), with the reason."""
    return _move(actor, cycle, "void", note=reason, void_reason=_NOTE)


def cycle_mark_paid(*, actor, cycle: Cycle) -> Cycle:
    """已批准 → 已发放, once every payment is 已到账 (nothing 待回盘, no failure left to re-list)."""
    return _move(actor, cycle, "pay", paid_at=timezone.now())


def cycle_close(*, actor, cycle: Cycle) -> Cycle:
    """已发放 → 已结束."""
    return _move(actor, cycle, "close", closed_at=timezone.now())


# ---- payments -------------------------------------------------------------------------------------------------

_PAYMENT_COLUMNS = ("cycle_id", "batch_id", "id_number", "name", "county_code", "region_code", "amount_fen",
                    "list_kind", "mode", "account_kind", "account", "bank_name", "note", "source_row", "status",
                    "result_note", "relisted")


def _check_payments(actor, cycle: Cycle, *, confirm: bool = False) -> None:
    _visible(actor, cycle)
    _refuse(selectors.payments_refusal(actor, cycle, confirm=confirm))


def _payments_insert_from_parquet(*, cycle: Cycle, batch: PaymentBatch, parquet: Path) -> None:
    """Batch 1: one row per person with an amount, from the engine's table, by batched INSERT."""
    import duckdb

    from jixiao.entitlements.output import PROXY_MODE

    con = duckdb.connect()
    try:
        path = str(parquet).replace("'", "''")
        reader = con.execute(f"""
SELECT SUBSTR(id, 1, 64), SUBSTR(COALESCE(name, ''), 1, 100), SUBSTR(COALESCE(county_code, ''), 1, 12),
  SUBSTR(COALESCE(region_code, ''), 1, 20), CAST(ROUND(amount * 100) AS BIGINT),
  CASE WHEN mode = '{PROXY_MODE}' THEN 'proxy' ELSE 'bank' END, SUBSTR(COALESCE(mode, ''), 1, 10),
  SUBSTR(COALESCE(account_kind, ''), 1, 10), SUBSTR(COALESCE(account, ''), 1, 64),
  SUBSTR(COALESCE(bank_name, ''), 1, 100), SUBSTR(COALESCE(note, ''), 1, 500), CAST(source_row AS INTEGER)
FROM read_parquet('{path}') WHERE amount > 0 ORDER BY county_code, region_code, id, source_row""").to_arrow_reader(20_000)
        table = Payment._meta.db_table
        columns = ", ".join(connection.ops.quote_name(c) for c in _PAYMENT_COLUMNS)
        marks = ", ".join(["%s"] * len(_PAYMENT_COLUMNS))
        with connection.cursor() as cursor:
            for chunk in reader:
                rows = zip(*[c.to_pylist() for c in chunk.columns], strict=True)
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                                   [(cycle.pk, batch.pk, *r, P.PENDING, "", False) for r in rows])
    finally:
        con.close()


def _payments_relist(*, cycle: Cycle, batch: PaymentBatch) -> None:
    """A later batch: the failed payments not yet re-listed, copied into ``batch`` (one INSERT … SELECT), then
    marked re-listed (one UPDATE)."""
    table = Payment._meta.db_table
    q = connection.ops.quote_name
    copied = [c for c in _PAYMENT_COLUMNS if c not in ("cycle_id", "batch_id", "status", "result_note", "relisted")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(q(c) for c in _PAYMENT_COLUMNS)}) "
            f"SELECT %s, %s, {', '.join(q(c) for c in copied)}, %s, %s, %s FROM {table} "
            f"WHERE {q('cycle_id')} = %s AND {q('status')} = %s AND {q('relisted')} = %s AND {q('batch_id')} <> %s",
            [cycle.pk, batch.pk, P.PENDING, "", False, cycle.pk, P.FAILED, False, batch.pk])
    Payment.objects.filter(cycle=cycle, status=P.FAILED, relisted=False).exclude(batch=batch).update(relisted=True)


def _lists_write(*, cycle: Cycle, batch: PaymentBatch, folder: Path) -> list[dict]:
    """A later batch's payment lists (the re-listed persons only), in the shape of the cycle's own: the rows
    loaded into DuckDB as ``entitlements_named`` and written by ``entitlements.output.payment_lists``."""
    import duckdb
    import pyarrow as pa

    from jixiao.entitlements.output import payment_lists

    counties = {c["code"]: c["name"] for c in cycle.summary.get("counties", [])}
    rows = (Payment.objects.filter(batch=batch).order_by("id")
            .values_list("id_number", "name", "county_code", "region_code", "amount_fen", "mode", "account_kind",
                         "account", "bank_name", "note", "source_row"))
    columns: dict[str, list] = {k: [] for k in ("id", "name", "county_code", "region_code", "amount", "mode",
                                                "account_kind", "account", "bank_name", "note", "source_row")}
    for row in rows.iterator(chunk_size=20_000):
        for key, value in zip(columns, row, strict=True):
            columns[key].append(Decimal(value) / 100 if key == "amount" else value)
    types = {"amount": pa.decimal128(18, 2), "source_row": pa.int64()}
    table = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})
    names = pa.table({"code": pa.array(sorted(counties), pa.string()),
                      "name": pa.array([counties[c] for c in sorted(counties)], pa.string())})
    con = duckdb.connect()
    try:
        con.register("batch_arrow", table)
        con.register("names_arrow", names)
        con.execute("CREATE TEMP TABLE entitlements_named AS SELECT b.*, COALESCE(n.name, '') AS county_name "
                    "FROM batch_arrow b LEFT JOIN names_arrow n ON n.code = b.county_code")
        title = f"{cycle.programme_name}（第{batch.number}批：重新发放）"
        return payment_lists(con, folder / "payments", title=title, period=cycle.summary.get("period", cycle.period_label),
                             rules_version=cycle.rules.version if cycle.rules else "",
                             generated=timezone.localdate().isoformat())
    finally:
        con.close()


def payment_batch_create(*, actor, cycle: Cycle) -> PaymentBatch:
    """The next batch of an approved cycle. Batch 1: everybody with an amount (its lists are the cycle's own
    payments/*.xlsx); a later batch: the payments that failed and were not yet re-listed (lists made for them)."""
    _check_payments(actor, cycle)
    folder = None
    try:
        with transaction.atomic():
            cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region", "rules").get(pk=cycle.pk)
            _refuse(selectors.payments_refusal(actor, cycle))
            number = (cycle.batches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            if number > 1 and not Payment.objects.filter(cycle=cycle, status=P.FAILED, relisted=False).exists():
                raise BenefitsInvalid("没有需要重新发放的失败记录")
            if number == 1 and not (cycle.summary.get("totals") or {}).get("persons"):
                raise BenefitsInvalid("本批次没有应发放的人员，不用生成发放清单")
            batch = PaymentBatch.objects.create(cycle=cycle, number=number, persons=0, amount_fen=0,
                                                created_by=actor if getattr(actor, "pk", None) else None,
                                                created_by_label=getattr(actor, "get_username", lambda: "")() or "命令行")
            if number == 1:
                parquet = storage.run_folder(cycle.pk) / "entitlements.parquet"
                if not parquet.is_file():
                    raise BenefitsInvalid("批次的计算结果文件不见了，请联系系统管理员")
                _payments_insert_from_parquet(cycle=cycle, batch=batch, parquet=parquet)
                files = [{**entry, "file": f"{storage.RUN}/{entry['file']}"}
                         for entry in cycle.summary.get("payment_lists", [])]
            else:
                _payments_relist(cycle=cycle, batch=batch)
                folder = storage.batch_folder(cycle.pk, number)
                if folder.exists():  # left by a database that was reset
                    shutil.rmtree(folder)
                folder.mkdir(parents=True, mode=0o700)
                files = [{**entry, "file": f"batches/{number}/{entry['file']}"}
                         for entry in _lists_write(cycle=cycle, batch=batch, folder=folder)]
            counted = Payment.objects.filter(batch=batch).aggregate(n=Count("id"), fen=Sum("amount_fen", default=0))
            totals = cycle.summary.get("totals") or {}
            if number == 1 and (counted["n"] != totals.get("persons") or counted["fen"] != _fen(totals.get("amount_yuan", 0))):
                raise BenefitsInvalid("计算结果文件与批次摘要不符（人数或金额不同），请重新计算后再审核")
            batch.persons, batch.amount_fen, batch.files = counted["n"], counted["fen"], files
            batch.save(update_fields=["persons", "amount_fen", "files"])
            change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=batch, about=cycle, region=cycle.region,
                          object_label=f"{cycle}：{batch}",
                          changes={"人数": [None, batch.persons], "金额(元)": [None, _yuan(batch.amount_fen)]},
                          note=(f"生成第{number}批发放清单" + ("（重新发放失败的记录）" if number > 1 else ""))[:255])
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return batch


def _save_upload(file, target: Path) -> str:
    """Write an upload (``.chunks()``) or a file (a Path) to ``target``; its SHA-256."""
    digest = hashlib.sha256()
    with storage.private_open(target) as out:
        if isinstance(file, (str, Path)):
            with open(file, "rb") as source:
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
        else:
            for chunk in file.chunks():
                digest.update(chunk)
                out.write(chunk)
    return digest.hexdigest()


def _batch_payments_table(batch: PaymentBatch):
    import pyarrow as pa

    columns: dict[str, list] = {k: [] for k in ("pk", "id_number", "name", "amount_fen", "status")}
    for row in (Payment.objects.filter(batch=batch).order_by("id")
                .values_list("pk", "id_number", "name", "amount_fen", "status").iterator(chunk_size=20_000)):
        for key, value in zip(columns, row, strict=True):
            columns[key].append(value)
    types = {"pk": pa.int64(), "amount_fen": pa.int64()}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def bank_return_import(*, actor, batch: PaymentBatch, file) -> PaymentReturn:
    """The bank's return file (回盘, .xlsx/.xls/.csv: 姓名, 身份证号, 金额(元), 处理结果, 失败原因) — or the
    insurer's, in the same shape, for a 代缴 list — matched to the batch's payments by normalised ID: each matched
    row sets its payment 已到账 or 失败 (with the bank's reason) in bulk SQL. A row whose amount or name differs
    from the list, an unknown ID, an unreadable result or a payment already settled is reported with its row
    number and changes nothing; a file that matches no payment is refused whole."""
    cycle = Cycle.objects.select_related("region", "rules").get(pk=batch.cycle_id)
    _check_payments(actor, cycle)
    name = storage.safe_name(Path(getattr(file, "name", None) or str(file)).name, "回盘文件.xlsx")
    if not name.lower().endswith(storage.RETURN_SUFFIXES):
        raise BenefitsInvalid(f"“{name}”不是 .xlsx、.xls 或 .csv 文件")
    incoming = Path(tempfile.mkdtemp(dir=storage.staging_folder()))
    try:
        path = incoming / name
        sha256 = _save_upload(file, path)
        work = incoming / "work"
        work.mkdir()
        label = f"第{batch.number}批"
        try:
            found = reconcile.return_match(path, _batch_payments_table(batch), workdir=work, today=timezone.localdate(),
                                           batch_label=label, status_labels={s.value: s.label for s in P})
        except InputUnusable as exc:
            raise BenefitsInvalid(str(exc).replace(str(path), name)) from None
        if not found.applied:
            listed = "；".join(p["message"] for p in found.problems[:5])
            more = found.problem_count + found.unmatched - min(5, len(found.problems))
            raise BenefitsInvalid(f"回盘文件“{name}”中没有一行能与{label}发放清单对应，未作任何登记"
                                  + (f"：{listed}" if listed else "（文件没有数据行）")
                                  + (f"；另有 {more} 行问题" if more > 0 else ""))
        with transaction.atomic():
            Cycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)  # one import of the cycle at a time
            record = PaymentReturn.objects.create(
                batch=batch, source=PaymentReturn.Source.FILE, file_name=name, sha256=sha256, rows=found.rows,
                paid=len(found.paid), failed=len(found.failed), unmatched=found.unmatched,
                problem_count=found.problem_count, problems=found.problems,
                imported_by=actor if getattr(actor, "pk", None) else None,
                imported_by_label=getattr(actor, "get_username", lambda: "")() or "命令行")
            now = timezone.now()
            table, q = Payment._meta.db_table, connection.ops.quote_name
            update = (f"UPDATE {table} SET {q('status')} = %s, {q('result_note')} = %s, {q('settled_by_id')} = %s, "
                      f"{q('return_row')} = %s, {q('settled_at')} = %s "
                      f"WHERE {q('id')} = %s AND {q('batch_id')} = %s AND {q('status')} = %s")
            with connection.cursor() as cursor:
                for i in range(0, len(found.paid), 20_000):
                    cursor.executemany(update, [(P.PAID, "", record.pk, row, now, pk, batch.pk, P.PENDING)
                                                for pk, row in found.paid[i:i + 20_000]])
                for i in range(0, len(found.failed), 20_000):
                    cursor.executemany(update, [(P.FAILED, reason, record.pk, row, now, pk, batch.pk, P.PENDING)
                                                for pk, reason, row in found.failed[i:i + 20_000]])
            if Payment.objects.filter(settled_by=record).count() != found.applied:
                raise BenefitsInvalid("同一批次的另一份回盘文件同时在导入，请稍后重试")
            folder = storage.return_folder(cycle.pk, record.pk)
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True, mode=0o700)
            path.replace(folder / name)
            change_record(actor=actor, action=ChangeRecord.Action.IMPORT, obj=record, about=cycle, region=cycle.region,
                          object_label=f"{cycle}：{label}回盘（{name}）",
                          changes={"到账": [None, record.paid], "失败": [None, record.failed],
                                   "问题行": [None, record.problem_count], "未匹配行": [None, record.unmatched]},
                          note=f"导入{label}回盘文件：{name}"[:255])
        return record
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def proxy_list_confirm(*, actor, batch: PaymentBatch, note: str, county_code: str = "") -> PaymentReturn:
    """The insurer has taken a 代缴 list (it answers with a receipt, not a return file): a user of the cycle's own
    level with the right to approve records that, with the receipt (``note``: 回执编号、日期), and the batch's
    代缴 payments still 待回盘 (of one county, or all) become 已到账 in one UPDATE. Bank payments are settled only
    by the bank's return."""
    cycle = Cycle.objects.select_related("region").get(pk=batch.cycle_id)
    _check_payments(actor, cycle, confirm=True)
    note = (note or "").strip()
    if not note:
        raise BenefitsInvalid("请写明社保经办机构的确认（如回执编号、日期）")
    if len(note) > 500:
        raise BenefitsInvalid("说明最多 500 字")
    with transaction.atomic():
        Cycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
        pending = Payment.objects.filter(batch=batch, list_kind=ListKind.PROXY, status=P.PENDING)
        if county_code:
            pending = pending.filter(county_code=county_code)
        n = pending.count()
        if not n:
            raise BenefitsInvalid(f"第{batch.number}批没有待确认的代缴记录")
        record = PaymentReturn.objects.create(
            batch=batch, source=PaymentReturn.Source.CONFIRMATION, note=note, rows=n, paid=n,
            imported_by=actor if getattr(actor, "pk", None) else None,
            imported_by_label=getattr(actor, "get_username", lambda: "")() or "命令行")
        done = pending.update(status=P.PAID, result_note=f"经办机构确认：{note}"[:500], settled_by=record,
                              settled_at=timezone.now())
        where = f"{county_code} " if county_code else ""
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=record, about=cycle, region=cycle.region,
                      object_label=f"{cycle}：第{batch.number}批代缴确认", changes={"到账": [None, done]},
                      note=f"确认代缴清单 {where}{done} 人：{note}"[:255])
    return record


# ---- the long payment steps as background jobs (the pages start these) -----------------------------------------

def _payment_job_running(cycle: Cycle) -> None:
    job = selectors.payment_job_active(cycle)
    if job is not None:
        raise BenefitsInvalid(f"“{job.title}”正在进行，请等它完成后再操作")


def payment_batch_start(*, actor, cycle: Cycle):
    """Queue ``payment_batch_create`` as job kind ``benefits.batch`` (~30 s for a million persons): the same
    checks first, so a refusal is said at once; one payment job of a cycle at a time."""
    from jixiao.benefits.jobs import BATCH
    from jixiao.jobs.services import job_start

    _check_payments(actor, cycle)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region").get(pk=cycle.pk)
        _refuse(selectors.payments_refusal(actor, cycle))
        _payment_job_running(cycle)
        if cycle.batches.exists():
            if not Payment.objects.filter(cycle=cycle, status=P.FAILED, relisted=False).exists():
                raise BenefitsInvalid("没有需要重新发放的失败记录")
        elif not (cycle.summary.get("totals") or {}).get("persons"):
            raise BenefitsInvalid("本批次没有应发放的人员，不用生成发放清单")
        return job_start(actor=actor, kind=BATCH, region=cycle.region, params={"cycle": cycle.pk},
                         title=f"生成发放清单：{cycle}")


def bank_return_start(*, actor, batch: PaymentBatch, file):
    """Queue ``bank_return_import`` of an uploaded file as job kind ``benefits.return`` (the file is kept in the
    job's input folder until the job has read it)."""
    from jixiao.benefits.jobs import RETURN
    from jixiao.jobs.services import job_start

    cycle = Cycle.objects.select_related("region").get(pk=batch.cycle_id)
    _check_payments(actor, cycle)
    name = storage.safe_name(Path(getattr(file, "name", None) or str(file)).name, "回盘文件.xlsx")
    if not name.lower().endswith(storage.RETURN_SUFFIXES):
        raise BenefitsInvalid(f"“{name}”不是 .xlsx、.xls 或 .csv 文件")
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("region").get(pk=cycle.pk)
        _refuse(selectors.payments_refusal(actor, cycle))
        _payment_job_running(cycle)
        return job_start(actor=actor, kind=RETURN, region=cycle.region, files={name: file},
                         params={"cycle": cycle.pk, "batch": batch.pk, "file": name},
                         title=f"导入第{batch.number}批回盘：{cycle}")


def payment_account_set(*, actor, payment: Payment, account: str, bank_name: str = "",
                        account_kind: str = "银行卡") -> Payment:
    """Correct the account of a failed payment before it is re-listed (the next batch pays to the new one)."""
    payment = Payment.objects.select_related("cycle", "cycle__region", "batch").get(pk=payment.pk)
    cycle = payment.cycle
    _check_payments(actor, cycle)
    account = "".join((account or "").split())
    if payment.status != P.FAILED or payment.relisted:
        raise BenefitsInvalid("只有失败且尚未重新发放的记录可以更正账号")
    if not account or not account.isdigit() or not 8 <= len(account) <= 32:
        raise BenefitsInvalid("账号应为 8–32 位数字")
    if account_kind not in ("银行卡", "社保卡"):
        raise BenefitsInvalid("账户类型应为“银行卡”或“社保卡”")
    with transaction.atomic():
        old = mask_resident_id(payment.account)
        Payment.objects.filter(pk=payment.pk).update(account=account, bank_name=(bank_name or "").strip()[:100],
                                                     account_kind=account_kind)
        payment.refresh_from_db()
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=payment, about=cycle, region=cycle.region,
                      object_label=f"{payment.name}（{mask_resident_id(payment.id_number)}）",
                      changes={"账号": [old, mask_resident_id(account)]}, note="更正失败记录的账号（下一批按新账号发放）")
    return payment


# ---- from operations into the evaluation -------------------------------------------------------------------


def cycle_allocations_attach(*, actor, cycle: Cycle, project):
    """Write an approved cycle's totals into a stored project's 对下资金分配 and score it again (a new evaluation):
    a city's project gets one row per county with the city's share (the transfer), a county's project one row per
    township with what is paid there. 计划受益人数 are kept from the allocation they replace; 实际受益人数 and so
    the beneficiary target's completion rate come from the cycle. Returns the new evaluation."""
    import dataclasses

    from jixiao.entitlements.allocation import CycleUnusable, allocations_from_units
    from jixiao.evaluations.selectors import project_input_from_db
    from jixiao.evaluations.services import evaluation_store

    _visible(actor, cycle)
    if not permissions.may_on(actor, Action.CHANGE, Kind.PROJECT, region=project.region):
        raise BenefitsDenied("您不能修改这个项目")
    if cycle.state not in ALLOCATABLE:
        raise BenefitsInvalid(f"批次状态为“{cycle.get_state_display()}”：批准后的批次才能作为项目的资金分配")
    if project.current_evaluation is None:
        raise BenefitsInvalid("这个项目还没有评价记录：请先导入项目工作簿")
    project_code = project.region.code
    if not (cycle.region.code.startswith(project_code) or project_code.startswith(cycle.region.code)):
        raise BenefitsInvalid(f"批次的地区（{cycle.region.name}）与项目的所属区划（{project.region.name}）不相交")
    level, share = (CycleTally.Level.TOWNSHIP, "total") if project.region.level == "county" else \
        (CycleTally.Level.COUNTY, "city")
    units = [{"code": t.code, "name": t.name, "persons": t.persons, "amount_yuan": _yuan(t.amount_fen),
              "city_yuan": _yuan(t.city_fen), "county_yuan": _yuan(t.county_fen)}
             for t in cycle.tallies.filter(level=level, code__startswith=project_code).order_by("code")]
    data = project_input_from_db(project.current_evaluation)
    summary = cycle.summary or {}
    source = (f"批次 #{cycle.pk} {summary.get('programme_name', cycle.programme)}{summary.get('period', '')}，"
              f"规则版本 {summary.get('rules', {}).get('version', '')}")
    try:
        allocations = allocations_from_units(units, share=share, source=source, previous=list(data.allocations))
    except CycleUnusable as exc:
        raise BenefitsInvalid(str(exc)) from None
    return evaluation_store(actor=actor, project_input=dataclasses.replace(data, allocations=allocations),
                            source=f"补助发放批次 #{cycle.pk}")
