"""Writes of the rosters app: upload a roster, start a comparison (a background job), store its findings as
the work list (carrying over what staff found in the previous run), assign a finding, set its status, cancel a
dead person's certificate from it, and export a village's 走访清单. Each is one transaction and one audit row."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import tomllib
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.accounts.selectors import user_scope
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.common.pii import mask_resident_id
from jixiao.common.safe_files import xlsx_workbook
from jixiao.comparison.engine_duckdb import input_verify
from jixiao.comparison.inputs import InputUnusable, input_open
from jixiao.comparison.kinds import FINDING_KINDS, KINDS, ROSTER_KINDS, UPLOAD_KINDS
from jixiao.comparison.rules import Rules, RulesInvalid, rules_load
from jixiao.jobs.services import job_start
from jixiao.regions.models import Region
from jixiao.rosters import selectors, storage
from jixiao.rosters.models import ComparisonRun, Finding, RosterFile, RulesOverride
from jixiao.rosters.workflow import NOTE_REQUIRED, FindingStatus, moves_from

S = FindingStatus
ROSTER_SUFFIXES = (".xlsx", ".xls", ".csv", ".parquet")


class RostersDenied(PermissionError):
    pass


class RosterInvalid(ValueError):
    """An upload or a request that cannot be used; the message (Chinese) says which file or field and why."""


def _region(actor) -> Region | None:
    scope = user_scope(actor)
    return Region.objects.filter(pk=scope.region_id).first() if scope.region_id else None


# ---- rosters ------------------------------------------------------------------------------------

def roster_upload(*, actor, kind: str, upload) -> RosterFile:
    """Keep a department's roster for comparisons after checking it as the comparison will read it (the
    columns it needs, IDs not stored as numbers, the bounds): a file that cannot be used is refused whole."""
    if not permissions.may(actor, Action.CREATE, Kind.ROSTER):
        raise RostersDenied(f"您的角色（{permissions.role_label(actor)}）不能上传部门名册")
    if kind not in UPLOAD_KINDS:
        raise RosterInvalid(f"名册类型“{kind}”未知：可选 {'、'.join(KINDS[k].title for k in UPLOAD_KINDS)}")
    name = storage.safe_name(Path(upload.name or "").name, "名册.xlsx")
    if not name.lower().endswith(ROSTER_SUFFIXES):
        raise RosterInvalid(f"“{name}”不是 .xlsx、.xls、.csv 或 .parquet 文件")
    incoming = Path(tempfile.mkdtemp(dir=storage.staging_folder()))
    try:
        path = incoming / name
        digest = hashlib.sha256()
        with storage.private_open(path) as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        work = incoming / "work"
        work.mkdir()
        try:
            checked = input_verify(input_open(kind, path, workdir=work), workdir=work, today=timezone.localdate())
        except InputUnusable as exc:
            raise RosterInvalid(str(exc)) from None
        with transaction.atomic():
            roster = RosterFile.objects.create(
                kind=kind, file_name=name, sha256=digest.hexdigest(), size=path.stat().st_size,
                rows=checked.rows if checked.rows is not None else None, region=_region(actor),
                uploaded_by=actor, uploaded_by_label=actor.get_username())
            folder = storage.roster_folder(roster.pk)
            if folder.exists():  # left by a database that was reset: not this roster's
                shutil.rmtree(folder)
            folder.mkdir(mode=0o700)
            path.replace(storage.roster_path(roster))
            change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=roster,
                          object_label=f"{KINDS[kind].title}：{name}",
                          changes={"行数": [None, roster.rows], "SHA-256": [None, roster.sha256[:16]]},
                          note="上传部门名册")
        return roster
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


# ---- rules ---------------------------------------------------------------------------------------

def rules_override_check(text: str) -> dict:
    """The override's TOML as a dict, refused (RulesInvalid) unless the merged rules load."""
    try:
        values = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError as exc:
        raise RulesInvalid(f"TOML 格式错误：{exc}") from None
    rules_load(overrides=values)
    return values


def rules_for_region(region: Region | None) -> tuple[Rules, RulesOverride | None]:
    override = selectors.rules_override_for(region)
    if override is None:
        return rules_load(), None
    return rules_load(overrides=rules_override_check(override.text)), override


# ---- runs -------------------------------------------------------------------------------------

def comparison_start(*, actor, year: int, rosters: list[RosterFile]) -> ComparisonRun:
    """Queue a comparison of ``year`` over the registry in the actor's region and the chosen rosters (one per
    kind, each visible to the actor); the run's page follows its job."""
    from jixiao.rosters.jobs import COMPARE

    if not selectors.may_compare(actor):
        raise RostersDenied(f"您的角色（{permissions.role_label(actor)}）不能发起名册比对")
    if not 2000 <= int(year) <= 2100:
        raise RosterInvalid(f"比对年度“{year}”不对：应为 2000–2100 之间的年份")
    visible = set(selectors.rosters_visible(actor).filter(pk__in=[r.pk for r in rosters]).values_list("pk", flat=True))
    kinds: dict[str, RosterFile] = {}
    for roster in rosters:
        if roster.pk not in visible:
            raise RostersDenied("所选名册不在您的辖区内")
        if roster.kind not in ROSTER_KINDS:
            raise RosterInvalid(f"{KINDS[roster.kind].title}（{roster.file_name}）不是部门名册，不参加比对")
        if roster.kind in kinds:
            raise RosterInvalid(f"{KINDS[roster.kind].title}选了两份（{kinds[roster.kind].file_name}、"
                                f"{roster.file_name}）：每种名册一份，请先合并")
        kinds[roster.kind] = roster
    if not kinds:
        raise RosterInvalid("请至少选择一份部门名册")
    region = _region(actor)
    with transaction.atomic():
        run = ComparisonRun.objects.create(year=year, region=region, started_by=actor,
                                           started_by_label=actor.get_username())
        run.rosters.set(kinds.values())
        listed = "、".join(f"{KINDS[k].title}（{r.file_name}）" for k, r in kinds.items())
        change_record(actor=actor, action=ChangeRecord.Action.CREATE, obj=run, region=region,
                      object_label=str(run), note=f"发起名册比对：{listed}"[:255])
        job = job_start(actor=actor, kind=COMPARE, params={"run": run.pk, "year": int(year)}, region=region,
                        title=f"{year}年名册比对（{region.name if region else '全部'}）")
        run.job = job
        run.save(update_fields=["job"])
    return run


def comparison_execute(*, run: ComparisonRun, actor, progress=None) -> ComparisonRun:
    """The body of the job: compare, then store the findings as the work list. InputUnusable / RulesInvalid
    leave the run 失败 with the reason (nothing stored)."""
    from jixiao.comparison.run import compare, registry_input
    from jixiao.registry.selectors import registry_table_for_comparison

    ComparisonRun.objects.filter(pk=run.pk).update(status=ComparisonRun.Status.RUNNING)
    out = storage.run_folder(run.pk)
    try:
        rules, override = rules_for_region(run.region)
        rosters = {r.kind: storage.roster_path(r) for r in run.rosters.all()}
        table = registry_table_for_comparison(user=actor)
        result = compare(year=run.year, registry=registry_input(table), rosters=rosters, out=out, rules=rules,
                         progress=progress, keep_parquet=True)
    except (InputUnusable, RulesInvalid, OSError) as exc:
        message = str(exc) if not isinstance(exc, OSError) else f"名册文件无法读取：{exc.strerror or exc}"
        for roster in run.rosters.all():  # the user's file names, not where the server keeps them
            message = message.replace(str(storage.roster_path(roster)), roster.file_name)
        ComparisonRun.objects.filter(pk=run.pk).update(status=ComparisonRun.Status.FAILED, message=message[:1000],
                                                        finished_at=timezone.now())
        raise RosterInvalid(message) from None
    summary = result.summary
    with transaction.atomic():
        run = ComparisonRun.objects.select_for_update().get(pk=run.pk)
        findings_store(run=run, parquet=out / "findings.parquet")
        carried = findings_carry_over(run=run)
        ComparisonRun.objects.filter(region=run.region, year=run.year, is_current=True).update(is_current=False)
        run.status, run.finished_at, run.is_current = ComparisonRun.Status.DONE, timezone.now(), True
        run.inputs = [{k: i.get(k) for k in ("kind", "file", "sha256", "rows")} for i in summary["inputs"]]
        run.rules_version, run.rules_digest, run.rules_override = rules.version, rules.digest, override
        run.counts, run.total, run.carried_over = summary["counts"], summary["counts"]["total"], carried
        run.message = "；".join(summary["not_compared"])[:1000]
        run.save()
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=run, region=run.region,
                      changes={"状态": ["运行中", "已完成"], "发现": [None, run.total], "沿用核实结果": [None, carried]},
                      note=f"名册比对完成，规则 {rules.version}")
    (out / "findings.parquet").unlink(missing_ok=True)
    return run


def comparison_failed(*, run_id: int, message: str) -> None:
    ComparisonRun.objects.filter(pk=run_id).exclude(status=ComparisonRun.Status.DONE).update(
        status=ComparisonRun.Status.FAILED, message=message[:1000], finished_at=timezone.now())


_FINDING_COLUMNS = ("kind", "programme", "roster", "row", "id_number", "name", "region_code", "suggestion", "note",
                    "event_date", "key")


def findings_store(*, run: ComparisonRun, parquet: Path) -> int:
    """The run's findings from the engine's table into the database in batches (no model object per row), then
    where each lies — the registry person's region when that person is inside the run's region, else the run's
    region — in two UPDATEs."""
    import duckdb

    con = duckdb.connect()
    try:
        path = str(parquet).replace("'", "''")
        reader = con.execute(f"""
SELECT kind, programme, roster, row, SUBSTR(id, 1, 64), SUBSTR(COALESCE(name, ''), 1, 100),
       SUBSTR(COALESCE(region_code, ''), 1, 20), SUBSTR(COALESCE(suggestion, ''), 1, 20), note,
       TRY_CAST(NULLIF(event_date, '') AS DATE),
       SUBSTR(kind || '|' || programme || '|' || roster || '|' || id || '|' || COALESCE(suggestion, ''), 1, 160)
FROM read_parquet('{path}')""").to_arrow_reader(20_000)
        table, n = Finding._meta.db_table, 0
        columns = ", ".join(connection.ops.quote_name(c) for c in ("run_id", *_FINDING_COLUMNS, "status", "status_note"))
        marks = ", ".join(["%s"] * (len(_FINDING_COLUMNS) + 3))
        with connection.cursor() as cursor:
            for batch in reader:
                rows = list(zip(*[c.to_pylist() for c in batch.columns], strict=True))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                                   [(run.pk, *r, S.PENDING, "") for r in rows])
                n += len(rows)
    finally:
        con.close()
    _findings_locate(run)
    return n


def _findings_locate(run: ComparisonRun) -> None:
    from jixiao.registry.models import Person

    finding, person, region = Finding._meta.db_table, Person._meta.db_table, Region._meta.db_table
    inside, params = "", [run.pk]
    if run.region is not None:
        inside, params = " AND r.path LIKE %s", [run.region.path + "%", run.pk]
    with connection.cursor() as cursor:
        cursor.execute(f"""
UPDATE {finding} SET person_id = (
  SELECT p.id FROM {person} p JOIN {region} r ON r.id = p.region_id
  WHERE p.id_number = {finding}.id_number{inside})
WHERE run_id = %s""", params)
        cursor.execute(f"""
UPDATE {finding} SET region_id = COALESCE((SELECT p.region_id FROM {person} p WHERE p.id = {finding}.person_id), %s)
WHERE run_id = %s""", [run.region_id, run.pk])


def findings_carry_over(*, run: ComparisonRun) -> int:
    """Findings of the previous current run of the region and year that persist (same kind, programme, roster,
    ID and suggestion) keep what staff recorded: status, note, assignee. Only the findings someone touched are
    read (the work done by hand), then written back a group at a time."""
    previous = ComparisonRun.objects.filter(region=run.region, year=run.year, is_current=True).exclude(pk=run.pk).first()
    if previous is None:
        return 0
    touched = (Finding.objects.filter(run=previous).exclude(status=S.PENDING, assignee__isnull=True)
               .values_list("key", "status", "status_note", "assignee_id", "changed_at"))
    groups: dict[tuple, list[str]] = defaultdict(list)
    for key, status, note, assignee, changed in touched.iterator(chunk_size=5000):
        groups[(status, note, assignee, changed)].append(key)
    carried = 0
    for (status, note, assignee, changed), keys in groups.items():
        for i in range(0, len(keys), 500):
            carried += Finding.objects.filter(run=run, key__in=keys[i:i + 500]).update(
                status=status, status_note=note, assignee_id=assignee, changed_at=changed)
    return carried


# ---- the work list ------------------------------------------------------------------------------

def _label(finding: Finding) -> str:
    return f"{FINDING_KINDS.get(finding.kind, finding.kind)}：{finding.name or ''}（{mask_resident_id(finding.id_number)}）"


def _check_change(actor, finding: Finding) -> None:
    if not finding.run.is_current:
        raise RostersDenied("这条发现属于已被新比对取代的结果，请在最新一次比对中处理")
    if not selectors.may_change_finding(actor, finding):
        raise RostersDenied(f"您的角色（{permissions.role_label(actor)}）不能处理这条发现")


def finding_status_set(*, actor, finding: Finding, status: str, note: str = "") -> Finding:
    """Move a finding along the work list (``workflow.TRANSITIONS``), with the note saying what was found."""
    _check_change(actor, finding)
    note = (note or "").strip()
    if status not in moves_from(finding.status):
        raise RosterInvalid(f"状态不能从“{S(finding.status).label}”改为“{S(status).label if status in S.values else status}”")
    if status in NOTE_REQUIRED and not note:
        raise RosterInvalid(NOTE_REQUIRED[status])
    if len(note) > 2000:
        raise RosterInvalid("核实情况最多 2000 字")
    with transaction.atomic():
        old = S(finding.status).label
        finding.status, finding.changed_at = status, timezone.now()
        if note:
            finding.status_note = note
        finding.save(update_fields=["status", "status_note", "changed_at"])
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=finding, region=finding.region,
                      object_label=_label(finding), changes={"核实状态": [old, S(status).label]},
                      note=(f"核实情况：{note}" if note else "核实状态变更")[:255])
    return finding


def finding_assign(*, actor, finding: Finding, assignee) -> Finding:
    """Give a finding to a township or village user whose region holds it (None: nobody)."""
    _check_change(actor, finding)
    if assignee is not None and assignee.pk not in {u.pk for u in selectors.assignable_users(actor=actor, finding=finding)}:
        raise RosterInvalid("只能指派给发现所在乡镇（街道）或村（社区）的用户")
    with transaction.atomic():
        old = finding.assignee.get_username() if finding.assignee else None
        finding.assignee = assignee
        finding.save(update_fields=["assignee"])
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=finding, region=finding.region,
                      object_label=_label(finding),
                      changes={"核实人": [old, assignee.get_username() if assignee else None]}, note="指派核实")
    return finding


def finding_certificate_cancel(*, actor, finding: Finding, on: date | None = None, note: str = "") -> Finding:
    """From a ``deceased_active`` finding: cancel the person's certificate (reason 死亡, the date from the death
    list unless the user gives one), and mark the finding 已处理 — both in one transaction."""
    from jixiao.registry.models import Certificate
    from jixiao.registry.services import RegistryDenied, certificate_cancel

    _check_change(actor, finding)
    if not selectors.may_cancel_certificate(actor, finding):
        raise RostersDenied("只有县级用户可以从“死亡人员持有效证”的发现注销残疾人证")
    on = on or finding.event_date
    if on is None:
        raise RosterInvalid("死亡人员名单没有可用的死亡日期，请填写注销日期")
    if on > timezone.localdate():
        raise RosterInvalid("注销日期不能晚于今天")
    source = f"{finding.run.year}年名册比对第 {finding.run.pk} 次：死亡人员名单第{finding.row}行"
    with transaction.atomic():
        try:
            certificate_cancel(actor=actor, person=finding.person, reason=Certificate.CancelReason.DEATH, on=on,
                               source=source)
        except RegistryDenied as exc:
            raise RostersDenied(str(exc)) from None
        old = S(finding.status).label
        text = f"已注销残疾人证（死亡，{on.isoformat()}）" + (f"：{note.strip()}" if note and note.strip() else "")
        finding.status, finding.status_note, finding.changed_at = S.HANDLED, text[:2000], timezone.now()
        finding.save(update_fields=["status", "status_note", "changed_at"])
        change_record(actor=actor, action=ChangeRecord.Action.UPDATE, obj=finding, region=finding.region,
                      object_label=_label(finding), changes={"核实状态": [old, S.HANDLED.label]}, note=text[:255])
    return finding


VISIT_HEADER = ["序号", "户籍地区划代码", "村（社区）", "姓名", "身份证号", "发现类型", "说明", "核实状态", "核实情况",
                "走访结果", "走访人签字"]


def visit_list_write(*, actor, run: ComparisonRun, region: Region, out_path: Path) -> int:
    """The 走访清单 of ``region`` (a village, or a township with its villages): the person-level findings of the
    run the actor may see, sorted by village, as .xlsx with room for the visit's result. IDs whole only for the
    roles that see them whole. Recorded (it lists personal data). Returns the number of rows."""
    from jixiao.registry.selectors import may_unmask

    unmasked = may_unmask(actor)
    workbook = xlsx_workbook(out_path)
    sheet = workbook.add_worksheet("走访清单")
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top", "num_format": "@"})
    sheet.write(0, 0, f"{run.year}年名册比对走访清单：{region.name}", title)
    sheet.write(1, 0, f"比对时间 {timezone.localtime(run.started_at):%Y-%m-%d %H:%M}，规则 {run.rules_version}；"
                      f"导出 {timezone.localtime():%Y-%m-%d %H:%M}（{actor.get_username()}）")
    sheet.write_row(3, 0, VISIT_HEADER, bold)
    for col, width in enumerate((6, 15, 18, 10, 21, 16, 60, 9, 30, 24, 12)):
        sheet.set_column(col, col, width)
    n = 0
    for n, f in enumerate(selectors.visit_findings(user=actor, run=run, region=region).iterator(chunk_size=2000), 1):
        sheet.write_row(3 + n, 0, [
            n, f.region_code, f.region.name if f.region else "", f.name,
            f.id_number if unmasked else mask_resident_id(f.id_number), FINDING_KINDS.get(f.kind, f.kind), f.note,
            S(f.status).label, f.status_note, "", ""], cell)
    sheet.freeze_panes(4, 0)
    sheet.repeat_rows(3)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    workbook.close()
    change_record(actor=actor, action=ChangeRecord.Action.EXPORT, obj=run, region=region,
                  object_label=f"{region.name}走访清单（{n} 条）", changes={"条数": [None, n]},
                  note=f"导出走访清单：{region.name}{'（含完整身份证号）' if unmasked else ''}")
    return n

