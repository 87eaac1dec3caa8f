"""kind "sum": totals against their parts.

Tables: 合计/总计 rows (and 小计 sections) against the rows above them, 合计 columns against the
columns before them, "其中" columns against their total column, and the indicator table's codes
(each node = Σ its children, 合计 = Σ level-1 nodes). Rate columns (得分率, 占比 …) are not summed;
``derived`` recomputes them.

Prose: "共X…，其中A、B、C" (the parts after 其中, of the total's kind: money, people …),
"X（A、B）" (a breakdown in brackets right after the total), and "A、B、C，合计X" (parts first).
A 其中 list may legitimately be partial ("其中重度残疾人300人"), so it is reported only when its parts
exceed the total, or fall short by less than 1 % (a list that was meant to be complete); a list closed
by 合计/共计 must add up. Tolerance as in ``findings``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from jixiao.audit.findings import printed, sum_agrees
from jixiao.audit.tables import NOT_SUMMED_LABEL, RATE_LABEL, TableView, cell_label, code_parent, is_dash
from jixiao.audit.textnum import Quantity, normalize, spans

PARTIAL_GAP = Fraction(1, 100)
_PERIOD = re.compile(r"[。！？\n]")
_CLOSING_WORD = re.compile(r"(合计|共计|总计|累计|共)[^，,；;。：:（）()]{0,8}$")
_TOTAL_LABEL = re.compile(r"^(合计|总计|小计)")


def check(ctx) -> list:
    out = []
    for view in ctx.views:
        if view.kind == "survey":
            continue
        if view.kind == "indicators":
            out += _indicator_sums(ctx, view)
        else:
            out += _total_rows(ctx, view)
            out += _total_columns(ctx, view)
        out += _part_columns(ctx, view)
    for p in ctx.paragraphs:
        out += prose_sums(ctx, p)
    return out


# ---- tables ---------------------------------------------------------------------------------------

def _data_rows(view: TableView, rows) -> list[int]:
    return [r for r in rows if view.aligned[r] and not view.is_total_row(r) and not view.is_subtotal_row(r)
            and any(view.number(r, c) is not None for c in range(view.width))]


def _summable(view: TableView, c: int) -> bool:
    label = view.label(c)
    return not RATE_LABEL.search(label) and not NOT_SUMMED_LABEL.search(label)


def _column_values(view: TableView, rows: list[int], c: int) -> list[Quantity | None] | None:
    """The column's numbers in ``rows`` (None for an empty or dash cell); None if a cell is text."""
    values = []
    for r in rows:
        cell = view.cell(r, c)
        text = cell.text.strip() if cell is not None else ""
        if not text or is_dash(text):
            values.append(None)
            continue
        q = view.number(r, c)
        if q is None:
            return None
        values.append(q)
    return values


def _value(q: Quantity, use_wan: bool) -> Fraction:
    return q.wan if use_wan and q.wan is not None else q.exact


def _check_total(ctx, view: TableView, r: int, c: int, parts: list[int], what: str) -> list:
    total = view.number(r, c)
    if total is None or total.unit in ("%", "‰") or not _summable(view, c):
        return []
    values = _column_values(view, parts, c)
    if values is None or sum(1 for v in values if v is not None) < 2:
        return []
    present = [v for v in values if v is not None]
    units = {q.unit for q in [*present, total] if q.unit}
    use_wan = len(units) > 1 and all(q.wan is not None for q in [*present, total] if q.unit)
    numbers = [_value(q, use_wan) for q in present]
    decimals = max(q.decimals for q in [*present, total])
    if sum_agrees(numbers, _value(total, use_wan), decimals):
        return []
    expected = printed(sum(numbers, Fraction(0)), max(decimals, total.decimals))
    return [ctx.cell_finding(
        "sum", view, r, c, expected, total.text,
        f"{what}“{cell_label(view.label(c)) or '该列'}”为{total.text}，而其上各行相加为{expected}"
        f"（{len(present)}项），二者不符。")]


def _total_rows(ctx, view: TableView) -> list:
    out = []
    start, subtotals = view.first_data, []
    for r in range(view.first_data, len(view.table.rows)):
        if not view.aligned[r]:
            continue
        if view.is_subtotal_row(r):
            parts = _data_rows(view, range(start, r))
            out += [f for c in range(view.width) for f in _check_total(ctx, view, r, c, parts, "小计行")]
            subtotals.append(r)
            start = r + 1
        elif view.is_total_row(r):
            parts = subtotals or _data_rows(view, range(view.first_data, r))
            out += [f for c in range(view.width) for f in _check_total(ctx, view, r, c, parts, "合计行")]
            start, subtotals = r + 1, []
    return out


def _total_columns(ctx, view: TableView) -> list:
    out = []
    for c, label in enumerate(view.labels):
        if not _TOTAL_LABEL.match(label) or c == 0:
            continue
        first = c
        while first > 0 and view.label(first - 1) and _numeric_column(view, first - 1):
            first -= 1
        if c - first < 2:
            continue
        for r in _data_rows(view, range(view.first_data, len(view.table.rows))):
            total = view.number(r, c)
            parts = [view.number(r, j) for j in range(first, c)]
            if total is None or any(q is None for q in parts) or total.unit == "%":
                continue
            decimals = max(q.decimals for q in [*parts, total])
            if not sum_agrees([q.exact for q in parts], total.exact, decimals):
                expected = printed(sum((q.exact for q in parts), Fraction(0)), decimals)
                out.append(ctx.cell_finding(
                    "sum", view, r, c, expected, total.text,
                    f"“{label}”为{total.text}，而同一行前{c - first}列相加为{expected}，二者不符。"))
    return out


def _numeric_column(view: TableView, c: int) -> bool:
    rows = _data_rows(view, range(view.first_data, len(view.table.rows)))
    return bool(rows) and all(view.number(r, c) is not None or not (view.cell(r, c) and view.cell(r, c).text)
                              for r in rows)


def _part_columns(ctx, view: TableView) -> list:
    """A “其中” column (其中：区级资金) never exceeds the total column before it."""
    out = []
    for c, label in enumerate(view.labels):
        if "其中" not in label or c == 0:
            continue
        t = c - 1
        while t >= 0 and "其中" in view.label(t):
            t -= 1
        if t < 0:
            continue
        for r in range(view.first_data, len(view.table.rows)):
            if not view.aligned[r]:
                continue
            part, total = view.number(r, c), view.number(r, t)
            if part is None or total is None or part.unit == "%" or total.unit == "%":
                continue
            slack = Fraction(1, 2 * 10 ** max(part.decimals, total.decimals)) * 2
            if part.exact > total.exact + (slack if max(part.decimals, total.decimals) else 0):
                out.append(ctx.cell_finding(
                    "sum", view, r, c, f"≤{total.text}", part.text,
                    f"“{cell_label(label)}”{part.text}大于其所属的“{cell_label(view.label(t))}”{total.text}。"))
    return out


def _indicator_sums(ctx, view: TableView) -> list:
    code_col = next(j for j, lb in enumerate(view.labels) if cell_label(lb) in ("编码", "指标编码", "代码"))
    columns = [j for j, lb in enumerate(view.labels) if re.search(r"权重|分值|满分|得分", lb) and "率" not in lb]
    rows: dict[str, int] = {}
    total_row = None
    for r in range(view.first_data, len(view.table.rows)):
        code = view.cell(r, code_col).text.strip() if view.cell(r, code_col) else ""
        if view.is_total_row(r):
            total_row = r
        elif re.fullmatch(r"[A-Z][0-9A-Z]*", code):
            rows[code] = r
    codes = set(rows)
    children: dict[str | None, list[str]] = {}
    for code in rows:
        children.setdefault(code_parent(code, codes), []).append(code)
    out = []
    for c in columns:
        for parent, kids in children.items():
            r = rows[parent] if parent is not None else total_row
            if r is None:
                continue
            total = view.number(r, c)
            parts = [view.number(rows[k], c) for k in kids]
            if total is None or any(q is None for q in parts):
                continue
            decimals = max(q.decimals for q in [*parts, total])
            if not sum_agrees([q.exact for q in parts], total.exact, decimals):
                expected = printed(sum((q.exact for q in parts), Fraction(0)), decimals)
                what = f"指标“{parent}”" if parent else "合计行"
                out.append(ctx.cell_finding(
                    "sum", view, r, c, expected, total.text,
                    f"{what}的“{cell_label(view.label(c))}”为{total.text}，而其下{len(kids)}项相加为{expected}。"))
    return out


# ---- prose ----------------------------------------------------------------------------------------

def _same_kind(q: Quantity, cls: str) -> bool:
    return not q.compound and q.cls == cls and q.cls != "percent"


def _amount(q: Quantity) -> Fraction:
    return q.wan if q.wan is not None else q.exact


def _agree(parts: list[Quantity], total: Quantity, *, partial: bool) -> tuple[bool, Fraction]:
    """Whether parts agree with total; also accepts 元 parts read as 万元 (the unit check reports those)."""
    def gap_ok(numbers: list[Fraction], decimals: int) -> bool:
        s = sum(numbers, Fraction(0))
        t = _amount(total)
        if partial:
            if s <= t:
                return t == 0 or (t - s) / t > PARTIAL_GAP or sum_agrees(numbers, t, decimals)
        return sum_agrees(numbers, t, decimals)

    numbers = [_amount(q) for q in parts]
    decimals = max(q.decimals + (4 if q.unit == "元" and total.unit != "元" else 0) for q in [*parts, total])
    if gap_ok(numbers, decimals):
        return True, sum(numbers, Fraction(0))
    if total.cls == "money" and any(q.unit == "元" for q in parts) and total.unit != "元":
        as_wan = [q.exact if q.unit == "元" else _amount(q) for q in parts]
        if gap_ok(as_wan, max(q.decimals for q in [*parts, total])):
            return True, sum(as_wan, Fraction(0))
    return False, sum(numbers, Fraction(0))


def _unit_text(q: Quantity) -> str:
    return "万元" if q.cls == "money" and q.unit != "元" else q.unit


def _finding(ctx, p, total: Quantity, parts: list[Quantity], s: Fraction, how: str):
    decimals = max([total.decimals] + [q.decimals for q in parts if q.unit == total.unit])
    expected = printed(s, decimals) + _unit_text(total)
    return ctx.paragraph_finding(
        "sum", p, total.start, total.end, expected, total.text,
        f"{how}：所列{len(parts)}项（{'、'.join(q.text for q in parts)}）相加为{expected}，与总数{total.text}不符。")


def prose_groups(ctx, p) -> list[tuple[Quantity, list[Quantity], bool, str]]:
    """(total, parts, partial, how) of every breakdown in a paragraph (see module doc)."""
    text = normalize(p.text)
    qs = [q for q in ctx.quantities(p) if not q.compound]
    periods = spans(text, _PERIOD)
    groups, used_totals = [], set()

    def period_of(pos: int) -> tuple[int, int]:
        for a, b in periods:
            if a <= pos <= b:
                return a, b
        return 0, len(text)

    # 其中 lists: total before 其中, parts after it (inside the brackets when 其中 is bracketed).
    for m in re.finditer("其中", text):
        a, b = period_of(m.start())
        close = _bracket_end(text, m.start())
        stop = close if close is not None else b
        after = [q for q in qs if m.end() <= q.start < stop]
        if not after:
            continue
        cls = after[0].cls
        parts = _leading_run(text, [q for q in after if _same_kind(q, cls)], stop)
        if len(parts) < 2:
            continue
        before = [q for q in qs if a <= q.start < m.start() and _same_kind(q, cls)]
        if not before and not text[a:m.start()].strip(" ：:，,（("):
            prev = [(x, y) for x, y in periods if y <= a]
            if prev:
                x, y = prev[-1]
                before = [q for q in qs if x <= q.start < y and _same_kind(q, cls)]
        if not before:
            continue
        total = before[-1]
        used_totals.add(total.start)
        groups.append((total, parts, True, "“其中”所列各项与总数不符"))
    # X（A、B）: a breakdown in brackets right after the total
    for total in qs:
        if total.start in used_totals or text[total.end:total.end + 1] not in ("（", "("):
            continue
        close = _bracket_end(text, total.end + 1)
        if close is None or "其中" in text[total.end:close]:
            continue
        parts = [q for q in qs if total.end < q.start < close and _same_kind(q, total.cls)]
        if len(parts) >= 2:
            groups.append((total, parts, True, "括号内所列各项与总数不符"))
    # A、B、C，合计X: parts first
    for total in qs:
        if total.start in used_totals:
            continue
        parts = closing_parts(ctx, p, total)
        if parts:
            groups.append((total, parts, False, "所列各项与合计不符"))
    return groups


def prose_sums(ctx, p) -> list:
    out = []
    for total, parts, partial, how in prose_groups(ctx, p):
        ok, s = _agree(parts, total, partial=partial)
        if not ok:
            out.append(_finding(ctx, p, total, parts, s, how))
    return out


def closing_parts(ctx, p, total: Quantity) -> list[Quantity]:
    """The parts a 合计/共计 closes: same-kind amounts since the sentence (or its last colon) began."""
    text = normalize(p.text)
    qs = [q for q in ctx.quantities(p) if not q.compound]
    a = max((text.rfind(ch, 0, total.start) for ch in "。！？\n"), default=-1) + 1
    head = text[a:total.start]
    if not _CLOSING_WORD.search(head):
        return []
    colon = max(head.rfind("："), head.rfind(":"))
    start = a + colon + 1 if colon >= 0 else a
    parts = [q for q in qs if start <= q.start < total.start and _same_kind(q, total.cls)
             and _bracket_depth(text, start, q.start) == 0]
    if len(parts) < 2 or "其中" in text[parts[0].start:total.start]:
        return []
    return parts


def _leading_run(text: str, parts: list[Quantity], stop: int) -> list[Quantity]:
    """The parts of a 其中 list: stop at a clause that states a rate (入户率97.66%) or a new total."""
    out = []
    for q in parts:
        between = text[out[-1].end:q.start] if out else ""
        if out and re.search(r"率|合计|共计|总计|%", between):
            break
        out.append(q)
    return out


def _bracket_end(text: str, pos: int) -> int | None:
    """Index of the bracket closing the one open at ``pos`` (or the one ``pos`` is inside)."""
    depth = 0
    start = pos
    if text[pos:pos + 1] not in ("（", "("):
        # find the innermost open bracket before pos
        d = 0
        for i in range(pos - 1, -1, -1):
            if text[i] in "）)":
                d += 1
            elif text[i] in "（(":
                if d == 0:
                    start = i
                    break
                d -= 1
        else:
            return None
    for i in range(start, len(text)):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)":
            depth -= 1
            if depth == 0:
                return i
    return None


def _bracket_depth(text: str, start: int, pos: int) -> int:
    depth = 0
    for ch in text[start:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth
