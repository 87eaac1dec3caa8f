"""The satisfaction-survey table (rows 人数 / 占比 / 分数 per question, options A–E, a 合计 block):
kinds "sum" and "derived".

- sum: each question's counts against its 合计人数, its option scores against its score total, the
  合计 block against the questions (counts, option scores, total score), the 最终得分 against the
  合计 block (kind "consistency");
- derived: 占比 = count ÷ respondents (printed as 82.93% or as 0.83), and each option's 分数 =
  weight × coefficient × count ÷ respondents.

Weights and coefficients are taken from what the report states ("各题分值均为10分", "第1题20分，
其余各题10分/题", "选项系数为A（非常满意）1，B（满意）0.9 …"). What it does not state is inferred
from the table itself: coefficient A = 1, a question's weight from its A column (rounded to 0.5),
the other coefficients as the median over the questions (rounded to 0.05). A wrong cell then stands
out against the rest of the table.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from fractions import Fraction

from jixiao.audit.document import Paragraph
from jixiao.audit.findings import Interval, half_unit, printed, sum_agrees
from jixiao.audit.tables import SurveyQuestion, SurveyView, TableView
from jixiao.audit.textnum import Quantity, normalize


@dataclass
class Model:
    weights: dict[int, Fraction] = field(default_factory=dict)  # question index → weight
    coefficients: dict[str, Fraction] = field(default_factory=dict)
    stated_weights: bool = False
    stated_coefficients: bool = False


@dataclass
class Question:
    index: int
    q: SurveyQuestion
    counts: dict[str, Quantity | None]
    respondents: Fraction | None
    total_score: tuple[int, int, Quantity] | None  # (row, col, value)


def check(ctx) -> list:
    out = []
    for view in ctx.views:
        if view.kind == "survey":
            out += _survey(ctx, view)
    return out


def survey_total(view: TableView) -> Quantity | None:
    """The survey's total score as the table prints it (合计 block, else 最终得分)."""
    sv = view.survey
    if sv.total is not None:
        found = _total_score(view, sv, sv.total)
        if found:
            return found[2]
    if sv.final is not None:
        return view.number(*sv.final) or _short_row_number(view, sv.final)
    return None


def _short_row_number(view: TableView, at: tuple[int, int]) -> Quantity | None:
    from jixiao.audit.tables import cell_quantity

    r, c = at
    row = view.table.rows[r]
    return cell_quantity(row[c].text) if c < len(row) else None


def _number(view: TableView, r: int | None, c: int | None) -> Quantity | None:
    if r is None or c is None:
        return None
    return view.number(r, c)


def _total_score(view: TableView, sv: SurveyView, q: SurveyQuestion) -> tuple[int, int, Quantity] | None:
    if sv.total_col is None:
        return None
    rows = [q.rows.get("count"), q.rows.get("share"), q.rows.get("score")] if sv.total_col_is_score else \
        [q.rows.get("score")]
    for r in rows:
        value = _number(view, r, sv.total_col)
        if value is not None:
            return r, sv.total_col, value
    return None


def _questions(view: TableView, sv: SurveyView) -> list[Question]:
    out = []
    for i, q in enumerate([*sv.questions, *([sv.total] if sv.total else [])]):
        counts = {letter: _number(view, q.rows.get("count"), col) for letter, col in sv.options.items()}
        respondents = None
        if all(v is not None for v in counts.values()):
            respondents = sum((v.exact for v in counts.values()), Fraction(0))  # a wrong 合计 is reported once
        elif sv.total_col is not None and not sv.total_col_is_score:
            stated = _number(view, q.rows.get("count"), sv.total_col)
            respondents = stated.exact if stated is not None else None
        out.append(Question(i, q, counts, respondents, _total_score(view, sv, q)))
    return out


def _survey(ctx, view: TableView) -> list:
    sv = view.survey
    questions = _questions(view, sv)
    plain = [q for q in questions if not q.q.is_total]
    total = next((q for q in questions if q.q.is_total), None)
    out = []
    for q in questions:
        out += _count_total(ctx, view, sv, q)
        out += _shares(ctx, view, sv, q)
        out += _score_total(ctx, view, sv, q)
    model = _model(ctx, view, sv, plain)
    for q in plain:
        out += _option_scores(ctx, view, sv, q, model)
    if total is not None:
        out += _total_block(ctx, view, sv, plain, total)
    out += _final(ctx, view, sv)
    return out


def _count_total(ctx, view, sv, q: Question) -> list:
    if sv.total_col is None or sv.total_col_is_score or "count" not in q.q.rows:
        return []
    r = q.q.rows["count"]
    stated = view.number(r, sv.total_col)
    if stated is None or any(v is None for v in q.counts.values()):
        return []
    s = sum((v.exact for v in q.counts.values()), Fraction(0))
    if s == stated.exact:
        return []
    return [ctx.cell_finding("sum", view, r, sv.total_col, printed(s, 0), stated.text,
                             f"各选项人数相加为{printed(s, 0)}人，与合计人数{stated.text}不符。")]


def _share_value(cell: Quantity) -> tuple[Interval, bool]:
    """A 占比 cell as a fraction of 1 with its rounding interval; True when printed as a percentage."""
    h = half_unit(cell.decimals)
    if cell.unit == "%":
        return Interval.around(cell.exact / 100, h / 100), True
    return Interval.around(cell.exact, h if cell.decimals else Fraction(0)), False


def _shares(ctx, view, sv, q: Question) -> list:
    r = q.q.rows.get("share")
    if r is None or not q.respondents:
        return []
    out = []
    for letter, col in sv.options.items():
        cell, count = view.number(r, col), q.counts.get(letter)
        if cell is None or count is None:
            continue
        found, as_percent = _share_value(cell)
        expected = count.exact / q.respondents
        if not found.meets(Interval.around(expected)):
            shown = printed(expected * 100, cell.decimals, True) if as_percent else printed(expected, cell.decimals)
            out.append(ctx.cell_finding(
                "derived", view, r, col, shown, cell.text,
                f"{letter}选项占比应为{count.text}÷{printed(q.respondents, 0)}={shown}，表中为{cell.text}。"))
    return out


def _score_total(ctx, view, sv, q: Question) -> list:
    r = q.q.rows.get("score")
    if r is None or q.total_score is None:
        return []
    scores = [view.number(r, col) for col in sv.options.values()]
    if any(s is None for s in scores):
        return []
    tr, tc, stated = q.total_score
    decimals = max(s.decimals for s in [*scores, stated])
    if sum_agrees([s.exact for s in scores], stated.exact, decimals):
        return []
    s = printed(sum((x.exact for x in scores), Fraction(0)), decimals)
    what = "合计" if q.q.is_total else "该题"
    return [ctx.cell_finding("sum", view, tr, tc, s, stated.text,
                             f"{what}各选项分数相加为{s}，与得分{stated.text}不符（已计入四舍五入误差）。")]


# ---- weights and coefficients -----------------------------------------------------------------

_COEFF = re.compile(r"([A-E])\s*(?:[（(][^）)]{0,8}[）)])?\s*(?:系数)?\s*[=＝:：为是]?\s*(\d+(?:\.\d+)?)")


def _nearby_text(ctx, view: TableView) -> str:
    blocks = ctx.doc.blocks
    i = view.table.block
    around = [b.text for b in blocks[max(0, i - 2):i + 4] if isinstance(b, Paragraph)]
    cells = [c.text for row in view.table.rows for c in row if c.text]
    return normalize("\n".join([view.table.caption, *cells, *around]))


def stated_model(text: str) -> Model:
    model = Model()
    for sentence in re.split(r"[。；;\n]", text):
        if "系数" in sentence:
            for letter, value in _COEFF.findall(sentence.split("系数", 1)[1]):
                model.coefficients.setdefault(letter, Fraction(value))
    model.stated_coefficients = bool(model.coefficients)
    specific = {int(n): Fraction(w) for n, w in re.findall(r"第\s*(\d+)\s*题\s*(\d+(?:\.\d+)?)\s*分", text)}
    default = None
    for pattern in (r"其余各题(?:均为|均|为)?\s*(\d+(?:\.\d+)?)\s*分", r"各题分值均为\s*(\d+(?:\.\d+)?)\s*分",
                    r"每题\s*(\d+(?:\.\d+)?)\s*分", r"各题(?:均为|均)\s*(\d+(?:\.\d+)?)\s*分", r"(\d+(?:\.\d+)?)\s*分\s*/\s*题"):
        m = re.search(pattern, text)
        if m:
            default = Fraction(m.group(1))
            break
    model.weights = {n: w for n, w in specific.items() if w}
    if default:
        model.weights[0] = default  # 0: every question not named
    model.stated_weights = bool(model.weights)
    return model


def _round_to(value: Fraction, step: Fraction) -> Fraction:
    return Fraction(round(value / step)) * step


def _model(ctx, view, sv, questions: list[Question]) -> Model:
    stated = stated_model(_nearby_text(ctx, view))
    model = Model(coefficients=dict(stated.coefficients), stated_coefficients=stated.stated_coefficients,
                  stated_weights=stated.stated_weights)
    for q in questions:
        number = q.q.number if q.q.number is not None else q.index + 1
        w = stated.weights.get(number, stated.weights.get(0))
        if w is not None:
            model.weights[q.index] = w
    if not model.coefficients:
        model.coefficients["A"] = Fraction(1)
    score_rows = {q.index: q.q.rows.get("score") for q in questions}
    # weights not stated: from the A column (A's coefficient is known by now)
    for q in questions:
        if q.index in model.weights or not q.respondents:
            continue
        r, count = score_rows[q.index], q.counts.get("A")
        cell = view.number(r, sv.options["A"]) if r is not None and "A" in sv.options else None
        if cell is None or count is None or not count.exact or "A" not in model.coefficients:
            continue
        if not model.coefficients["A"]:
            continue
        raw = cell.exact / (model.coefficients["A"] * count.exact / q.respondents)
        w = _round_to(raw, Fraction(1, 2))
        if w > 0 and abs(w * model.coefficients["A"] * count.exact / q.respondents - cell.exact) <= half_unit(
                cell.decimals):
            model.weights[q.index] = w
    # a question whose A cell is itself wrong: the weight most questions have
    known = [w for w in model.weights.values()]
    if known and not stated.weights:
        usual = statistics.mode(known)
        if known.count(usual) >= 2:
            for q in questions:
                model.weights.setdefault(q.index, usual)
    # coefficients not stated: the median over the questions
    for letter, col in sv.options.items():
        if letter in model.coefficients:
            continue
        ratios = []
        for q in questions:
            r, count = score_rows[q.index], q.counts.get(letter)
            cell = view.number(r, col) if r is not None else None
            w = model.weights.get(q.index)
            if cell is None or count is None or not count.exact or not w or not q.respondents:
                continue
            ratios.append(cell.exact / (w * count.exact / q.respondents))
        if ratios:
            model.coefficients[letter] = _round_to(Fraction(statistics.median(ratios)), Fraction(1, 20))
    return model


def _fmt(value: Fraction) -> str:
    from jixiao.common.numbers import fmt_plain

    return fmt_plain(value)


def _option_scores(ctx, view, sv, q: Question, model: Model) -> list:
    r = q.q.rows.get("score")
    w = model.weights.get(q.index)
    if r is None or w is None or not q.respondents:
        return []
    out = []
    for letter, col in sv.options.items():
        cell, count, c = view.number(r, col), q.counts.get(letter), model.coefficients.get(letter)
        if cell is None or count is None or c is None:
            continue
        expected = w * c * count.exact / q.respondents
        if abs(expected - cell.exact) <= half_unit(cell.decimals):
            continue
        shown = printed(expected, cell.decimals)
        how = "报告所列" if model.stated_coefficients else "按表中其他各题推得的"
        out.append(ctx.cell_finding(
            "derived", view, r, col, shown, cell.text,
            f"{letter}选项分数应为分值{_fmt(w)}×系数{_fmt(c)}×{count.text}÷{printed(q.respondents, 0)}={shown}"
            f"（系数为{how}），表中为{cell.text}。"))
    return out


def _total_block(ctx, view, sv, questions: list[Question], total: Question) -> list:
    out = []
    # counts per option and in the 合计人数 column
    r = total.q.rows.get("count")
    columns = dict(sv.options)
    if sv.total_col is not None and not sv.total_col_is_score:
        columns["合计"] = sv.total_col
    if r is not None:
        for letter, col in columns.items():
            stated = view.number(r, col)
            parts = [view.number(q.q.rows.get("count"), col) if q.q.rows.get("count") is not None else None
                     for q in questions]
            if stated is None or any(p is None for p in parts):
                continue
            s = sum((p.exact for p in parts), Fraction(0))
            if s != stated.exact:
                out.append(ctx.cell_finding("sum", view, r, col, printed(s, 0), stated.text,
                                            f"合计行{letter}列人数应为各题之和{printed(s, 0)}，表中为{stated.text}。"))
    # option scores and the total score
    r = total.q.rows.get("score")
    if r is not None:
        for letter, col in sv.options.items():
            stated = view.number(r, col)
            parts = [view.number(q.q.rows["score"], col) if "score" in q.q.rows else None for q in questions]
            if stated is None or any(p is None for p in parts):
                continue
            decimals = max(p.decimals for p in [*parts, stated])
            if not sum_agrees([p.exact for p in parts], stated.exact, decimals):
                s = printed(sum((p.exact for p in parts), Fraction(0)), decimals)
                out.append(ctx.cell_finding("sum", view, r, col, s, stated.text,
                                            f"合计行{letter}列分数应为各题之和{s}，表中为{stated.text}"
                                            f"（已计入四舍五入误差）。"))
    if total.total_score is not None and all(q.total_score for q in questions):
        tr, tc, stated = total.total_score
        parts = [q.total_score[2] for q in questions]
        decimals = max(p.decimals for p in [*parts, stated])
        if not sum_agrees([p.exact for p in parts], stated.exact, decimals):
            s = printed(sum((p.exact for p in parts), Fraction(0)), decimals)
            out.append(ctx.cell_finding("sum", view, tr, tc, s, stated.text,
                                        f"满意度合计得分应为各题得分之和{s}，表中为{stated.text}（已计入四舍五入误差）。"))
    return out


def _final(ctx, view, sv) -> list:
    if sv.final is None or sv.total is None:
        return []
    block_total = _total_score(view, sv, sv.total)
    final = view.number(*sv.final) or _short_row_number(view, sv.final)
    if block_total is None or final is None:
        return []
    stated = block_total[2]
    a = Interval.around(stated.exact, half_unit(stated.decimals))
    b = Interval.around(final.exact, half_unit(final.decimals))
    if a.meets(b):
        return []
    r, c = sv.final
    return [ctx.cell_finding("consistency", view, r, c, stated.text, final.text,
                             f"最终得分{final.text}与合计行得分{stated.text}不一致。")]
