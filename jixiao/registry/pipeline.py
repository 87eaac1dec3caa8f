"""The reading half of an import: file → checked, region-resolved rows ready for the database.

It runs in a worker process beside the importer, so that parsing and checking the next rows
overlaps with the database writing the previous ones (two cores: a million rows in well under
twice the time of a bare read). It touches no database: it gets the region codes it needs and
sends back chunks of ready rows and of problems through a pipe."""

from __future__ import annotations

import gc
import multiprocessing
import sys
import traceback
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from jixiao.registry.sources import FileUnreadable, open_registry
from jixiao.registry.validation import ChunkValidator, Record, RowProblem

CHUNK_ROWS = 10_000

# Ready rows are the exact parameter tuples of the two INSERTs (plain tuples: cheap to pickle; dates
# as ISO text, which both databases take), so the importer only hands them to the database.
PERSON_COLUMNS = ("id", "id_number", "name", "sex", "birth_date", "region_id", "region_code", "address", "phone",
                  "created_batch_id", "updated_at", "list_partition", "bank_card", "social_card", "bank_name")
CERTIFICATE_COLUMNS = ("person_id", "number", "generation", "category", "level", "status", "cancel_reason",
                       "cancel_date", "issued_on")
(PK, ID, NAME, SEX, BIRTH, REGION_ID, REGION_CODE, ADDRESS, PHONE) = range(9)  # in a person tuple
PARTITION = 11
(BANK_CARD, SOCIAL_CARD, BANK_NAME) = range(12, 15)
(NUMBER, GENERATION, CATEGORY, LEVEL, STATUS, REASON, CANCEL, ISSUED) = range(1, 9)  # in a certificate tuple


class Stamp(NamedTuple):
    """What the importer fixes before reading starts: the first free person id, the batch, the time."""

    first_id: int
    batch_id: int
    now: str


_LOADED_LEVEL = ((9, "乡镇/街道"), (12, "村/社区"))


def region_lookup(by_code: dict[str, tuple]):
    """code → (region id, path, partition) by the longest known prefix (12, 9, then 6 digits), memoised.

    Where the county's township (village) level is loaded whole — its entry in ``by_code`` carries the
    code lengths loaded below it (``regions.selectors.region_code_index``) — an unknown 9- (12-) digit
    code does not fall back to a shorter prefix: the result is the message saying so (a str)."""
    cache: dict[str, tuple | str | None] = {}

    def resolve(code: str):
        try:
            return cache[code]
        except KeyError:
            found = None
            for length in (12, 9, 6):
                if len(code) >= length and code[:length] in by_code:
                    found = by_code[code[:length]]
                    break
            county = by_code.get(code[:6]) if found is not None and len(code) > 6 else None
            if county is not None and len(county) > 3:
                for length, label in _LOADED_LEVEL:
                    if length in county[4] and len(code) >= length and code[:length] not in by_code:
                        found = f"户籍地区划代码“{code}”不在区划表中：{county[3]}的{label}代码已载入，请核对"
                        break
            cache[code] = found
            return found

    return resolve


class _Screen:
    """Region, scope and within-file duplicate checks; turns records into INSERT parameters with ids."""

    def __init__(self, by_code, scope_path, stamp: Stamp):
        self.resolve = region_lookup(by_code)
        self.scope_path = scope_path
        self.seen: dict[str, int] = {}
        self.iso: dict[date, str] = {}
        self.next_id = stamp.first_id
        self.stamp = stamp

    def date(self, value):
        if value is None:
            return None
        try:
            return self.iso[value]
        except KeyError:
            text = self.iso[value] = value.isoformat()
            return text

    def __call__(self, records: list[Record], problems: list[RowProblem]) -> tuple[list, list, list]:
        accepted = []
        seen, resolve, scope = self.seen, self.resolve, self.scope_path
        for r in records:
            region = resolve(r.region_code)
            if region is None or isinstance(region, str):
                problems.append(RowProblem(r.row, "户籍地区划代码", r.region_code, region or
                                           f"区划代码“{r.region_code}”不在区划表中（连所属县级区划也没有）"))
                continue
            if scope is not None and not region[1].startswith(scope):
                problems.append(RowProblem(r.row, "户籍地区划代码", r.region_code, "该人员的户籍地不在您的辖区内"))
                continue
            first = seen.get(r.id_number)
            if first is not None:
                problems.append(RowProblem(r.row, "身份证号", r.id_number,
                                           f"与第{first}行的身份证号相同：同一人在文件中出现两次，本行未导入"))
                continue
            seen[r.id_number] = r.row
            accepted.append((r, region))
        accepted.sort(key=lambda pair: pair[0].id_number)  # in ID order: the unique index grows at fewer places
        pk, batch, now, d = self.next_id, self.stamp.batch_id, self.stamp.now, self.date
        persons, certificates, rows = [], [], []
        for r, region in accepted:
            i = r.id_number
            persons.append((pk, i, r.name, "男" if i[16] in "13579" else "女", f"{i[6:10]}-{i[10:12]}-{i[12:14]}",
                            region[0], r.region_code, r.address, r.phone, batch, now, region[2], r.bank_card,
                            r.social_card, r.bank_name))
            certificates.append((pk, f"{i}{r.category}{r.level}", r.generation, r.category, r.level, r.status,
                                 r.cancel_reason, d(r.cancel_date), d(r.issued_on)))
            rows.append(r.row)
            pk += 1
        self.next_id = pk
        return persons, certificates, rows


def messages(path, today: date, by_code, scope_path, stamp: Stamp) -> Iterator[tuple]:
    """Read, check and screen the file, a chunk at a time (see ``stream`` for the messages)."""
    try:
        positions, _header, rows, total = open_registry(path)
    except FileUnreadable as exc:
        yield ("unreadable", str(exc))
        return
    yield ("header", positions, total)
    validator = ChunkValidator(positions, today)
    screen = _Screen(by_code, scope_path, stamp)
    id_at = positions["id_number"]
    chunk: list[tuple[int, list]] = []
    for numbered in rows:
        cells = numbered[1]
        if (id_at >= len(cells) or cells[id_at] in (None, "")) and not any(c not in (None, "") for c in cells):
            continue  # blank lines between blocks are not rows
        chunk.append(numbered)
        if len(chunk) >= CHUNK_ROWS:
            yield _chunk_message(chunk, validator, screen)
            chunk = []
    if chunk:
        yield _chunk_message(chunk, validator, screen)
    yield ("done",)


def _chunk_message(chunk, validator: ChunkValidator, screen: _Screen) -> tuple:
    records, problems = validator.validate(chunk)
    persons, certificates, rows = screen(records, problems)
    problems.sort(key=lambda p: p.row)
    return ("chunk", len(chunk), persons, certificates, rows, [tuple(p) for p in problems])


def _worker(path, today, by_code, scope_path, stamp, conn, parent_end=None) -> None:
    if parent_end is not None:  # a forked copy of the reading end: while held here, a killed importer
        parent_end.close()  # would never break the pipe, and this process would wait forever
    # Millions of short-lived tuples and no reference cycles: the cyclic collector would only rescan
    # live objects over and over (measured: 40% of the checking time).
    gc.disable()
    try:
        for message in messages(path, today, by_code, scope_path, stamp):
            conn.send(message)
    except BrokenPipeError:  # the importer is gone (killed or failed): nothing to deliver
        pass
    except BaseException:
        try:
            conn.send(("error", traceback.format_exc()))
        except BrokenPipeError:
            pass
    finally:
        conn.close()


class WorkerFailed(RuntimeError):
    pass


def stream(path, today: date, by_code, scope_path, stamp: Stamp, *, parallel: bool = True) -> Iterator[tuple]:
    """Messages: ("unreadable", reason) | ("header", positions, about how many rows) | ("chunk", rows read, person tuples,
    certificate tuples, their row numbers, problems as tuples) … | ("done",). With ``parallel`` the
    reading runs in a worker process."""
    if not parallel:
        yield from messages(path, today, by_code, scope_path, stamp)
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(str(path), today, by_code, scope_path, stamp, send,
                                                    receive if method == "fork" else None), daemon=True)
    process.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise WorkerFailed("读取名册的子进程意外退出") from None
            if message[0] == "error":
                raise WorkerFailed(f"读取名册时出错：\n{message[1]}")
            yield message
            if message[0] in ("done", "unreadable"):
                return
    finally:
        receive.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
