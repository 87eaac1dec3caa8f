"""The score sheet (评分表.xlsx): the report's tables as a workbook, from the same printed figures.

Cell values — the choice made here: a figure that is a number is written as a NUMBER, namely
the printed string parsed back (so it is the rounded value the report shows, not the exact
one), with a number format that displays exactly that string: '0.00' for scores, '0.00%' for
rates, as many decimals as printed for 万元 amounts (317.395 → '0.000'), '0' for counts. Staff
can sum, sort and filter, and every cell still shows what the report prints; ``displayed``
reproduces Excel's display for these formats so the tests can hold the sheet to the figures.
Anything that is not a plain number ('—', '', names, evidence text) is written as text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from jixiao.common.numbers import round_half_up
from jixiao.common.safe_files import xlsx_workbook
from jixiao.scoring.figures import allocation_unit_of

SHEET_SUMMARY, SHEET_INDICATORS, SHEET_SURVEY, SHEET_FUNDS = "评分汇总", "指标评分", "满意度", "资金"
SHEET_PROGRAMMES = "子项目"  # multi-programme projects only (seed 003)
PROGRAMME_COLUMNS = (("序号", "no"), ("子项目", "name"), ("资金合计（万元）", "total"), ("支出（万元）", "spent"),
                     ("结余（万元）", "balance"), ("结余原因", "balance_reason"), ("全年救助户数", "households"),
                     ("全年救助人数", "persons"), ("月均救助户数", "monthly_households"), ("月均救助人数", "monthly_persons"),
                     ("保障标准", "standard"))
NUMERIC_PROGRAMME_KEYS = {"no", "total", "spent", "balance", "households", "persons", "monthly_households",
                          "monthly_persons"}
SHEET_DEPARTMENT = "部门项目"  # department-level projects only (seed 004)
PRINTED_NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?(%?)$")
LETTERS = ("A", "B", "C", "D", "E")
NUMERIC_ALLOCATION_KEYS = {"no", "amount", "planned", "actual"}


def number_and_format(printed: str) -> tuple[float, str] | None:
    """'97.50%' → (0.975, '0.00%'); '317.395' → (317.395, '0.000'); '1020' → (1020.0, '0'); else None."""
    match = PRINTED_NUMBER.match(printed or "")
    if not match:
        return None
    decimals, percent = len(match.group(1) or ""), match.group(2)
    pattern = "0." + "0" * decimals if decimals else "0"
    if percent:
        return float(Decimal(printed[:-1]) / 100), pattern + "%"
    return float(Decimal(printed)), pattern


def displayed(value: float, num_format: str) -> str:
    """What Excel shows for ``value`` under one of the formats ``number_and_format`` makes."""
    percent = num_format.endswith("%")
    decimals = len(num_format.rstrip("%").partition(".")[2])
    shown = round_half_up(Decimal(repr(value)) * (100 if percent else 1), decimals)
    return f"{shown:.{decimals}f}" + ("%" if percent else "")


class SheetWriter:
    """Writes cells of one workbook with a small cache of formats (xlsxwriter wants few)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self._formats: dict[tuple, object] = {}

    def fmt(self, num_format: str = "@", *, bold=False, align="center", indent=0, wrap=False, border=True,
            shade: str | None = None):
        key = (num_format, bold, align, indent, wrap, border, shade)
        if key not in self._formats:
            props = {"num_format": num_format, "bold": bold, "align": align, "valign": "vcenter",
                     "font_name": "宋体", "font_size": 10, "text_wrap": wrap}
            if border:
                props["border"] = 1
            if indent:
                props["indent"] = indent
            if shade:
                props.update({"bg_color": shade, "pattern": 1})
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def figure(self, ws, row: int, col: int, printed, **style) -> None:
        """A printed figure: a number displaying as ``printed`` when it is one, else text."""
        if isinstance(printed, int):
            printed = str(printed)
        parsed = number_and_format(printed)
        if parsed is None:
            ws.write_string(row, col, printed or "", self.fmt(**style))
        else:
            value, num_format = parsed
            ws.write_number(row, col, value, self.fmt(num_format, **style))

    def text(self, ws, row: int, col: int, text: str, **style) -> None:
        ws.write_string(row, col, text or "", self.fmt(**style))

    def header(self, ws, row: int, labels: list[str]) -> None:
        for col, label in enumerate(labels):
            self.text(ws, row, col, label, bold=True, wrap=True, shade="#F2F2F2")

    def title(self, ws, row: int, text: str, last_col: int) -> None:
        ws.merge_range(row, 0, row, last_col, text, self.fmt(bold=True, border=False))

    def note(self, ws, row: int, text: str, last_col: int) -> None:
        ws.merge_range(row, 0, row, last_col, text, self.fmt(align="left", wrap=True, border=False))


def _summary_sheet(w: SheetWriter, figures: dict) -> None:
    ws = w.workbook.add_worksheet(SHEET_SUMMARY)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 4, 12)
    w.title(ws, 0, f"{figures['project']}绩效评价得分汇总", 4)
    w.header(ws, 1, ["一级指标", "权重分", "得分", "扣分", "得分率"])
    row = 2
    for r in [*figures["level1"], {"code": "", "name": "合计", **figures["level1_total"]}]:
        w.text(ws, row, 0, f"{r['code']}{r['name']}", bold=not r["code"])
        for col, key in enumerate(("weight", "score", "deduction", "rate"), 1):
            w.figure(ws, row, col, r[key], bold=not r["code"])
        row += 1
    row += 1
    for label, value in (("总分", figures["total_score"]), ("满分", figures["full_marks"]),
                         ("等级", figures["grade"])):
        w.text(ws, row, 0, label, bold=True)
        w.figure(ws, row, 1, value)
        row += 1


def _indicator_sheet(w: SheetWriter, figures: dict) -> None:
    ws = w.workbook.add_worksheet(SHEET_INDICATORS)
    for col, width in enumerate((8, 6, 26, 8, 8, 8, 10, 10, 48)):
        ws.set_column(col, col, width)
    w.header(ws, 0, ["编码", "层级", "指标名称", "权重分", "得分", "扣分", "得分率", "评分规则", "评分依据"])
    ws.freeze_panes(1, 0)
    for row, r in enumerate(figures["indicators"], 1):
        group = {"bold": not r["is_leaf"]}
        w.text(ws, row, 0, r["code"], align="left", **group)
        w.figure(ws, row, 1, r["level"], **group)
        w.text(ws, row, 2, r["name"], align="left", indent=r["level"] - 1, **group)
        for col, key in enumerate(("weight", "score", "deduction", "rate"), 3):
            w.figure(ws, row, col, r[key], **group)
        w.text(ws, row, 7, r["rule"], **group)
        w.text(ws, row, 8, r["basis"], align="left", wrap=True, **group)


def _survey_rows(survey: dict) -> list[tuple[str, str, dict, object]]:
    """(first cell, row label, per-option values, last cell) in the report's survey layout."""
    rows = []
    for q in survey["questions"]:
        text = f"{q['number']}.{q['text']}"
        rows += [(text, "人数", q["counts"], q["respondents"]), (text, "占比", q["shares"], ""),
                 (text, "分数", q["option_scores"], q["score"])]
    return rows + [
        ("合计", "人数", survey["total_counts"], survey["total_answers"]),
        ("合计", "占比", survey["total_shares"], ""),
        ("合计", "分数", survey["total_option_scores"], survey["total"]),
    ]


def _survey_sheet(w: SheetWriter, figures: dict) -> None:
    ws = w.workbook.add_worksheet(SHEET_SURVEY)
    survey = figures["survey"]
    if not survey:
        w.text(ws, 0, 0, "本项目未开展满意度调查。", align="left", border=False)
        return
    ws.set_column(0, 0, 40)
    ws.set_column(1, 7, 11)
    w.title(ws, 0, survey["title"], 7)
    w.header(ws, 1, ["问卷题目及选项", "项目", *[f"{o['letter']}（{o['label']}）" for o in survey["options"]],
                     "合计/各题得分"])
    row = 2
    rows = _survey_rows(survey)
    for start in range(0, len(rows), 3):  # three rows per question: 人数 / 占比 / 分数
        ws.merge_range(row, 0, row + 2, 0, rows[start][0], w.fmt(align="left", wrap=True))
        for _, label, values, last in rows[start:start + 3]:
            w.text(ws, row, 1, label)
            for col, letter in enumerate(LETTERS, 2):
                w.figure(ws, row, col, values[letter])
            w.figure(ws, row, 7, last)
            row += 1
    ws.merge_range(row, 0, row, 6, "最终得分", w.fmt(bold=True))
    w.figure(ws, row, 7, survey["total"], bold=True)
    if survey["rounding_note"]:
        w.note(ws, row + 2, survey["rounding_note"], 7)


def _funds_block(w: SheetWriter, ws, figures: dict) -> int:
    funds = figures["funds"]
    w.title(ws, 0, f"资金情况（单位：{funds['unit']}）", 5)
    items = (("预算资金", funds["budget"]), ("到位资金", funds["arrived"]), ("资金到位率", funds["arrival_rate"]),
             ("实际支出", funds["spent"]), ("预算执行率", funds["execution_rate"]), ("结转结余", funds["balance"]))
    for row, (label, value) in enumerate(items, 1):
        w.text(ws, row, 0, label, bold=True)
        w.figure(ws, row, 1, value)
    row = len(items) + 2
    w.header(ws, row, ["资金来源", "预算数", "到位数"])
    for s in funds["by_kind"]:
        row += 1
        w.text(ws, row, 0, s["kind"])
        w.figure(ws, row, 1, s["budget"])
        w.figure(ws, row, 2, s["arrived"])
    row += 1
    w.text(ws, row, 0, "合计", bold=True)
    w.figure(ws, row, 1, funds["budget"], bold=True)
    w.figure(ws, row, 2, funds["arrived"], bold=True)
    return row + 2


def _allocation_block(w: SheetWriter, ws, figures: dict, row: int) -> None:
    alloc = figures["allocations"]
    if not alloc["rows"]:
        return
    columns = [("序号", "no"), (allocation_unit_of(figures), "region"), ("下拨资金（万元）", "amount")]
    if alloc["has_planned"]:
        columns.append(("计划受益人数（人）", "planned"))
    if alloc["has_actual"]:
        columns.append(("实际受益人数（人）", "actual"))
    columns.append(("备注", "note"))
    w.header(ws, row, [label for label, _ in columns])
    for r in alloc["rows"]:
        row += 1
        for col, (_, key) in enumerate(columns):
            if key in NUMERIC_ALLOCATION_KEYS:
                w.figure(ws, row, col, r[key])
            else:
                w.text(ws, row, col, r[key], align="left" if key == "region" else "center")
    row += 1
    totals = {"amount": alloc["total_amount"], "planned": alloc["total_planned"], "actual": alloc["total_actual"]}
    ws.merge_range(row, 0, row, 1, "合计", w.fmt(bold=True))
    for col, (_, key) in enumerate(columns[2:], 2):
        w.figure(ws, row, col, totals.get(key, ""), bold=True)
    if alloc["total_planned"] and alloc["completion"]:
        row += 1
        ws.merge_range(row, 0, row, 1, "全年计划受益人数（人）", w.fmt(bold=True))
        w.figure(ws, row, 2, alloc["total_planned"])
        w.text(ws, row, 3, "任务完成率", bold=True)
        w.figure(ws, row, 4, alloc["completion"])


def _funds_sheet(w: SheetWriter, figures: dict) -> None:
    ws = w.workbook.add_worksheet(SHEET_FUNDS)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 5, 18)
    row = _funds_block(w, ws, figures)
    _allocation_block(w, ws, figures, row)


def _programmes_sheet(w: SheetWriter, figures: dict) -> None:
    """One row per programme, then the combined 合计 / 支出 / 结余, then each programme's sources."""
    ws = w.workbook.add_worksheet(SHEET_PROGRAMMES)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 4, 14)
    ws.set_column(5, 5, 24)
    ws.set_column(6, 9, 12)
    ws.set_column(10, 10, 30)
    last = len(PROGRAMME_COLUMNS) - 1
    w.title(ws, 0, "子项目资金及受益对象情况", last)
    w.header(ws, 1, [label for label, _ in PROGRAMME_COLUMNS])
    row = 1
    for p in figures["programmes"]:
        row += 1
        for col, (_, key) in enumerate(PROGRAMME_COLUMNS):
            if key in NUMERIC_PROGRAMME_KEYS:
                w.figure(ws, row, col, p[key])
            else:
                w.text(ws, row, col, p[key], align="left" if key != "no" else "center", wrap=True)
    row += 1
    total = figures["programmes_total"]
    ws.merge_range(row, 0, row, 1, "合计", w.fmt(bold=True))
    for col, key in ((2, "total"), (3, "spent"), (4, "balance")):
        w.figure(ws, row, col, total[key], bold=True)
    row += 2
    w.header(ws, row, ["序号", "子项目", "资金来源", "到位数（万元）", "依据文号", "备注"])
    for p in figures["programmes"]:
        for s in p["sources"]:
            row += 1
            w.figure(ws, row, 0, p["no"])
            w.text(ws, row, 1, p["name"], align="left")
            w.text(ws, row, 2, s["kind"])
            w.figure(ws, row, 3, s["amount"])
            w.text(ws, row, 4, s["document"])
            w.text(ws, row, 5, s["note"], align="left", wrap=True)


def _department_sheet(w: SheetWriter, figures: dict) -> None:
    """The project-group table (预算 / 支出, each total and own-level, 调整), its 合计 and the split of the
    spending into 工作经费 / 专项经费, then the 民生实事 tasks with their completion rates."""
    dep = figures["department"]
    ws = w.workbook.add_worksheet(SHEET_DEPARTMENT)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 9, 14)
    own = f"其中{dep['own_level']}（万元）"
    labels = ["序号", "项目名称", "项目类型", "经费类别", "预算总额（万元）", f"预算{own}", "支出总额（万元）",
              f"支出{own}", "调整事项", "调整金额（万元）"]
    w.title(ws, 0, "部门项目预算及支出情况", len(labels) - 1)
    w.header(ws, 1, labels)
    row = 1
    for g in dep["groups"]:
        row += 1
        w.figure(ws, row, 0, g["no"])
        w.text(ws, row, 1, g["name"], align="left", wrap=True)
        w.text(ws, row, 2, g["kind"])
        w.text(ws, row, 3, g["funds_class"])
        for col, key in ((4, "budget"), (5, "budget_own"), (6, "spent"), (7, "spent_own")):
            w.figure(ws, row, col, g[key])
        w.text(ws, row, 8, g["adjustment"])
        if g["adjustment_spent"]:
            w.figure(ws, row, 9, g["adjustment_spent"])
    row += 1
    total = dep["total"]
    ws.merge_range(row, 0, row, 3, "合计", w.fmt(bold=True))
    for col, key in ((4, "budget"), (5, "budget_own"), (6, "spent"), (7, "spent_own")):
        w.figure(ws, row, col, total[key], bold=True)
    for label, key in (("其中：工作经费", "work_funds"), ("其中：专项经费", "special_funds")):
        row += 1
        ws.merge_range(row, 0, row, 3, label, w.fmt())
        w.figure(ws, row, 6, total[key])
    if dep["tasks"]:
        row += 2
        w.header(ws, row, ["序号", "任务", "类别", "单位", "目标数", "完成数", "完成率", "说明"])
        for i, t in enumerate(dep["tasks"], 1):
            row += 1
            w.figure(ws, row, 0, i)
            w.text(ws, row, 1, t["name"], align="left", wrap=True)
            w.text(ws, row, 2, t["category"], wrap=True)
            w.text(ws, row, 3, t["unit"])
            w.figure(ws, row, 4, t["target"])
            w.figure(ws, row, 5, t["actual"])
            w.figure(ws, row, 6, t["completion"])
            w.text(ws, row, 7, t["note"], align="left", wrap=True)


def write_score_sheet(figures: dict, out_path) -> Path:
    """Write 评分表.xlsx (sheets 评分汇总, 指标评分, 满意度, 资金) and return its path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsx_workbook(out)  # the titles begin with user text (project name, survey title)
    try:
        w = SheetWriter(workbook)
        _summary_sheet(w, figures)
        _indicator_sheet(w, figures)
        _survey_sheet(w, figures)
        _funds_sheet(w, figures)
        if figures.get("programmes"):
            _programmes_sheet(w, figures)
        if figures.get("department"):
            _department_sheet(w, figures)
    finally:
        workbook.close()
    return out
