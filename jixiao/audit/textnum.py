"""Numbers as reports write them: Arabic and Chinese numerals, units (万元, 元, %, 人 …), qualifiers
(≥, 约, 以上 …), the precision they are printed with, and sentences.

Everything here works on text normalised by ``normalize`` (full-width digits, ％ and ． made ASCII),
which keeps every character at its place, so a span found here is also a span of the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

_FULLWIDTH = str.maketrans("０１２３４５６７８９％．﹪", "0123456789%.%")

# Units, longest first. Money units are scaled to 万元 by MONEY_SCALE; "万" alone is read as 万元
# when it follows an amount (含精神病防治经费6万、…).
_UNITS = (
    "万余元", "亿元", "万元", "千元", "元", "万人次", "万人", "万户", "人次", "户次", "个月", "小时", "分钟",
    "%", "‰", "人", "名", "位", "户", "个", "项", "类", "种", "份", "次", "件", "本", "张", "题", "期", "场", "批",
    "条", "起", "所", "家", "座", "套", "台", "辆", "间", "处", "岁", "倍", "分", "天", "年", "万",
)
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
MONEY_SCALE = {"亿元": Fraction(10000), "万元": Fraction(1), "万余元": Fraction(1), "万": Fraction(1),
               "千元": Fraction(1, 10), "元": Fraction(1, 10000)}
UNIT_CLASS = {
    **dict.fromkeys(("亿元", "万元", "万余元", "万", "千元", "元"), "money"),
    **dict.fromkeys(("人", "名", "位", "人次"), "person"),
    **dict.fromkeys(("户", "户次"), "household"),
    "%": "percent", "‰": "permille", "分": "score",
}

NUMBER = re.compile(
    r"(?<![0-9A-Za-z.])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+|\.(?![\d]))?"
    r"(?P<space>[ \u3000]?)(?P<unit>" + _UNIT_RE + r")?"
)
_BEFORE_QUALIFIERS = ("不低于", "不高于", "不少于", "不超过", "不足", "超过", "大于", "小于", "低于", "高于", "约", "近",
                      "逾", "≥", "≤", ">", "<", "＞", "＜", "⩾", "⩽")
_AFTER_QUALIFIERS = ("以上", "以下", "以内", "左右", "多", "余")
_LABEL_BEFORE = ("第", "附件", "附表", "表", "图", "附", "编号", "序号", "No.", "no.")
DOC_NUMBER = re.compile(r"[〔\[［【﹝(（]\s*(\d{4})\s*[〕\]］】﹞)）]\s*(\d+)\s*号")
LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.、．](?=\D|20\d\d年|19\d\d年)|[（(]\d{1,2}[）)]|[①-⑳])")
_RUN = re.compile(r"\d+(?:\.\d+)?(?:、\d+(?:\.\d+)?)+(?P<tail>\S{0,3})")
_RUN_NOT_QUANTITY = ("月", "日", "号", "年", "级", "档", "岁", "期", "届", "批", "类")
_CONTACT = re.compile(r"(电话|手机|传真|邮编|账号|卡号)[:：]?\s*$")
_SENTENCE_END = re.compile(r"[。！？；;\n]")
_CLAUSE_END = re.compile(r"[。！？；;\n，,：:]")

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = r"[零〇一二两三四五六七八九十百]+"


def normalize(text: str) -> str:
    """Full-width digits, ％ and ． → ASCII; same length as the input."""
    return text.translate(_FULLWIDTH)


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 三十五 → 35, 一百零二 → 102; digits pass through."""
    text = normalize(text.strip())
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[ch]
    return total + current


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # as printed, in ``unit``
    text: str  # the printed number with its unit, e.g. "317.395万元"
    start: int  # span of ``text`` in the paragraph or cell
    end: int
    decimals: int  # digits printed after the point
    unit: str  # "万元", "元", "%", "人", … or "" (none)
    qualifier: str = ""  # "≥", "约", "以上", … when the number is a bound or an estimate
    compound: bool = False  # 元/人/月 and the like: a rate, not an amount

    @property
    def cls(self) -> str:
        return UNIT_CLASS.get(self.unit, self.unit or "bare")

    @property
    def exact(self) -> Fraction:
        return Fraction(self.value)

    @property
    def wan(self) -> Fraction | None:
        """The amount in 万元 (money only)."""
        scale = MONEY_SCALE.get(self.unit)
        return self.exact * scale if scale is not None else None

    @property
    def half_unit(self) -> Fraction:
        """Half of the last printed digit: how far a rounded figure can be from the exact one."""
        return Fraction(1, 2 * 10 ** self.decimals)

    @property
    def is_integer(self) -> bool:
        return self.decimals == 0


def quantities(text: str, *, with_bounds: bool = False) -> list[Quantity]:
    """Every number of a text that is a quantity: not a date, year, document number, list marker,
    ordinal, code or ratio. Bounds and estimates (≥20000, 约79人, 1400人次以上) are left out unless
    ``with_bounds``."""
    norm = normalize(text)
    skip = _skipped_spans(norm)
    runs = [(r.start(), r.end(), r.group("tail")) for r in _RUN.finditer(norm)]
    out = []
    for m in NUMBER.finditer(norm):
        start, end = m.start(), m.end()
        if any(a <= start < b for a, b in skip):
            continue
        num, frac, unit = m.group("num"), m.group("frac") or "", m.group("unit") or ""
        run = next((r for r in runs if r[0] <= start < r[1]), None)
        run_unit = ""
        if run is not None and not unit:
            if run[2][:1] in _RUN_NOT_QUANTITY:
                continue  # 5、6、7月份 / 三、四级: part of a date or a grade
            run_unit = next((u for u in _UNITS if run[2].startswith(u)), "")
        digits = num.replace(",", "")
        after = norm[end:end + 3]
        before = norm[max(0, start - 4):start]
        if _is_date_part(norm, m, digits, unit):
            continue
        if len(digits) >= 9 and not frac:  # ID, phone or account numbers
            continue
        if before.endswith(_LABEL_BEFORE) or _CONTACT.search(norm[max(0, start - 6):start]):
            continue
        if norm[max(0, start - 1):start] in ("︰", ":", "：") and digits.isdigit() and len(digits) <= 2 and not unit:
            continue
        if after[:1] in ("︰", ":") and not unit:
            continue
        if unit == "分" and after[:1] == "钟":
            unit = ""
        if unit == "万" and after[:1] and after[:1] in "人户册":
            continue
        if unit == "元" and norm[end:end + 1] in ("/", "／", "每"):
            compound = True
        elif unit and norm[end:end + 1] in ("/", "／") and unit != "%":
            compound = True
        else:
            compound = False
        if unit == "年" and len(digits) == 4:
            continue
        qualifier = _qualifier(norm, start, end)
        if unit in ("万余元",):
            qualifier = qualifier or "余"
        if qualifier and not with_bounds:
            continue
        decimals = len(frac) - 1 if len(frac) > 1 else 0
        value = Decimal(digits + (frac if len(frac) > 1 else ""))
        qend = m.end("unit") if unit else m.end("num") + len(frac)
        out.append(Quantity(value=value, text=text[start:qend], start=start, end=qend, decimals=decimals,
                            unit=unit or run_unit, qualifier=qualifier, compound=compound))
    return out


def _skipped_spans(norm: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in DOC_NUMBER.finditer(norm)]
    m = LIST_MARKER.match(norm)
    if m:
        spans.append((m.start(), m.end()))
    spans.extend((m.start(), m.end()) for m in re.finditer(r"[（(]\d{1,2}[）)](?=\D)", norm))
    spans.extend((m.start(), m.end()) for m in re.finditer(r"\d+(?:\.\d+)?\s*[-~—～至]\s*\d+\s*(?:岁|份|人|户)", norm))
    return spans


def _is_date_part(norm: str, m: re.Match, digits: str, unit: str) -> bool:
    after = norm[m.end("num") + len(m.group("frac") or ""):][:2]
    if unit == "年" or (not unit and after[:1] == "年"):
        return len(digits) == 4 and 1900 <= int(digits) <= 2100
    if unit == "个月":
        return False
    if after[:1] in ("月", "日", "号") and not unit:
        return True
    return after[:2] in ("年度",)


def _qualifier(norm: str, start: int, end: int) -> str:
    before = norm[max(0, start - 4):start].rstrip(" \u3000")
    for q in _BEFORE_QUALIFIERS:
        if before.endswith(q):
            return q
    after = norm[end:end + 2]
    for q in _AFTER_QUALIFIERS:
        if after.startswith(q):
            return q
    return ""


# ---- sentences and clauses ------------------------------------------------------------------------

def spans(text: str, pattern: re.Pattern = _SENTENCE_END) -> list[tuple[int, int]]:
    """(start, end) of the sentences (or clauses) of a text, end exclusive, punctuation excluded."""
    out, start = [], 0
    for m in pattern.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    return spans(text, _SENTENCE_END)


def clauses(text: str) -> list[tuple[int, int]]:
    return spans(text, _CLAUSE_END)


def enclosing(spans_: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans_:
        if a <= pos < b:
            return a, b
    return pos, pos


def excerpt(text: str, start: int, end: int, margin: int = 18) -> str:
    """The finding's text with a little context, on one line."""
    a, b = max(0, start - margin), min(len(text), end + margin)
    out = text[a:b].replace("\n", " ").replace("\t", " ")
    return ("…" if a > 0 else "") + out + ("…" if b < len(text) else "")
