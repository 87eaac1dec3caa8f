"""What a table is: its header, column labels, total rows, numeric cells, and the three layouts the
reports use (level-1 score table, indicator table with codes, satisfaction survey table).

Rows are laid out on the table grid. A row of a flattened .txt table that has fewer cells than the
table (merged cells print once) is aligned only when that is certain: a total row whose label is
followed by numbers only is right-aligned (seed 004's 合计 row); any other short row is kept as a
label–value row and not used for column arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.audit.document import Cell, Table
from jixiao.audit.textnum import Quantity, quantities

TOTAL_LABEL = re.compile(r"^\s*(合\s*计|总\s*计|共\s*计|总\s*额|总\s*数)\s*[:：]?\s*$")
SUBTOTAL_LABEL = re.compile(r"^\s*小\s*计\s*[:：]?\s*$")
DASHES = {"-", "—", "－", "–", "——", "/", "／", "\\"}
NUMERIC_CELL = re.compile(
    r"^\s*[≥≤<>＞＜]?\s*-?\d[\d,]*(?:\.\d*)?\s*(?:%|‰|万元|亿元|元|万|人次|人|名|户|个|项|份|次|分|件)?\s*"
    r"(?:[（(][^）)]*[）)])?\s*$"
)
RATE_LABEL = re.compile(r"率|占比|比例|比重|%|％")
NOT_SUMMED_LABEL = re.compile(r"序号|编号|编码|代码|标准|单价|人均|平均|均值|年度|年份|日期|时间|权重系数|系数")
OPTION_HEADER = re.compile(r"^\s*([A-E])\s*[（(]")
CODE_CELL = re.compile(r"^[A-Z][0-9A-Z]*$")


def is_dash(text: str) -> bool:
    return text.strip() in DASHES


def cell_quantity(text: str) -> Quantity | None:
    """The number of a cell that holds one number (with an optional unit and a parenthetical note:
    "328.187（含调指标23.075万元）" → 328.187); None for text cells."""
    if not text or not NUMERIC_CELL.match(text.replace("\n", "")):
        return None
    qs = quantities(text, with_bounds=True)
    return qs[0] if qs else None


def cell_label(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@dataclass
class TableView:
    table: Table
    first_data: int  # index of the first row after the header
    labels: list[str]  # column labels (joined header texts), one per grid column
    grid: list[list[Cell | None]]  # rows aligned to the grid (None where a short row has nothing)
    aligned: list[bool]  # row is reliably aligned to the grid
    kind: str = "plain"  # plain / scores / indicators / survey
    survey: SurveyView | None = None

    @property
    def width(self) -> int:
        return self.table.width

    def label(self, col: int) -> str:
        return self.labels[col] if 0 <= col < len(self.labels) else ""

    def row_label(self, r: int) -> str:
        for cell in self.table.rows[r]:
            if cell.text and cell_quantity(cell.text) is None:
                return cell_label(cell.text)
        return ""

    def is_total_row(self, r: int) -> bool:
        return any(TOTAL_LABEL.match(c.text) for c in self.table.rows[r][:3] if c.text)

    def is_subtotal_row(self, r: int) -> bool:
        return any(SUBTOTAL_LABEL.match(c.text) for c in self.table.rows[r][:3] if c.text)

    def number(self, r: int, c: int) -> Quantity | None:
        row = self.grid[r]
        cell = row[c] if c < len(row) else None
        return cell_quantity(cell.text) if cell is not None else None

    def cell(self, r: int, c: int) -> Cell | None:
        row = self.grid[r]
        return row[c] if c < len(row) else None

    def column(self, pattern: str, *, exclude: str | None = None) -> int | None:
        for j, label in enumerate(self.labels):
            if re.search(pattern, label) and not (exclude and re.search(exclude, label)):
                return j
        return None


@dataclass
class SurveyQuestion:
    number: int | None
    text: str
    rows: dict[str, int] = field(default_factory=dict)  # "count" / "share" / "score" → row index
    is_total: bool = False


@dataclass
class SurveyView:
    item_col: int  # the column with 人数 / 占比 / 分数
    options: dict[str, int]  # letter → column
    total_col: int | None  # 合计人数 / 合计 / 各题得分 column
    total_col_is_score: bool  # "各题得分": the question's score, whatever the row
    questions: list[SurveyQuestion]
    total: SurveyQuestion | None
    final: tuple[int, int] | None  # (row, col) of the 最终得分 figure


ROW_KINDS = {"人数": "count", "人次": "count", "占比": "share", "比例": "share", "分数": "score", "得分": "score"}


def analyse(table: Table) -> TableView:
    rows = table.rows
    width = table.width
    start = 0
    while start < len(rows) and sum(1 for c in rows[start] if c.text) <= 1 and width >= 3:
        start += 1  # title rows and empty rows
    first_data = start
    while first_data < len(rows) and not any(cell_quantity(c.text) for c in rows[first_data]):
        first_data += 1
    header = rows[start:first_data] if first_data < len(rows) else rows[start:start + 1]
    labels = _labels(header, width)
    grid, aligned = [], []
    for row in rows:
        if len(row) == width:
            grid.append(list(row))
            aligned.append(True)
            continue
        label_cells = [c for c in row if c.text and cell_quantity(c.text) is None]
        numbers = [c for c in row if cell_quantity(c.text) is not None]
        if (len(label_cells) == 1 and row[0] is label_cells[0] and TOTAL_LABEL.match(row[0].text)
                and len(numbers) == len(row) - 1):
            grid.append([row[0], *([None] * (width - len(row))), *row[1:]])
            aligned.append(True)
        else:
            grid.append(list(row) + [None] * (width - len(row)))
            aligned.append(False)
    view = TableView(table=table, first_data=first_data, labels=labels, grid=grid, aligned=aligned)
    view.survey = _survey(view, header)
    if view.survey is not None:
        view.kind = "survey"
    elif any(cell_label(lb) in ("编码", "指标编码", "代码") for lb in labels):
        view.kind = "indicators"
    elif view.column(r"权重|满分|分值") is not None and view.column(r"得分", exclude=r"率") is not None:
        view.kind = "scores"
    return view


def _labels(header: list[list[Cell]], width: int) -> list[str]:
    labels = [""] * width
    if not header:
        return labels
    last = header[-1]
    leading_empty = next((i for i, c in enumerate(last) if c.text), len(last))
    for j in range(width):
        parts = []
        for k, row in enumerate(header):
            if j >= len(row):
                continue
            full = len(row) == width
            if k < len(header) - 1 and not full and j >= leading_empty:
                continue
            if row[j].text:
                parts.append(cell_label(row[j].text))
        labels[j] = "/".join(parts)
    return labels


def _survey(view: TableView, header: list[list[Cell]]) -> SurveyView | None:
    options = {}
    for row in header:
        for j, cell in enumerate(row):
            m = OPTION_HEADER.match(cell.text)
            if m:
                options.setdefault(m.group(1), j)
    if len(options) < 3:
        return None
    item_col = None
    for j in range(view.width):
        kinds = {ROW_KINDS.get(cell_label(r[j].text)) for r in view.table.rows if j < len(r)}
        if {"count", "score"} <= kinds:
            item_col = j
            break
    if item_col is None:
        return None
    total_col, total_is_score = None, False
    for j, label in enumerate(view.labels):
        if j > max(options.values()) and label:
            total_col = j
            total_is_score = "得分" in label and "合计" not in label
    questions: list[SurveyQuestion] = []
    total: SurveyQuestion | None = None
    final = None
    current: SurveyQuestion | None = None
    for r in range(view.first_data, len(view.table.rows)):
        row = view.table.rows[r]
        if not view.aligned[r]:
            texts = [c.text for c in row if c.text]
            if texts and re.sub(r"\s", "", texts[0]) in ("最终得分", "得分", "总得分", "综合得分") and any(
                    cell_quantity(t) for t in texts[1:]):
                final = (r, max(i for i, c in enumerate(row) if cell_quantity(c.text)))
            continue
        kind = ROW_KINDS.get(cell_label(row[item_col].text))
        first = row[0].text.strip() if item_col > 0 else ""
        if kind is None:
            if first and re.sub(r"\s", "", first) in ("最终得分", "总得分", "综合得分"):
                nums = [i for i, c in enumerate(row) if cell_quantity(c.text)]
                if nums:
                    final = (r, nums[-1])
            continue
        if first or current is None or kind in current.rows:
            is_total = bool(TOTAL_LABEL.match(first)) if first else (current.is_total if current else False)
            number = _question_number(first)
            current = SurveyQuestion(number=number, text=first, is_total=is_total)
            if is_total:
                total = current
            else:
                questions.append(current)
        current.rows[kind] = r
    if not questions:
        return None
    return SurveyView(item_col=item_col, options=dict(sorted(options.items())), total_col=total_col,
                      total_col_is_score=total_is_score, questions=questions, total=total, final=final)


def _question_number(text: str) -> int | None:
    m = re.match(r"^\s*(\d{1,2})\s*[.、．]", text)
    return int(m.group(1)) if m else None


def code_parent(code: str, codes: set[str]) -> str | None:
    """The nearest code in the table that is a proper prefix of ``code`` (A111 → A11 → A1 → A)."""
    for n in range(len(code) - 1, 0, -1):
        if code[:n] in codes:
            return code[:n]
    return None
