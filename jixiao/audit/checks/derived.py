"""kind "derived": figures that follow from others printed beside them.

Tables: 扣分 = 权重分 − 得分 and 得分率 = 得分 ÷ 权重分 in score tables (and a score never above its
weight); 完成率 = 实际 ÷ 目标 in a target table ("≥20000人 | 23186人 | 完成率115.93%") and in a
"全年计划…人数 | 20000 | 任务完成率 | 115.93%" row under a table whose 合计 gives the actual number;
any "a ÷ b = c%" written out in a cell or a paragraph.

Prose: the balance (结余, 结转结余) = funds received − spending, with the received and spent amounts
taken from the same or the three preceding paragraphs; reported only when both are unambiguous.
Tolerance: interval arithmetic on printed precision (see ``findings``).
"""

from __future__ import annotations

import re
from fractions import Fraction

from jixiao.audit.findings import Interval, half_unit, printed
from jixiao.audit.tables import TableView, cell_quantity, is_dash
from jixiao.audit.textnum import Quantity, normalize, quantities

_WEIGHT = r"权重|满分|分值|标准分"
_SCORE = r"得分"
_OPS = {"≥": "≥", "≤": "≤", ">": ">", "<": "<", "＞": ">", "＜": "<", "=": "=", "＝": "="}


def interval(q: Quantity, *, exact_integers: bool = True) -> Interval:
    """A printed figure with its rounding interval (integers exact unless a percentage)."""
    h = Fraction(0) if (q.decimals == 0 and exact_integers and q.unit != "%") else half_unit(q.decimals)
    return Interval.around(q.exact, h)


def check(ctx) -> list:
    out = []
    for view in ctx.views:
        if view.kind in ("scores", "indicators"):
            out += _score_table(ctx, view)
        out += _target_table(ctx, view)
        out += _completion_rows(ctx, view)
        out += _formulas_in_table(ctx, view)
    for i, p in enumerate(ctx.paragraphs):
        out += _formulas(ctx, p)
        out += _balance(ctx, i)
    return out


# ---- score tables ---------------------------------------------------------------------------------

def _score_table(ctx, view: TableView) -> list:
    w_col = view.column(_WEIGHT)
    s_col = view.column(_SCORE, exclude=r"率")
    d_col = view.column(r"扣分")
    rate_col = view.column(r"得分率")
    if w_col is None or s_col is None:
        return []
    out = []
    for r in range(view.first_data, len(view.table.rows)):
        if not view.aligned[r]:
            continue
        w, s = view.number(r, w_col), view.number(r, s_col)
        if w is None or s is None:
            continue
        if s.exact > w.exact:
            out.append(ctx.cell_finding("derived", view, r, s_col, f"≤{w.text}", s.text,
                                        f"得分{s.text}超过权重分{w.text}。"))
            continue
        if d_col is not None:
            cell = view.cell(r, d_col)
            d = view.number(r, d_col)
            if cell is not None and is_dash(cell.text):
                d_found = Interval.around(Fraction(0))
                shown = cell.text.strip()
            elif d is not None:
                d_found, shown = interval(d), d.text
            else:
                d_found = None
            if d_found is not None:
                expected = interval(w) - interval(s)
                if not expected.meets(d_found):
                    decimals = max(w.decimals, s.decimals, d.decimals if d is not None else 0)
                    value = printed(w.exact - s.exact, decimals)
                    out.append(ctx.cell_finding("derived", view, r, d_col, value, shown,
                                                f"扣分应为权重分{w.text}−得分{s.text}={value}，表中为{shown}。"))
        if rate_col is not None:
            rate = view.number(r, rate_col)
            if rate is not None and rate.unit == "%" and w.exact:
                expected = (interval(s) / interval(w)).scale(Fraction(100))
                if not expected.meets(interval(rate)):
                    value = printed(s.exact / w.exact * 100, max(rate.decimals, 2), True)
                    out.append(ctx.cell_finding("derived", view, r, rate_col, value, rate.text,
                                                f"得分率应为得分{s.text}÷权重分{w.text}={value}，表中为{rate.text}。"))
    return out


# ---- targets and completion -----------------------------------------------------------------------

def _target_value(text: str) -> tuple[str, Quantity] | None:
    t = normalize(text).strip()
    op = _OPS.get(t[:1], "")
    qs = quantities(t[1:] if op else t, with_bounds=True)
    if len(qs) != 1:
        return None
    return op, qs[0]


def _target_table(ctx, view: TableView) -> list:
    t_col = view.column(r"目标|计划", exclude=r"实际|率")
    a_col = view.column(r"实际|完成值")
    if t_col is None or a_col is None:
        return []
    out = []
    for r in range(view.first_data, len(view.table.rows)):
        target_cell, actual_cell = view.cell(r, t_col), view.cell(r, a_col)
        if target_cell is None or actual_cell is None:
            continue
        target, actual = _target_value(target_cell.text), _target_value(actual_cell.text)
        if target is None or actual is None:
            continue
        op, goal = target
        if op not in ("", "≥", "=") or not goal.exact or (goal.unit and actual[1].unit and goal.unit != actual[1].unit):
            continue
        for c, cell in enumerate(view.grid[r]):
            if cell is None or c in (t_col, a_col):
                continue
            m = re.search(r"完成率\s*(\d+(?:\.\d+)?)\s*%", normalize(cell.text))
            if not m:
                continue
            rate = quantities(m.group(0))[0]
            value = actual[1]
            expected = (interval(value) / interval(goal)).scale(Fraction(100))
            if not expected.meets(interval(rate)):
                shown = printed(value.exact / goal.exact * 100, rate.decimals, True)
                out.append(ctx.cell_finding("derived", view, r, c, shown, rate.text,
                                            f"完成率应为实际{value.text}÷目标{goal.text}={shown}，表中为{rate.text}。"))
    return out


def _completion_rows(ctx, view: TableView) -> list:
    """'全年计划受益人数（人）| 20000 | 任务完成率 | 115.93%' under a table whose 合计 row has the actual."""
    total_rows = [r for r in range(view.first_data, len(view.table.rows)) if view.is_total_row(r)]
    if not total_rows:
        return []
    out = []
    for r in range(total_rows[-1] + 1, len(view.table.rows)):
        row = view.table.rows[r]
        texts = [c.text for c in row]
        rate_at = next((i for i, t in enumerate(texts) if "完成率" in t), None)
        plan_at = next((i for i, t in enumerate(texts) if re.search(r"计划|预计|目标", t)), None)
        if rate_at is None or plan_at is None:
            continue
        rate_col = next((i for i in range(rate_at + 1, len(texts)) if cell_quantity(texts[i])), None)
        plan = next((cell_quantity(t) for t in texts[plan_at + 1:rate_at] if cell_quantity(t)), None)
        rate = cell_quantity(texts[rate_col]) if rate_col is not None else None
        if rate is None or plan is None or rate.unit != "%" or not plan.exact:
            continue
        actual_col = view.column(r"实际.*人|人数", exclude=r"计划|预计")
        actual = view.number(total_rows[-1], actual_col) if actual_col is not None else None
        if actual is None:
            continue
        expected = (interval(actual) / interval(plan)).scale(Fraction(100))
        rows = [x for x in range(view.first_data, total_rows[-1]) if view.aligned[x] and not view.is_total_row(x)]
        parts = [view.number(x, actual_col) for x in rows]
        if expected.meets(interval(rate)) or (parts and all(parts) and Interval.around(
                sum((q.exact for q in parts), Fraction(0)) * 100 / plan.exact).meets(interval(rate))):
            continue  # agrees with the 合计, or with the rows when the 合计 itself is wrong (reported once, by sums)
        shown = printed(actual.exact / plan.exact * 100, rate.decimals, True)
        out.append(ctx.cell_finding("derived", view, r, rate_col, shown, rate.text,
                                    f"任务完成率应为合计{actual.text}÷计划{plan.text}={shown}，表中为{rate.text}。"))
    return out


# ---- a ÷ b = c% written out -----------------------------------------------------------------------

_FORMULA = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*[÷/]\s*[\u4e00-\u9fff]{0,4}\s*(\d[\d,]*(?:\.\d+)?)\s*[=＝]\s*"
                      r"(\d+(?:\.\d+)?)\s*%")


def _formula_problems(text: str):
    for m in _FORMULA.finditer(normalize(text)):
        a, b, c = (Fraction(x.replace(",", "")) for x in m.groups())
        decimals = len(m.group(3).split(".")[1]) if "." in m.group(3) else 0
        if not b:
            continue
        found = Interval.around(c, half_unit(decimals))
        if not Interval.around(a / b * 100).meets(found):
            yield m, printed(a / b * 100, decimals, True), m.group(3) + "%"


def _formulas(ctx, p) -> list:
    return [ctx.paragraph_finding("derived", p, m.start(), m.end(), expected, found,
                                  f"{m.group(1)}÷{m.group(2)}应为{expected}，文中写作{found}。")
            for m, expected, found in _formula_problems(p.text)]


def _formulas_in_table(ctx, view: TableView) -> list:
    out = []
    for r, row in enumerate(view.grid):
        for c, cell in enumerate(row):
            if cell is None or "÷" not in cell.text and "/" not in cell.text:
                continue
            for m, expected, found in _formula_problems(cell.text):
                out.append(ctx.cell_finding("derived", view, r, c, expected, found,
                                            f"{m.group(1)}÷{m.group(2)}应为{expected}，表中写作{found}。"))
    return out


# ---- balance = received − spent ---------------------------------------------------------------------

_BALANCE = re.compile(r"(结转结余|结余结转|结余|结转|结存)(资金|金额)?(为|共|计)?$")
_SPENT = re.compile(r"(支出|发放|核拨|使用|拨付)[^，,；;。：:]{0,10}$")
_RECEIVED = re.compile(r"(实际到位|到位|收入|拨款|合计|来源)[^，,；;。：:]{0,10}$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])?[^，。；\d]{0,30}$")


def _clause_before(text: str, start: int) -> str:
    i = max(text.rfind(ch, 0, start) for ch in "，,；;。：:")
    return text[i + 1:start]


def _money(ctx, p) -> list[tuple[Quantity, str]]:
    text = normalize(p.text)
    return [(q, _clause_before(text, q.start)) for q in ctx.quantities(p) if q.cls == "money" and not q.compound]


def _balance(ctx, index: int) -> list:
    p = ctx.paragraphs[index]
    out = []
    for q, before in _money(ctx, p):
        if not _BALANCE.search(before[-8:].rstrip()) or re.search(r"(上年|往年|以前年度|上一年度?)(结转|结余)", before):
            continue
        scope = [p]
        for j in range(index - 1, max(-1, index - 4), -1):
            prev = ctx.paragraphs[j]
            if _HEADING.match(prev.text):
                break
            scope.append(prev)
        received, spent, sums = [], [], []
        for sp in scope:
            for x, head in _money(ctx, sp):
                if x is q or _BALANCE.search(head[-8:]):
                    continue
                if _SPENT.search(head) and "预算" not in head:
                    spent.append(x)
                elif _RECEIVED.search(head) and "预算" not in head:
                    received.append(x)
                    if head.rstrip().endswith(("合计", "合计为", "共计")):
                        sums.append(_parts_sum(ctx, sp, x))
        if not received or not spent:
            continue
        found = _iv(q)
        options = [*received, *(s for s in sums if s is not None)]
        if any((_iv(r_) - _iv(s_)).meets(found) for r_ in options for s_ in spent):
            continue
        if len(received) != 1 or len(spent) != 1:
            continue
        r_, s_ = received[0], spent[0]
        decimals = max(q.decimals, r_.decimals, s_.decimals)
        value = printed(_wan(r_) - _wan(s_), decimals)
        out.append(ctx.paragraph_finding(
            "derived", p, q.start, q.end, value + "万元", q.text,
            f"结余应为到位（收入）{r_.text}−支出{s_.text}={value}万元，文中为{q.text}。"))
    return out


def _wan(q: Quantity) -> Fraction:
    return q.wan if q.wan is not None else q.exact


def _iv(q: Quantity | Interval) -> Interval:
    """An amount in 万元 with its rounding interval (a whole number is exact)."""
    if isinstance(q, Interval):
        return q
    h = half_unit(q.decimals) if q.decimals else Fraction(0)
    scale = (q.wan / q.exact) if q.exact else Fraction(1)
    return Interval.around(_wan(q), h * scale)


def _parts_sum(ctx, p, total: Quantity) -> Interval | None:
    """The sum of the parts a 合计 closes (an alternative received amount when the 合计 itself is wrong)."""
    from jixiao.audit.checks.sums import closing_parts

    parts = closing_parts(ctx, p, total)
    if not parts:
        return None
    return Interval.around(sum((_wan(x) for x in parts), Fraction(0)))

