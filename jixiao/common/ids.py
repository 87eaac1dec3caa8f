"""Resident ID numbers (GB 11643): normalisation, 15 → 18 upgrade and validation, fast enough for
a million rows (a set of valid birth dates, a set of area codes, an inline check digit).

The area code is checked against every code python-stdnum's list has ever held, whatever its
period: an ID keeps the code of the county that issued it, and people born long before a county got
its code (or after it was abolished) still carry it. stdnum's own period check and its acceptance
of future birth dates are why this module exists beside ``stdnum.cn.ric``."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = date(1900, 1, 1)
_DIGITS = frozenset("0123456789")

# Full-width forms (U+FF01–U+FF5E: "１２Ｘ") as their ASCII characters, the ideographic space as a space: what
# "full-width → half-width" means for IDs. The comparison's SQL applies the same table (``id_sql``), so the
# registry import and a comparison accept and normalise exactly the same IDs (a test proves it).
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
_TO_HALF_WIDTH = str.maketrans(FULL_WIDTH, HALF_WIDTH)


class IdError(ValueError):
    """An ID that cannot be accepted; the message (Chinese) says why."""


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


@lru_cache(maxsize=1)
def area_codes() -> frozenset[str]:
    """Every 6-digit area code in python-stdnum's list, current or historic."""
    import stdnum.cn

    codes: set[str] = set()
    province = ""
    path = Path(stdnum.cn.__file__).parent / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line[0].isspace():
            province = line.split()[0]
            codes.add(province + "0000")
        else:
            codes.add(province + line.split()[0])
    return frozenset(codes)


@lru_cache(maxsize=4)
def _valid_birth_dates(today: date) -> frozenset[str]:
    days = (today - EARLIEST_BIRTH).days + 1
    return frozenset((EARLIEST_BIRTH + timedelta(d)).strftime("%Y%m%d") for d in range(days))


def _date_problem(text: str, today: date) -> str:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return f"出生日期“{text}”不是真实的日期"
    if born > today:
        return f"出生日期“{text}”晚于今天"
    return f"出生日期“{text}”早于1900年"


def normalize_id(raw, *, today: date | None = None) -> str:
    """The 18-character ID for a cell as read; raises IdError with the reason.

    Accepts full-width digits and letters (``FULL_WIDTH``), whitespace anywhere and a lower-case x; upgrades a 15-digit first-generation ID
    (born 19xx) to 18 digits. Refuses a number cell: its last digits are already lost."""
    if raw is None or raw == "":
        raise IdError("身份证号为空")
    if not isinstance(raw, str):
        if isinstance(raw, bool):
            raise IdError("身份证号不是文本")
        if isinstance(raw, int | float):
            raise IdError("身份证号是以数字格式保存的单元格：Excel 数字只保留 15 位有效数字，末几位已经丢失，"
                          "无法还原。请把该列设为“文本”格式后重新录入")
        raise IdError(f"身份证号不是文本（{type(raw).__name__}）")
    text = raw
    if not text.isascii():
        text = text.translate(_TO_HALF_WIDTH)
    if " " in text or "\t" in text or not text.isprintable():
        text = "".join(text.split())
    text = text.upper()
    if len(text) == 15:
        if not _DIGITS.issuperset(text):
            raise IdError("15位身份证号只能由数字组成")
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_digit(first17)
        upgraded = True
    else:
        upgraded = False
        if len(text) != 18:
            raise IdError(f"身份证号应为18位（或15位旧号），实际为{len(text)}位")
        if not _DIGITS.issuperset(text[:17]) or text[17] not in "0123456789X":
            raise IdError("身份证号只能由数字组成，最后一位可以是 X")
    if text[:6] not in area_codes():
        raise IdError(f"前6位地区码“{text[:6]}”不是有效的行政区划代码")
    today = today or date.today()
    if text[6:14] not in _valid_birth_dates(today):
        raise IdError(_date_problem(text[6:14], today))
    if not upgraded:
        expected = check_digit(text[:17])
        if text[17] != expected:
            raise IdError(f"校验位错误：按前17位计算应为“{expected}”，实际为“{text[17]}”")
    return text


def sex_of(id18: str) -> str:
    return "男" if int(id18[16]) % 2 else "女"


def birth_date_of(id18: str) -> date:
    return date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
