"""`jixiao import registry`: a registry file into the database, all or nothing per run.

One transaction: a run killed at any moment leaves the registry as it was before it (the
database rolls the transaction back) or as after it, never between. Valid rows are imported
and every rejected one is reported (行号, 列, 原值, 原因) unless ``strict``; ``dry_run`` checks
everything, against the database too, and keeps nothing. Re-importing the same file changes
nothing; a row that changes a person updates them and writes their history (old → new).

Rows are read and checked in chunks, so a million-row file is never a million Python objects."""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jixiao.common.limits import current_limits
from jixiao.common.safe_files import csv_writer, xlsx_workbook
from jixiao.registry import pipeline as P
from jixiao.registry.columns import CATEGORY_NAMES, GENERATION_NAMES, LEVEL_NAMES, REASON_NAMES, STATUS_NAMES
from jixiao.registry.models import Certificate, ImportBatch, Person, PersonChange, RegistryTally
from jixiao.registry.sources import FileUnreadable
from jixiao.registry.validation import RowProblem

ERROR_COLUMNS = ["行号", "列", "原值", "原因"]


@dataclass
class ImportResult:
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows with at least one problem
    problems: int = 0
    committed: bool = False
    dry_run: bool = False
    strict: bool = False
    batch_id: int | None = None
    error_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_status(self) -> int:
        return 1 if self.rejected else 0

    def summary(self) -> str:
        verb = "校验" if self.dry_run else "导入"
        head = f"{self.file_name}：共 {self.rows} 行，新增 {self.created}，更新 {self.updated}，无变化 {self.unchanged}，拒绝 {self.rejected}"
        if self.dry_run:
            tail = "（仅校验，未写入登记库）"
        elif not self.committed:
            tail = "（严格模式：有被拒绝的行，全部未导入，登记库未改变）" if self.strict else "（未写入）"
        else:
            tail = f"，用时 {self.seconds:.1f} 秒"
        return f"{verb}{head}{tail}"


class _Rollback(Exception):
    pass


MAX_OMITTED_GROUPS = 1_000  # kinds of problem counted beyond the listed ones; the rest count as 其他原因
_QUOTED = re.compile(r"“[^”]*”")
_ROW_NUMBER = re.compile(r"第\d+行")


def reason_kind(reason: str) -> str:
    """A reason without the row's own values, to count alike problems together:
    “与第12行的身份证号相同” → “与第…行的身份证号相同”, “区划代码“530999”不在区划表中” → “区划代码“…”不在区划表中”."""
    return _ROW_NUMBER.sub("第…行", _QUOTED.sub("“…”", reason))


class _ProblemSink:
    """Problems as they are found: the first ``listed`` (JIXIAO_ERROR_REPORT_MAX_ROWS) go to a scratch
    file in full, the rest are only counted per column and kind of reason — a bad file can have a
    million problems, and its report must stay small."""

    def __init__(self, listed: int | None = None):
        handle, name = tempfile.mkstemp(prefix="jixiao-registry-errors-", suffix=".jsonl")
        self.path = Path(name)
        self.handle = os.fdopen(handle, "w", encoding="utf-8")
        self.listed = max(1, current_limits().error_report_max_rows if listed is None else listed)
        self.count = 0
        self.rows: set[int] = set()
        self.omitted: Counter = Counter()  # (column, reason kind) → problems not listed

    def add(self, problem: RowProblem | tuple) -> None:
        row, column, value, reason = problem
        if self.count < self.listed:
            self.handle.write(json.dumps([row, column, value, reason], ensure_ascii=False) + "\n")
        else:
            key = (column, reason_kind(reason))
            if key not in self.omitted and len(self.omitted) >= MAX_OMITTED_GROUPS:
                key = (column, "其他原因")
            self.omitted[key] += 1
        self.count += 1
        self.rows.add(row)

    def close(self) -> None:
        self.handle.close()


def write_error_reports(listed_path: Path, target: Path, omitted: Counter | None = None) -> list[Path]:
    """PATH.csv and PATH.xlsx (columns 行号, 列, 原值, 原因): the listed problems, then — when there were
    more — one line saying how many were left out and one per column and kind of reason with its count
    (行号 and 原值 empty). Values are the user's text: text cells in the .xlsx, neutralised in the .csv."""
    target = Path(target)
    base = target.with_suffix("") if target.suffix.lower() in (".csv", ".xlsx") else target
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = base.with_name(base.name + ".csv"), base.with_name(base.name + ".xlsx")
    omitted = omitted or Counter()
    workbook = xlsx_workbook(xlsx_path, constant_memory=True)
    sheet = workbook.add_worksheet("错误报告")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 24, text)
    sheet.set_column(3, 3, 80)
    sheet.write_row(0, 0, ERROR_COLUMNS, bold)
    with csv_path.open("w", encoding="utf-8-sig", newline="") as out, \
            listed_path.open(encoding="utf-8") as listed:
        writer = csv_writer(out)
        writer.writerow(ERROR_COLUMNS)
        i = 0
        for i, line in enumerate(listed, start=1):
            row, column, value, reason = json.loads(line)
            writer.writerow([row, column, value, reason])
            sheet.write_number(i, 0, row)
            for j, cell in enumerate((column, value, reason), start=1):
                sheet.write_string(i, j, cell)
        if omitted:
            summary = [("", f"另有 {sum(omitted.values()):,} 个问题未列出（错误报告只列出前 {i:,} 个），按列和原因计如下")]
            summary += [(column, f"{count:,} 个：{kind}")
                        for (column, kind), count in sorted(omitted.items(), key=lambda item: (-item[1], item[0]))]
            for k, (column, note) in enumerate(summary, start=i + 1):
                writer.writerow(["", column, "", note])
                sheet.write_string(k, 1, column)
                sheet.write_string(k, 3, note, bold if not column else None)
    workbook.close()
    return [csv_path, xlsx_path]


def default_error_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.错误报告")


def region_codes() -> dict[str, tuple]:
    """Every numeric code of the region table → (id, path), with what is loaded below each county
    (see ``regions.selectors.region_code_index``)."""
    from jixiao.regions.selectors import region_code_index

    return region_code_index()


# What a row may change of a person already registered: (field, label, tuple, position in it).
_FIELDS = (
    ("region_code", "户籍地区划代码", "person", P.REGION_CODE), ("address", "户籍地址", "person", P.ADDRESS),
    ("phone", "联系电话", "person", P.PHONE), ("generation", "证件代别", "cert", P.GENERATION),
    ("category", "残疾类别", "cert", P.CATEGORY), ("level", "残疾等级", "cert", P.LEVEL),
    ("status", "证件状态", "cert", P.STATUS), ("cancel_reason", "注销原因", "cert", P.REASON),
    ("cancel_date", "注销日期", "cert", P.CANCEL), ("issued_on", "发证日期", "cert", P.ISSUED),
    ("bank_card", "银行卡号", "person", P.BANK_CARD), ("social_card", "社保卡号", "person", P.SOCIAL_CARD),
    ("bank_name", "开户行", "person", P.BANK_NAME),
)
_PAYMENT_AT = {"bank_card": P.BANK_CARD, "social_card": P.SOCIAL_CARD, "bank_name": P.BANK_NAME}  # PAYMENT_KEYS


def _kept_columns(positions: dict[str, int]) -> tuple[tuple[int, str], ...]:
    """(place in a person tuple, field) of the optional payment columns the file does not have: what the registry
    holds there stays (a file in the older format must not clear the accounts the payment lists are made of)."""
    return tuple((at, key) for key, at in _PAYMENT_AT.items() if key not in positions)


_SHOWN = {"generation": GENERATION_NAMES, "category": CATEGORY_NAMES, "level": LEVEL_NAMES, "status": STATUS_NAMES,
          "cancel_reason": REASON_NAMES}


def _shown(field_name: str, value) -> str | None:
    if value is None or value == "":
        return None
    if field_name in _SHOWN:
        return _SHOWN[field_name].get(value, str(value))
    return str(value)


class _Writer:
    """Bulk writes inside the import transaction (raw SQL: the ORM costs ~20 µs a row)."""

    def __init__(self):
        self.vendor = connection.vendor
        self.person_table = Person._meta.db_table
        self.cert_table = Certificate._meta.db_table
        # (region id, category, level, status) → change in persons, written to RegistryTally by finish()
        self.tally: Counter = Counter()

    def lock_and_first_id(self) -> int:
        """Hold the person table for this run and return the first free id (ids are given by the reader)."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {self.person_table} IN EXCLUSIVE MODE")
            elif self.vendor == "sqlite":
                # A million-row index does not fit SQLite's default 8 MB page cache; 256 MB does.
                cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.person_table}")
            return cursor.fetchone()[0] + 1

    def finish(self) -> None:
        if self.vendor == "postgresql":  # the ids were given here, not drawn from the sequence
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{self.person_table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {self.person_table}))")
        tally_apply(self.tally)

    def insert(self, persons: list[tuple], certificates: list[tuple]) -> None:
        self._bulk(self.person_table, P.PERSON_COLUMNS, persons)
        self._bulk(self.cert_table, P.CERTIFICATE_COLUMNS, certificates)
        self.tally.update(zip(map(_REGION, persons), map(_CATEGORY, certificates), map(_LEVEL, certificates),
                              map(_STATUS, certificates), strict=True))

    def _bulk(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def update(self, changes: list[tuple[int, tuple, tuple, bool, dict]], actor, actor_label: str, batch_id: int,
               now) -> None:
        """(person id, person tuple, certificate tuple, has a certificate, field changes) per changed person."""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {self.person_table} SET region_id = %s, region_code = %s, list_partition = %s, address = %s, "
                f"phone = %s, bank_card = %s, social_card = %s, bank_name = %s, updated_at = %s WHERE id = %s",
                [(p[P.REGION_ID], p[P.REGION_CODE], p[P.PARTITION], p[P.ADDRESS], p[P.PHONE], p[P.BANK_CARD],
                  p[P.SOCIAL_CARD], p[P.BANK_NAME], now, pk)
                 for pk, p, _, _, _ in changes],
            )
            with_cert = [(*c[1:], pk) for pk, _, c, has_cert, _ in changes if has_cert]
            if with_cert:
                cursor.executemany(
                    f"UPDATE {self.cert_table} SET number = %s, generation = %s, category = %s, level = %s, "
                    f"status = %s, cancel_reason = %s, cancel_date = %s, issued_on = %s WHERE person_id = %s",
                    with_cert,
                )
        self._bulk(self.cert_table, P.CERTIFICATE_COLUMNS,
                   [(pk, *c[1:]) for pk, _, c, has_cert, _ in changes if not has_cert])
        PersonChange.objects.bulk_create(
            PersonChange(person_id=pk, actor=actor, actor_label=actor_label, batch_id=batch_id,
                         action=PersonChange.Action.UPDATE, changes=diff)
            for pk, _, _, _, diff in changes
        )


_REGION, _CATEGORY, _LEVEL, _STATUS = (itemgetter(P.REGION_ID), itemgetter(P.CATEGORY), itemgetter(P.LEVEL),
                                       itemgetter(P.STATUS))


def tally_apply(deltas: Counter) -> None:
    """Add the changes in persons per (region, category, level, status) to RegistryTally (a few rows)."""
    deltas = {key: n for key, n in deltas.items() if n}
    if not deltas:
        return
    rows = {(t.region_id, t.category, t.level, t.status): t for t in
            RegistryTally.objects.filter(region_id__in={key[0] for key in deltas})}
    changed, new = [], []
    for key, n in deltas.items():
        if key in rows:
            rows[key].persons += n
            changed.append(rows[key])
        else:
            new.append(RegistryTally(region_id=key[0], category=key[1], level=key[2], status=key[3], persons=n))
    RegistryTally.objects.bulk_update(changed, ["persons"], batch_size=500)
    RegistryTally.objects.bulk_create(new, batch_size=500)


def registry_tally_rebuild() -> int:
    """RegistryTally recomputed from the persons and certificates (one GROUP BY); returns the rows written."""
    from django.db.models import Count

    with transaction.atomic():
        RegistryTally.objects.all().delete()
        groups = (Certificate.objects.values_list("person__region_id", "category", "level", "status")
                  .annotate(n=Count("person_id")).order_by())
        rows = [RegistryTally(region_id=r, category=c, level=lv, status=st, persons=n) for r, c, lv, st, n in groups]
        RegistryTally.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _existing(id_numbers: list[str]) -> dict[str, dict]:
    """What the registry holds for these IDs, dates as ISO text like a ready row (one query a chunk)."""
    found: dict[str, dict] = {}
    for person in Person.objects.filter(id_number__in=id_numbers).values(
            "pk", "id_number", "name", "region_id", "region_code", "address", "phone", "bank_card", "social_card",
            "bank_name"):
        found[person["id_number"]] = {**person, "certificate": None}
    if found:
        certificates = Certificate.objects.filter(person__id_number__in=list(found)).values(
            "person__id_number", "generation", "category", "level", "status", "cancel_reason", "cancel_date",
            "issued_on")
        for cert in certificates:
            for key in ("cancel_date", "issued_on"):
                cert[key] = cert[key].isoformat() if cert[key] else None
            found[cert.pop("person__id_number")]["certificate"] = cert
    return found


# A row about a person the registry holds outside the importer's region: refused, and the reason says
# nothing of what the registry holds (not the name, region, phone or certificate) — only what to do.
OUTSIDE_SCOPE = ("该身份证号的人员不在您的辖区内登记，本行未导入；如其户籍已迁入本辖区，请由原辖区或上级办理迁移")


def import_scope(actor) -> str | None:
    """The region path a registry import by ``actor`` is limited to; ``None`` means every region.

    ``actor=None`` is the command line without ``--actor`` (the administrator's tool): unrestricted.
    Any other actor imports only if the permissions module allows it, and only within their region
    unless their reach is everything. Raises ``RegistryDenied`` otherwise."""
    from jixiao.accounts import permissions
    from jixiao.accounts.selectors import user_scope
    from jixiao.registry.services import RegistryDenied

    if actor is None:
        return None
    reach = permissions.reach(actor, permissions.Action.CREATE, permissions.Kind.REGISTRY_IMPORT)
    if reach is None:
        raise RegistryDenied(f"您的角色（{permissions.role_label(actor)}）不能导入名册")
    return None if reach is permissions.Reach.ALL else user_scope(actor).region_path


def _compare(row: int, person: tuple, cert: tuple, held: dict) -> tuple[tuple | None, dict]:
    """(conflict as a problem, or None; field changes label → [old, new]) of a row against the registry."""
    if held["name"] != person[P.NAME]:
        return (row, "姓名", person[P.NAME],
                f"登记库中该身份证号的姓名为“{held['name']}”，与本行“{person[P.NAME]}”不一致；"
                "姓名不随名册导入更改，请核实后在登记库中更正"), {}
    old_cert = held["certificate"]
    if (old_cert and old_cert["status"] == "cancelled" and old_cert["cancel_reason"] == "death"
            and cert[P.STATUS] == "valid"):
        return (row, "证件状态", "有效", "登记库中该证已因死亡注销，不能通过导入恢复为有效"), {}
    diff: dict[str, list] = {}
    for name, label, where, index in _FIELDS:
        if where == "person":
            old, new = held[name], person[index]
        else:
            old, new = (old_cert[name] if old_cert else None), cert[index]
        if (old if old != "" else None) != (new if new != "" else None):
            diff[label] = [_shown(name, old), _shown(name, new)]
    if held["region_id"] != person[P.REGION_ID] and "户籍地区划代码" not in diff:
        diff["户籍地区划代码"] = [held["region_code"], person[P.REGION_CODE]]
    return None, diff


def registry_import(path, *, actor, dry_run: bool = False, strict: bool = False, errors_path=None,
                    progress: Callable[[int, int | None], None] | None = None, today: date | None = None,
                    parallel: bool = True) -> ImportResult:
    """Import a registry file. Raises FileUnreadable when the file cannot be used at all, and
    RegistryDenied when ``actor`` may not import.

    The actor decides the scope (``import_scope``): a row may create or change a person only if the
    person's region in the registry and the row's region both lie in the actor's region; ``actor=None``
    (the command line without ``--actor``) accepts every known region.
    ``parallel``: read and check the file in a worker process while this one writes."""
    from jixiao.changelog.models import ChangeRecord
    from jixiao.changelog.services import change_record

    started = time.perf_counter()
    source = Path(path)
    if not source.is_file():
        raise FileUnreadable(f"找不到文件“{source}”")
    scope_path = import_scope(actor)
    today = today or timezone.localdate()
    result = ImportResult(file_name=source.name, dry_run=dry_run, strict=strict)
    actor_label = actor.get_username() if actor is not None else "命令行"
    by_code = region_codes()
    held_paths = _region_paths() if scope_path is not None else None
    sink = _ProblemSink()
    messages = None
    collecting = gc.isenabled()
    gc.disable()  # a million rows of tuples, no cycles: the cyclic collector would only slow the writes
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(  # the first write: on SQLite it takes the write lock for the run
                file_name=source.name[:255], actor=actor, actor_label=actor_label, strict=strict,
                status=ImportBatch.Status.DRY_RUN if dry_run else ImportBatch.Status.RUNNING)
            writer = _Writer()
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            stamp = P.Stamp(writer.lock_and_first_id(), batch.pk, now)
            registry_empty = not Person.objects.exists()
            messages = P.stream(source, today, by_code, scope_path, stamp, parallel=parallel)
            first = next(messages)
            if first[0] == "unreadable":
                raise FileUnreadable(first[1])
            total = first[2]
            kept = _kept_columns(first[1])
            for message in messages:
                if message[0] != "chunk":
                    continue
                _, read, persons, certificates, rows, problems = message
                for problem in problems:
                    sink.add(problem)
                result.rows += read
                if registry_empty:
                    writer.insert(persons, certificates)
                    result.created += len(persons)
                else:
                    _merge(persons, certificates, rows, result, sink, writer, actor, actor_label, batch.pk, now,
                           scope_path, held_paths, kept)
                if progress:
                    progress(result.rows, max(total or 0, result.rows) or None)
            writer.finish()
            result.rejected = len(sink.rows)
            result.problems = sink.count
            if dry_run or (strict and result.rejected):
                raise _Rollback
            batch.status = ImportBatch.Status.DONE
            batch.finished_at = timezone.now()
            for name in ("rows", "created", "updated", "unchanged", "rejected"):
                setattr(batch, name, getattr(result, name))
            batch.message = result.summary()[:2000]
            batch.save()
            change_record(actor=actor, action=ChangeRecord.Action.IMPORT, obj=batch,
                          changes={"新增": [None, result.created], "更新": [None, result.updated],
                                   "拒绝": [None, result.rejected]},
                          note=f"导入残疾人登记名册“{source.name}”")
            result.batch_id = batch.pk
        result.committed = True
    except _Rollback:
        result.committed = False
    except BaseException:
        sink.close()
        sink.path.unlink(missing_ok=True)
        raise
    finally:
        if collecting:
            gc.enable()
        if messages is not None:
            messages.close()
        sink.close()
    try:
        result.seconds = time.perf_counter() - started
        if sink.count:
            result.error_files = write_error_reports(sink.path, errors_path or default_error_path(source), sink.omitted)
    finally:
        sink.path.unlink(missing_ok=True)  # also when the file was unreadable or the import failed
    return result


def _region_paths() -> dict[int, str]:
    """Region id → path, for checking where the registry holds a person."""
    from jixiao.regions.models import Region

    return dict(Region.objects.values_list("pk", "path"))


def _merge(persons: list[tuple], certificates: list[tuple], rows: list[int], result: ImportResult, sink: _ProblemSink,
           writer: _Writer, actor, actor_label: str, batch_id: int, now, scope_path: str | None = None,
           held_paths: dict[int, str] | None = None, kept: tuple[tuple[int, str], ...] = ()) -> None:
    """A chunk against a registry that already holds people: insert the new, update the changed.

    With ``scope_path``, a person the registry holds outside it is not touched and the row is refused
    before it is compared (the comparison's messages quote what the registry holds). ``kept``: the payment
    columns the file lacks (``_kept_columns``), taken from what the registry holds for a person it knows."""
    if not persons:
        return
    held = _existing([p[P.ID] for p in persons])
    new_persons, new_certificates = [], []
    changed: list[tuple[int, tuple, tuple, bool, dict]] = []
    for person, cert, row in zip(persons, certificates, rows, strict=True):
        existing = held.get(person[P.ID])
        if existing is None:
            new_persons.append(person)
            new_certificates.append(cert)
            continue
        if scope_path is not None and not held_paths.get(existing["region_id"], "").startswith(scope_path):
            sink.add((row, "身份证号", person[P.ID], OUTSIDE_SCOPE))
            continue
        if kept:
            person = list(person)
            for at, key in kept:
                person[at] = existing[key]
            person = tuple(person)
        conflict, diff = _compare(row, person, cert, existing)
        if conflict:
            sink.add(conflict)
        elif diff:
            changed.append((existing["pk"], person, cert, existing["certificate"] is not None, diff))
            held_cert = existing["certificate"]
            if held_cert is not None:
                writer.tally[(existing["region_id"], held_cert["category"], held_cert["level"], held_cert["status"])] -= 1
            writer.tally[(person[P.REGION_ID], cert[P.CATEGORY], cert[P.LEVEL], cert[P.STATUS])] += 1
        else:
            result.unchanged += 1
    if new_persons:
        writer.insert(new_persons, new_certificates)
        result.created += len(new_persons)
    if changed:
        writer.update(changed, actor, actor_label, batch_id, now)
        result.updated += len(changed)


def progress_file_writer(path: Path) -> Callable[[int, int | None], None]:
    """A progress callback writing {"rows": n, "total": about, "at": time} atomically (read by the web page)."""

    def write(rows: int, total: int | None = None) -> None:
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps({"rows": rows, "total": total, "at": time.time()}), encoding="utf-8")
        partial.replace(path)

    return write
