"""One registry row → a clean record, or every problem with it (column, value as read, reason).

Pure and fast (a million rows): no database here; the importer resolves regions and compares
with what the registry holds."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from jixiao.common.ids import IdError, normalize_id
from jixiao.registry.columns import (
    CATEGORY_WORDS,
    COLUMN_BY_KEY,
    GENERATION_WORDS,
    LEVEL_WORDS,
    REASON_WORDS,
    STATUS_WORDS,
)


class RowProblem(NamedTuple):
    row: int  # spreadsheet row number (header = 1)
    column: str  # Chinese column name
    value: str  # the cell as read
    reason: str


class Record(NamedTuple):
    row: int
    name: str
    id_number: str
    category: int
    level: int
    generation: int | None
    status: str  # valid / cancelled
    cancel_reason: str
    cancel_date: date | None
    region_code: str
    address: str
    phone: str
    issued_on: date | None
    bank_card: str  # digits only ("" when not given)
    social_card: str  # letters upper-cased
    bank_name: str

    @property
    def certificate_number(self) -> str:
        return f"{self.id_number}{self.category}{self.level}"


class CellError(ValueError):
    pass


def as_text(raw) -> str:
    """A cell as the user sees it (for the error report's 原值)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.strftime("%Y-%m-%d %H:%M:%S") if (raw.hour or raw.minute or raw.second) else raw.strftime("%Y-%m-%d")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _clean(raw) -> str:
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else as_text(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def _coded(raw, words: dict, what: str, max_digit: int):
    text = _clean(raw).replace(" ", "")
    if not text:
        raise CellError(f"{what}为空")
    if text in words:
        return words[text]
    stripped = text.removesuffix("残疾").removesuffix("类")
    if stripped in words:
        return words[stripped]
    if text.isdigit() and 1 <= int(text) <= max_digit:
        return int(text)
    if text.endswith("级") and text[:-1].isdigit() and 1 <= int(text[:-1]) <= max_digit:
        return int(text[:-1])
    names = "、".join(k for k in words if len(k) == 2 or k.endswith("级"))
    raise CellError(f"“{text}”不是有效的{what}：应为{names}，或数字1–{max_digit}")


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


@lru_cache(maxsize=65536)
def _date_from_text(text: str) -> date:
    match = _DATE_TEXT.fullmatch(text)
    if match:
        parts = match.groups()
    elif len(text) == 8 and text.isdigit():
        parts = (text[:4], text[4:6], text[6:])
    else:
        raise CellError(f"“{text}”不是日期：可写作 2022-03-05、2022/3/5、2022年3月5日 或 20220305")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CellError(f"日期“{text}”不存在") from None


def parse_any_date(raw) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 10000 <= raw <= 80000:  # an Excel date serial shown as a number
            return _EXCEL_EPOCH + timedelta(days=int(raw))
        if float(raw).is_integer() and 19000101 <= raw <= 21001231:
            return _date_from_text(str(int(raw)))
        raise CellError(f"“{as_text(raw)}”不是日期")
    text = _clean(raw)
    return _date_from_text(text) if text else None


def _region_code(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 6–12 digit codes survive being stored as numbers
    text = _clean(raw).replace(" ", "")
    if not text:
        raise CellError("户籍地区划代码为空")
    if not text.isdigit() or len(text) not in (6, 9, 12):
        raise CellError(f"“{text}”不是区划代码：应为6位（县）、9位（乡镇）或12位（村/社区）数字")
    return text


BANK_CARD_DIGITS = (12, 19)
SOCIAL_CARD_CHARACTERS = (9, 20)
BANK_NAME_MAX = 60
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _number_cell(what: str) -> CellError:
    """A card number typed into a number cell: refused like an ID stored as a number (its digits may be lost)."""
    return CellError(f"{what}是以数字格式保存的单元格：Excel 数字只保留 15 位有效数字，更长号码的末几位已经丢失"
                     "（开头的 0 也不会保留），无法还原。请把该列设为“文本”格式后重新录入")


def _compact(raw, what: str) -> str:
    """A card number cell as text without spaces (full-width characters as ASCII); a number cell refused."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise _number_cell(what)
    return "".join(_clean(raw).split())


def bank_card(raw) -> str:
    """银行卡号: 12–19 digits once spaces are removed, or empty."""
    text = _compact(raw, "银行卡号")
    if not text:
        return ""
    low, high = BANK_CARD_DIGITS
    if not (text.isascii() and text.isdigit()):
        raise CellError(f"银行卡号“{text}”只能由数字组成（可以有空格）")
    if not low <= len(text) <= high:
        raise CellError(f"银行卡号应为{low}–{high}位数字（空格不计），实际为{len(text)}位")
    return text


def social_card(raw) -> str:
    """社保卡号: 9–20 letters or digits once spaces are removed (letters upper-cased), or empty."""
    text = _compact(raw, "社保卡号").upper()
    if not text:
        return ""
    low, high = SOCIAL_CARD_CHARACTERS
    if not _ALNUM.issuperset(text):
        raise CellError(f"社保卡号“{text}”只能由字母和数字组成")
    if not low <= len(text) <= high:
        raise CellError(f"社保卡号应为{low}–{high}位字母或数字（空格不计），实际为{len(text)}位")
    return text


def bank_name(raw) -> str:
    """开户行: at most 60 characters, or empty."""
    text = _clean(raw)
    if len(text) > BANK_NAME_MAX:
        raise CellError(f"开户行最多{BANK_NAME_MAX}个字，实际为{len(text)}个字")
    return text


def validate_row(row_number: int, cells: list, positions: dict[str, int], today: date) -> tuple[Record | None, list[RowProblem]]:
    """Check one row; returns the record (None when any problem) and the problems."""
    problems: list[RowProblem] = []
    width = len(cells)

    def raw(key):
        index = positions.get(key)
        return cells[index] if index is not None and index < width else None

    def fail(key, value, reason):
        problems.append(RowProblem(row_number, COLUMN_BY_KEY[key].name, as_text(value), reason))

    name = _clean(raw("name"))
    if not name:
        fail("name", raw("name"), "姓名为空")
    id_raw = raw("id_number")
    id_number = ""
    try:
        id_number = normalize_id(id_raw, today=today)
    except IdError as exc:
        fail("id_number", id_raw, str(exc))
    category = level = None
    try:
        category = _coded(raw("category"), CATEGORY_WORDS, "残疾类别", 7)
    except CellError as exc:
        fail("category", raw("category"), str(exc))
    try:
        level = _coded(raw("level"), LEVEL_WORDS, "残疾等级", 4)
    except CellError as exc:
        fail("level", raw("level"), str(exc))
    generation = None
    gen_raw = raw("generation")
    if _clean(gen_raw):
        text = _clean(gen_raw).replace(" ", "")
        generation = GENERATION_WORDS.get(text)
        if generation is None:
            fail("generation", gen_raw, f"“{text}”不是有效的证件代别：应为第二代或第三代")
    status_raw = raw("status")
    status = "valid"
    if _clean(status_raw):
        status = STATUS_WORDS.get(_clean(status_raw).replace(" ", ""))
        if status is None:
            fail("status", status_raw, "证件状态应为“有效”或“注销”")
            status = "valid"
    reason_raw = raw("cancel_reason")
    reason = ""
    if _clean(reason_raw):
        reason = REASON_WORDS.get(_clean(reason_raw).replace(" ", ""), "")
        if not reason:
            fail("cancel_reason", reason_raw, "注销原因应为“死亡”“迁出”或“其他”")
    elif status == "cancelled":
        fail("cancel_reason", reason_raw, "证件状态为“注销”，但没有填写注销原因（死亡、迁出或其他）")
    if reason and status != "cancelled" and _clean(status_raw):
        fail("cancel_reason", reason_raw, "证件状态为“有效”，却填写了注销原因")
    if reason and not _clean(status_raw):
        status = "cancelled"  # a reason without a status means the certificate was cancelled
    cancel_date = issued_on = None
    for key in ("cancel_date", "issued_on"):
        value = raw(key)
        try:
            parsed = parse_any_date(value)
        except CellError as exc:
            fail(key, value, str(exc))
            continue
        if parsed is not None and parsed > today:
            fail(key, value, f"{COLUMN_BY_KEY[key].name}晚于今天")
            continue
        if key == "cancel_date":
            cancel_date = parsed
        else:
            issued_on = parsed
    region_code = ""
    try:
        region_code = _region_code(raw("region_code"))
    except CellError as exc:
        fail("region_code", raw("region_code"), str(exc))
    number_raw = raw("certificate_number")
    number = _clean(number_raw).replace(" ", "").upper()
    if number and id_number and category and level:
        expected = f"{id_number}{category}{level}"
        first_generation = id_number[:6] + id_number[8:17]  # the 15-digit form of an upgraded ID
        old_form = len(number) == 17 and number == f"{first_generation}{category}{level}"
        if number != expected and not old_form:
            if len(number) == 20 and number[:18] == id_number:
                reason_text = f"残疾人证号末两位“{number[18:]}”应为残疾类别代码{category}和等级代码{level}，即“{expected}”"
            else:
                reason_text = f"残疾人证号应为身份证号加残疾类别、等级代码，即“{expected}”"
            fail("certificate_number", number_raw, reason_text)
    payment = {}
    for key, check in (("bank_card", bank_card), ("social_card", social_card), ("bank_name", bank_name)):
        try:
            payment[key] = check(raw(key))
        except CellError as exc:
            fail(key, raw(key), str(exc))
    if problems:
        return None, problems
    return Record(
        row=row_number, name=name, id_number=id_number, category=category, level=level, generation=generation,
        status=status, cancel_reason=reason, cancel_date=cancel_date, region_code=region_code,
        address=_clean(raw("address")), phone=_clean(raw("phone")).replace(" ", ""), issued_on=issued_on,
        **payment,
    ), []


# ---- the fast path: a chunk of rows at a time ---------------------------------------------------
# A registry of a million rows is mostly clean and repetitive: coded columns take a handful of values,
# dates and region codes a few thousand. Each distinct cell is checked once (the slow, explaining
# path above) and remembered; ID check digits are computed for the whole chunk with numpy.

_W = None


def _weights():
    global _W
    if _W is None:
        import numpy as np

        from jixiao.common.ids import WEIGHTS

        _W = np.array(WEIGHTS, dtype=np.int64)
    return _W


_CHECK_BYTES = [ord(c) for c in "10X98765432"]


def check_digits_ok(ids: list[str]) -> list[bool]:
    """For 18-character ASCII IDs whose first 17 characters are digits: is the check digit right?"""
    import numpy as np

    if not ids:
        return []
    block = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(len(ids), 18)
    sums = (block[:, :17].astype(np.int64) - 48) @ _weights() % 11
    expected = np.array(_CHECK_BYTES, dtype=np.uint8)[sums]
    return (expected == block[:, 17]).tolist()


class ChunkValidator:
    """Validates rows chunk by chunk with per-column caches; same results as ``validate_row``."""

    def __init__(self, positions: dict[str, int], today: date):
        from jixiao.common.ids import _valid_birth_dates, area_codes

        self.positions = positions
        self.today = today
        self.caches: dict[str, dict] = {k: {} for k in (
            "category", "level", "generation", "status", "cancel_reason", "region_code", "dates", "bank_name")}
        self.area = area_codes()
        self.births = _valid_birth_dates(today)
        self.digits = frozenset("0123456789")

    def validate(self, rows: list[tuple[int, list]]) -> tuple[list[Record], list[RowProblem]]:
        p = self.positions
        pn, pi, pc, pl, pr = p["name"], p["id_number"], p["category"], p["level"], p["region_code"]
        needed = max(pn, pi, pc, pl, pr)
        optional = [p.get(k) for k in ("certificate_number", "generation", "status", "cancel_reason",
                                        "cancel_date", "address", "phone", "issued_on")]
        pnum, pgen, pstat, preason, pcancel, paddr, pphone, pissued = optional
        pbank, psocial, pbname = (p.get(k) for k in ("bank_card", "social_card", "bank_name"))
        bank_low, bank_high = BANK_CARD_DIGITS
        social_low, social_high = SOCIAL_CARD_CHARACTERS
        caches = self.caches
        alnum, bname_cache = _ALNUM, caches["bank_name"]
        cat_cache, level_cache, region_cache = caches["category"], caches["level"], caches["region_code"]
        gen_cache, status_cache, date_cache = caches["generation"], caches["status"], caches["dates"]
        records: list[Record] = []
        problems: list[RowProblem] = []
        pending: list[tuple[Record, list]] = []  # records whose ID check digit is still to be confirmed
        digits, area, births, today = self.digits, self.area, self.births, self.today
        new_record = Record._make
        for row_number, cells in rows:
            try:
                width = len(cells)
                if width <= needed:
                    raise CellError
                name, id_raw = cells[pn], cells[pi]
                if (type(name) is not str or type(id_raw) is not str or len(id_raw) != 18
                        or not id_raw.isascii() or id_raw[:6] not in area or id_raw[6:14] not in births
                        or not digits.issuperset(id_raw[:17]) or id_raw[17] not in "0123456789X"):
                    raise CellError
                name = name.strip()
                category = cat_cache.get(cells[pc]) or self._fill(cat_cache, cells[pc], _category)
                level = level_cache.get(cells[pl]) or self._fill(level_cache, cells[pl], _level)
                region_code = region_cache.get(cells[pr]) or self._fill(region_cache, cells[pr], _region_code)
                number = cells[pnum] if pnum is not None and pnum < width else None
                generation = cells[pgen] if pgen is not None and pgen < width else None
                status = cells[pstat] if pstat is not None and pstat < width else None
                reason = cells[preason] if preason is not None and preason < width else None
                cancel = cells[pcancel] if pcancel is not None and pcancel < width else None
                address = cells[paddr] if paddr is not None and paddr < width else None
                phone = cells[pphone] if pphone is not None and pphone < width else None
                issued = cells[pissued] if pissued is not None and pissued < width else None
                bank = cells[pbank] if pbank is not None and pbank < width else None
                social = cells[psocial] if psocial is not None and psocial < width else None
                bname = cells[pbname] if pbname is not None and pbname < width else None
                if not name or (number and number != f"{id_raw}{category}{level}"):
                    raise CellError
                if generation:
                    generation = gen_cache.get(generation) or self._fill(gen_cache, generation, _generation)
                else:
                    generation = None
                if status or reason:
                    key = (status, reason)
                    status, reason = status_cache.get(key) or self._fill(status_cache, key, _status_pair)
                else:
                    status, reason = "valid", ""
                if cancel:
                    cancel = date_cache.get(cancel) or self._fill(date_cache, cancel, parse_any_date)
                    if cancel > today:
                        raise CellError
                else:
                    cancel = None
                if issued:
                    issued = date_cache.get(issued) or self._fill(date_cache, issued, parse_any_date)
                    if issued > today:
                        raise CellError
                else:
                    issued = None
                # Card numbers are unique to a person, nothing to cache: a plain text cell of the right form is taken
                # as it is, anything else (spaces, full-width digits, a number cell, a wrong length) checked by the
                # explaining functions, whose CellError sends the row to the slow path. Bank names repeat: cached.
                if bank is None or bank == "":
                    bank = ""
                elif not (type(bank) is str and bank_low <= len(bank) <= bank_high and bank.isascii()
                          and bank.isdigit()):
                    bank = bank_card(bank)
                if social is None or social == "":
                    social = ""
                elif not (type(social) is str and social_low <= len(social) <= social_high
                          and alnum.issuperset(social)):
                    social = social_card(social)
                if bname is None or bname == "":
                    bname = ""
                else:
                    bname = bname_cache.get(bname) or self._fill(bname_cache, bname, bank_name)
                record = new_record((
                    row_number, name, id_raw, category, level, generation, status, reason, cancel, region_code,
                    address.strip() if type(address) is str else _clean(address),
                    phone.strip() if type(phone) is str else _clean(phone), issued, bank, social, bname,
                ))
                pending.append((record, cells))
            except (CellError, TypeError):
                record, found = validate_row(row_number, cells, self.positions, self.today)
                if record is not None:
                    records.append(record)
                problems.extend(found)
        for (record, cells), ok in zip(pending, check_digits_ok([r.id_number for r, _ in pending]), strict=True):
            if ok:
                records.append(record)
            else:
                problems.extend(validate_row(record.row, cells, self.positions, self.today)[1])
        records.sort(key=lambda r: r.row)
        return records, problems

    @staticmethod
    def _fill(cache: dict, raw, compute):
        value = compute(raw)  # raises CellError; the slow path then explains the problem
        if len(cache) < 100_000:
            cache[raw] = value
        return value

def _category(raw) -> int:
    return _coded(raw, CATEGORY_WORDS, "残疾类别", 7)


def _level(raw) -> int:
    return _coded(raw, LEVEL_WORDS, "残疾等级", 4)


def _generation(raw) -> int:
    value = GENERATION_WORDS.get(_clean(raw).replace(" ", ""))
    if value is None:
        raise CellError
    return value


def _status_pair(pair) -> tuple[str, str]:
    status_raw, reason_raw = pair
    status_text, reason_text = _clean(status_raw).replace(" ", ""), _clean(reason_raw).replace(" ", "")
    status = STATUS_WORDS.get(status_text) if status_text else None
    if status_text and status is None:
        raise CellError
    reason = REASON_WORDS.get(reason_text, "") if reason_text else ""
    if reason_text and not reason:
        raise CellError
    if status is None:
        status = "cancelled" if reason else "valid"
    if (status == "cancelled") != bool(reason):
        raise CellError
    return status, reason
