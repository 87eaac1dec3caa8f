"""Cell values as typed by people in spreadsheets and forms: numbers (full-width digits, thousands
separators), money in 万元 to the 分, whole numbers, dates written the usual ways, choices and yes/no.

One module for every place that reads a typed value — the workbook reader and the workbench's
re-scoring form — so a value is accepted or refused the same way everywhere. Plain Python."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

MONEY_PLACES = 6  # 万元 to the 分


class CellError(ValueError):
    """A cell cannot be read as its column's kind; the message is shown to the user as is."""


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def to_text(raw) -> str:
    """Any cell as text. Numbers typed into text columns (codes such as 530125) lose the '.0'."""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).replace("\r\n", "\n").strip()


def _number_text(text: str) -> str:
    """Numbers typed as text: full-width digits become ASCII, spaces and thousands separators go."""
    return re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", text))


_DECIMAL_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_INTEGER_TEXT = re.compile(r"[+-]?\d+(\.0*)?")


def _not_a_number(raw) -> CellError:
    return CellError(f"应为数字，实际为“{to_text(raw)}”")


def parse_decimal(raw) -> Decimal:
    if isinstance(raw, bool | date):  # datetime is a date
        raise _not_a_number(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _not_a_number(raw)
        if raw.is_integer() and abs(raw) < 1e15:
            return Decimal(int(raw))
        # The shortest repr is what the user typed (317.395), not the binary expansion.
        return Decimal(repr(raw))
    text = _number_text(str(raw))
    if not _DECIMAL_TEXT.fullmatch(text):
        raise _not_a_number(raw)
    return Decimal(text)


def decimal_places(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def parse_money(raw) -> Decimal:
    value = parse_decimal(raw)
    if value < 0:
        raise CellError(f"金额不能为负数，实际为“{to_text(raw)}”")
    if decimal_places(value) > MONEY_PLACES:
        raise CellError(f"金额精度超过分：万元金额最多{MONEY_PLACES}位小数，实际为“{to_text(raw)}”")
    return value


def parse_int(raw) -> int:
    if isinstance(raw, bool | date):
        raise _not_a_number(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _not_a_number(raw)
        if not raw.is_integer():
            raise CellError(f"应为整数，实际为“{to_text(raw)}”")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = _number_text(str(raw))
        if _INTEGER_TEXT.fullmatch(text):
            value = int(text.split(".")[0])
        elif _DECIMAL_TEXT.fullmatch(text):
            raise CellError(f"应为整数，实际为“{to_text(raw)}”")
        else:
            raise _not_a_number(raw)
    if value < 0:
        raise CellError(f"不能为负数，实际为“{to_text(raw)}”")
    return value


_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)


def parse_date(raw) -> date:
    """Real Excel dates, or text such as 2022-03-05, 2022/3/5, 2022年3月5日, 2022.3.5."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        match = _DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", raw).strip())
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellError(f"日期无效：“{to_text(raw)}”不存在") from None
    raise CellError(f"应为日期（如 2022-03-05 或 2022年3月5日），实际为“{to_text(raw)}”")


# Ways people type the comparison operators on an ordinary keyboard.
_CHOICE_ALIASES = {">=": "≥", "≧": "≥", "<=": "≤", "≦": "≤", "==": "="}


def choice_key(text: str) -> str:
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    return _CHOICE_ALIASES.get(key, key)


def parse_choice(raw, choices: tuple[str, ...]) -> str:
    text = to_text(raw)
    allowed = {choice_key(choice): choice for choice in choices}
    if choice_key(text) in allowed:
        return allowed[choice_key(text)]
    raise CellError(f"“{text}”不是可选值，应为：{'、'.join(choices)}")


def parse_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return parse_choice(raw, ("是", "否")) == "是"


def header_key(text) -> str:
    """Headers match regardless of spaces and full-/half-width punctuation: 预算数(万元) = 预算数（万元）."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", to_text(text)))
