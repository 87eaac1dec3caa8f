"""kind "unit": amounts written without their unit, or in 元 where the context is 万元.

- An amount in 元 with three or more decimals (13.075元 is less than a 分 short of 13.08元; amounts in
  元 stop at 分): it was meant as 万元.
- A part of a breakdown whose total and other parts are in 万元 (其中 / 合计 / bracketed lists) written
  in 元 or without any unit.
- A bare number right after a money word (预算资金317.395，) when the sentence gives no unit.
- A cell written in 元 in a table or column labelled 万元.
"""

from __future__ import annotations

import re

from jixiao.audit.checks.sums import prose_groups
from jixiao.audit.tables import cell_quantity
from jixiao.audit.textnum import normalize, quantities

_MONEY_WORD = re.compile(r"(资金|经费|金额|预算|支出|拨付|下拨|到位|结余|结转|补助金|慰问金|救助金|拨款)(为|共|计|合计|共计)?\s*$")


def check(ctx) -> list:
    out, flagged = [], set()
    for p in ctx.paragraphs:
        text = normalize(p.text)
        qs = ctx.quantities(p)
        has_wan = any(q.unit in ("万元", "万") for q in qs)
        for q in qs:
            if q.unit == "元" and q.decimals >= 3:
                flagged.add((p.block, q.start))
                wan = f"{q.value}万元"
                context = "上下文金额以万元计，" if has_wan else ""
                out.append(ctx.paragraph_finding(
                    "unit", p, q.start, q.end, wan, q.text,
                    f"金额{q.text}有{q.decimals}位小数（元以下只到分），{context}应为{wan}。"))
        for total, parts, _, _ in prose_groups(ctx, p):
            if total.cls != "money" or total.unit == "元":
                continue
            for q in parts:
                if q.unit == "元" and (p.block, q.start) not in flagged and q.exact < 10000:
                    flagged.add((p.block, q.start))
                    out.append(ctx.paragraph_finding(
                        "unit", p, q.start, q.end, f"{q.value}万元", q.text,
                        f"与{total.text}及其他各项同列的金额{q.text}以“元”为单位，应为{q.value}万元。"))
            first, last = parts[0].start, parts[-1].end
            for bare in quantities(text[first:last]):
                if bare.unit == "" and not bare.compound and re.match(r"^[，,、；;）)]", text[first + bare.end:] or "，"):
                    start = first + bare.start
                    if (p.block, start) in flagged:
                        continue
                    flagged.add((p.block, start))
                    out.append(ctx.paragraph_finding(
                        "unit", p, start, first + bare.end, f"{bare.value}万元", bare.text,
                        f"与{total.text}同列的金额{bare.text}缺少单位（其余各项为万元）。"))
        for q in qs:
            if q.unit or (p.block, q.start) in flagged or q.value == 0:
                continue
            head = text[max(0, q.start - 8):q.start]
            tail = text[q.end:q.end + 1]
            if _MONEY_WORD.search(head) and (tail == "" or tail in "，,。；;、）)") and has_wan:
                flagged.add((p.block, q.start))
                out.append(ctx.paragraph_finding(
                    "unit", p, q.start, q.end, f"{q.value}万元", q.text,
                    f"金额{q.text}未写单位（本段其他金额以万元计）。"))
    out += _tables(ctx)
    return out


def _tables(ctx) -> list:
    out = []
    for view in ctx.views:
        for c in range(view.width):
            wan = "万元" in view.label(c) or (view.table.unit == "万元" and not re.search(r"元）|元\)", view.label(c)))
            if not wan:
                continue
            for r in range(view.first_data, len(view.table.rows)):
                cell = view.cell(r, c)
                q = cell_quantity(cell.text) if cell is not None else None
                if q is not None and q.unit == "元":
                    out.append(ctx.cell_finding("unit", view, r, c, f"{q.value}万元", q.text,
                                                f"本列金额以万元计，此格写作{q.text}。"))
    return out
