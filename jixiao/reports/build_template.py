"""Generate the Word template of the project self-evaluation report (绩效自评报告).

Rebuild with ``python -m jixiao.reports.build_template``. The result,
``templates/self_evaluation.docx``, is ordinary Word: staff may restyle it or reword the fixed
text in Word, as long as the docxtpl (Jinja) tags survive. Tag primer for whoever edits it:

- ``{{ x }}`` prints a value; every number comes printed from ``scoring.figures``.
- ``{%p ... %}`` / ``{%tr ... %}`` / ``{%tc ... %}``: a control tag that replaces its whole
  paragraph / table row / table cell, e.g. ``{%p for para in narr.存在的问题 %}`` …
  ``{%p endfor %}`` repeats the paragraph(s) in between once per narrative paragraph.
- ``{% cellbg colour %}`` shades a cell, ``{% colspan n %}`` sets how many columns it spans.

The outline follows the two Kunming self-evaluation reports (seeds 001 and 002).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "self_evaluation.docx"
# Seed 003's outline: one section per programme, then 综合评价情况及评价结论 and 存在问题.
PROGRAMME_TEMPLATE_PATH = TEMPLATE_PATH.with_name("multi_programme.docx")
# Seed 004's outline: a unit's year of project spending (the table of project groups, 民生实事 first).
DEPARTMENT_TEMPLATE_PATH = TEMPLATE_PATH.with_name("department.docx")

# GB/T 9704 page: A4, 37 / 35 / 28 / 26 mm margins → a 156 mm line.
PAGE_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LATIN_FONT = "Times New Roman"
BODY_FONT, HEI_FONT, KAI_FONT, SONG_FONT = "仿宋", "黑体", "楷体", "宋体"
BODY_SIZE = 14  # 四号
TABLE_SIZE = 10.5  # 五号
SMALL_TABLE_SIZE = 9  # 小五: the wide survey and indicator tables
HEADER_SHADE = "E7E6E6"
TAG_CELL_CM = 1.1  # cells that only hold a {%tc %} tag vanish when rendered (the rest widen to fit)
TAG_SIZE = 7  # control tags in table cells are set small so the template stays legible
LINE_CM = (210 - PAGE_MARGINS_MM["left"] - PAGE_MARGINS_MM["right"]) / 10
# Narrow columns are sized for their longest text in DejaVu Serif, the font LibreOffice sets for
# Times New Roman where Times is not installed (as on a server); Times itself is narrower.
# Advance widths in em: digits, the point, capital letters (H and N; M and W are not used in codes).
DIGIT_EM, POINT_EM, CAPITAL_EM = 0.636, 0.318, 0.875
CELL_MARGINS_CM = 2 * 0.19  # Table Grid's left and right cell margins (108 twips each)
LONGEST_CODE = "A111"  # the deepest code of the shipped indicator templates (four levels)
LONGEST_SCORE = "100.00"  # full marks, printed with two decimals like every score

# Custom paragraph styles: name → (east-Asian font, size pt, bold, alignment, first-line indent).
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
CUSTOM_STYLES = {
    "报告标题": (SONG_FONT, 22, True, CENTER, 0),
    "摘要标题": (HEI_FONT, 16, False, CENTER, 0),
    "小标题": (HEI_FONT, BODY_SIZE, False, LEFT, 2 * BODY_SIZE),
    "表题": (HEI_FONT, 12, False, CENTER, 0),
    "表注": (BODY_FONT, TABLE_SIZE, False, RIGHT, 0),
    "表格文字": (BODY_FONT, TABLE_SIZE, False, CENTER, 0),
    "表格小字": (BODY_FONT, SMALL_TABLE_SIZE, False, CENTER, 0),
    "注释": (BODY_FONT, TABLE_SIZE, False, LEFT, 0),
    "图片": (BODY_FONT, TABLE_SIZE, False, CENTER, 0),
    "图题": (HEI_FONT, 12, False, CENTER, 0),
    "落款": (BODY_FONT, BODY_SIZE, False, RIGHT, 0),
    "附件标题": (HEI_FONT, 16, False, LEFT, 0),
}
# Heading n → (east-Asian font, size pt, bold). 一、 黑体; （一） 楷体; 1. and （1） 仿宋 bold.
HEADINGS = {1: (HEI_FONT, 16, True), 2: (KAI_FONT, 16, True), 3: (BODY_FONT, BODY_SIZE, True),
            4: (BODY_FONT, BODY_SIZE, False)}


def _write_rfonts(rpr, east_asia: str, latin: str) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    # Theme attributes go: Word lets them override explicit names (the stock template's
    # headings and defaults use theme fonts).
    rfonts.attrib.clear()
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), value)


def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the Latin and East-Asian fonts on a style's (or run's) run properties."""
    _write_rfonts(element.get_or_add_rPr(), east_asia, latin)


def _set_doc_defaults(doc) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _write_rfonts(rpr, BODY_FONT, LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style_paragraph(style, east_asia, size, bold, alignment, first_indent_pt, line_pt=None) -> None:
    set_fonts(style.element, east_asia)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = alignment
    fmt.first_line_indent = Pt(first_indent_pt)
    fmt.left_indent = Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if line_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def configure_styles(doc) -> None:
    _set_doc_defaults(doc)
    normal = doc.styles["Normal"]
    # Exact 28 pt lines as in printed government reports; pictures use the 图片 style instead
    # (an exact line height would clip them).
    _style_paragraph(normal, BODY_FONT, BODY_SIZE, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2 * BODY_SIZE, line_pt=28)
    for level, (font, size, bold) in HEADINGS.items():
        style = doc.styles[f"Heading {level}"]
        _style_paragraph(style, font, size, bold, LEFT, 2 * BODY_SIZE, line_pt=28)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(6 if level <= 2 else 0)
    for name, (font, size, bold, alignment, indent) in CUSTOM_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        line = 28 if name in ("小标题", "落款", "附件标题") else None
        _style_paragraph(style, font, size, bold, alignment, indent, line_pt=line)
    doc.styles["报告标题"].paragraph_format.space_after = Pt(12)
    doc.styles["摘要标题"].paragraph_format.space_after = Pt(12)
    doc.styles["表题"].paragraph_format.space_before = Pt(6)
    doc.styles["表题"].paragraph_format.keep_with_next = True
    doc.styles["表注"].paragraph_format.keep_with_next = True
    doc.styles["附件标题"].paragraph_format.space_after = Pt(6)
    # A chart stays on the page of its caption (the caption follows it).
    doc.styles["图片"].paragraph_format.keep_with_next = True
    doc.styles["图片"].paragraph_format.space_before = Pt(6)
    doc.styles["图题"].paragraph_format.space_after = Pt(6)
    doc.styles["注释"].paragraph_format.space_before = Pt(3)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(PAGE_MARGINS_MM["top"])
    section.bottom_margin = Mm(PAGE_MARGINS_MM["bottom"])
    section.left_margin = Mm(PAGE_MARGINS_MM["left"])
    section.right_margin = Mm(PAGE_MARGINS_MM["right"])
    section.footer_distance = Mm(20)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["图片"]
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    for run in footer.runs:
        run.font.size = Pt(BODY_SIZE)


@dataclass
class Col:
    """A template table column: width in cm and alignment of its body cells."""

    width: float
    align: str = "c"  # c / l / r


class TemplateBuilder:
    """Writes the template top to bottom; each method adds one kind of block."""

    def __init__(self) -> None:
        self.doc = Document()
        configure_styles(self.doc)
        _page_setup(self.doc)
        # The stock document starts with one empty paragraph; reuse it for the first line.
        self._first = self.doc.paragraphs[0] if self.doc.paragraphs else None

    def _paragraph(self, text: str = "", style: str | None = None):
        if self._first is not None:
            p, self._first = self._first, None
            p.add_run(text)
            if style:
                p.style = self.doc.styles[style]
            return p
        return self.doc.add_paragraph(text, style=style)

    # -- paragraphs ---------------------------------------------------------------------------
    def text(self, text: str, style: str | None = None):
        return self._paragraph(text, style)

    def heading(self, text: str, level: int):
        return self._paragraph(text, f"Heading {level}")

    def tag(self, tag: str) -> None:
        """A paragraph holding only a {%p %} tag; docxtpl removes the paragraph itself."""
        self._paragraph(tag)

    def paragraphs(self, expr: str, style: str | None = None):
        """One real paragraph per item of a list of paragraph strings (narrative text)."""
        self.tag(f"{{%p for para in {expr} %}}")
        p = self.text("{{ para }}", style)
        self.tag("{%p endfor %}")
        return p

    def sentence(self, expr: str, style: str | None = None) -> None:
        """A computed sentence that may be empty: printed only when it is not."""
        self.tag(f"{{%p if {expr} %}}")
        self.text(f"{{{{ {expr} }}}}", style)
        self.tag("{%p endif %}")

    def narrative(self, key: str):
        return self.paragraphs(f"narr.{key}")

    def new_page(self, text: str, style: str):
        """A paragraph that starts a new page. 'Page break before' rather than a break
        paragraph, which would leave a blank page whenever the previous page is full."""
        p = self.text(text, style)
        p.paragraph_format.page_break_before = True
        return p

    def picture(self, expr: str, caption: str) -> None:
        self.tag(f"{{%p if {expr} %}}")
        self.text(f"{{{{ {expr} }}}}", "图片")
        self.text(caption, "图题")
        self.tag("{%p endif %}")

    # -- tables -------------------------------------------------------------------------------
    def table(self, cols: list[Col], rows: list[list[str]], header_rows: int = 1, small: bool = False,
              keep_together: bool = False) -> Table:
        """A grid table; rows whose first cell is a {%tr %} tag are control rows.

        keep_together: a short table is kept on one page (each row keeps with the next)."""
        too_long = [r for r in rows if len(r) > len(cols)]
        if too_long:
            raise ValueError(f"表格行的单元格多于列数：{too_long[0]}")
        # keep_together ties each row to the next, up to the last row that is not a control tag.
        last_content = max(r for r, values in enumerate(rows) if not _is_control_tag(values[0] if values else ""))
        table = self.doc.add_table(rows=len(rows), cols=len(cols))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for r, values in enumerate(rows):
            row = table.rows[r]
            _no_split(row)
            if r < header_rows:
                _repeat_as_header(row)
            for c, col in enumerate(cols):
                cell = row.cells[c]
                cell.width = Cm(col.width)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                p.style = self.doc.styles["表格小字" if small else "表格文字"]
                p.paragraph_format.keep_with_next = keep_together and r < last_content
                if r >= header_rows and col.align != "c":
                    p.alignment = LEFT if col.align == "l" else RIGHT
                value = values[c] if c < len(values) else ""
                if value:
                    run = p.add_run(value)
                    run.bold = r < header_rows and not _is_control_tag(value)
                    if _is_control_tag(value):
                        run.font.size = Pt(TAG_SIZE)
                if r < header_rows:
                    _shade(cell, HEADER_SHADE)
        for c, col in enumerate(cols):
            table.columns[c].width = Cm(col.width)
        return table


def _is_control_tag(text: str) -> bool:
    return text.startswith(("{%tr ", "{%tc "))


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    for attr, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shd.set(qn(attr), value)
    tc_pr = cell._tc.get_or_add_tcPr()
    v_align = tc_pr.find(qn("w:vAlign"))  # schema order: … shd … vAlign
    if v_align is not None:
        v_align.addprevious(shd)
    else:
        tc_pr.append(shd)


def _no_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def merge(table: Table, r1: int, c1: int, r2: int, c2: int) -> None:
    table.cell(r1, c1).merge(table.cell(r2, c2))


def keep_with_next(table: Table, *rows: int) -> None:
    """Keep these template rows on the page of the row after them."""
    for r in rows:
        for cell in table.rows[r].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def center(table: Table, *cells: tuple[int, int]) -> None:
    """Centre the given (row, column) cells of a column that is otherwise left-aligned."""
    for r, c in cells:
        table.cell(r, c).paragraphs[0].alignment = CENTER


def text_width_cm(text: str, size_pt: float) -> float:
    """How wide ``text`` sets at ``size_pt``: Chinese characters are one em, others as above."""
    def em(ch: str) -> float:
        if ch.isdigit():
            return DIGIT_EM
        if ch in ".,":
            return POINT_EM
        return CAPITAL_EM if ch.isascii() else 1.0
    return sum(em(ch) for ch in text) * size_pt / 72 * 2.54


def fitting_width_cm(*texts: str, size_pt: float) -> float:
    """A column just wide enough to keep each of ``texts`` on one line, to the next 0.1 cm up."""
    widest = max(text_width_cm(t, size_pt) for t in texts) + CELL_MARGINS_CM
    return math.ceil(round(widest * 10, 6)) / 10


def widths(*cm: float, align: str = "") -> list[Col]:
    return [Col(w, align[i] if i < len(align) else "c") for i, w in enumerate(cm)]


# ---- the report, section by section ---------------------------------------------------------------

def _abstract(b: TemplateBuilder) -> None:
    b.text("{{ title }}", "报告标题")
    b.text("摘  要", "摘要标题")
    b.text("一、项目概况", "小标题")
    b.narrative("立项背景及目的")
    for key in ("funds_arrival", "funds_spending", "funds_balance"):
        b.sentence(f"sentences.{key}")
    b.text("二、评价结论", "小标题")
    b.text("{{ sentences.conclusion }}")
    b.text("三、经验、问题和建议", "小标题")
    for title, key in (("（一）主要经验及做法", "主要经验及做法"), ("（二）存在的问题", "存在的问题"),
                       ("（三）建议和改进措施", "建议和改进措施")):
        b.text(title, "小标题")
        b.narrative(key)


def _opening(b: TemplateBuilder) -> None:
    b.new_page("{{ title }}", "报告标题")
    b.text(
        "根据《中华人民共和国预算法》规定，按照全面实施预算绩效管理和部门预算支出绩效自评工作的有关要求，"
        "{% if evaluation_period %}{{ evaluation_period }}，{% endif %}{{ owner_unit }}组成绩效评价工作领导小组，"
        "对“{{ project_full }}”项目支出绩效进行了评价，现将评价情况报告如下。"
    )


def _fund_source_table(b: TemplateBuilder) -> None:
    b.text("资金来源情况表", "表题")
    b.text("单位：万元", "表注")
    table = b.table(widths(5.2, 5.2, 5.2, align="l"), keep_together=True, rows=[
        ["资金来源", "预算数", "到位数"],
        ["{%tr for s in funds.by_kind %}"],
        ["{{ s.kind }}", "{{ s.budget }}", "{{ s.arrived }}"],
        ["{%tr endfor %}"],
        ["合计", "{{ funds.budget }}", "{{ funds.arrived }}"],
    ])
    center(table, (4, 0))


def _targets_table(b: TemplateBuilder) -> None:
    b.tag("{%p if target_rows %}")
    b.text("年度绩效目标完成情况表", "表题")
    b.table(widths(2.4, 3.8, 2.6, 2.6, 4.2, align="ll"), keep_together=True, rows=[
        ["类别", "指标", "目标", "实际", "完成情况"],
        ["{%tr for t in target_rows %}"],
        ["{{ t.category }}", "{{ t.name }}", "{{ t.target }}", "{{ t.actual }}", "{{ t.status }}"],
        ["{%tr endfor %}"],
    ])
    b.tag("{%p endif %}")


def _part_one(b: TemplateBuilder) -> None:
    b.heading("一、项目基本情况", 1)
    b.heading("（一）项目概况", 2)
    b.heading("1.立项背景及目的", 3)
    b.narrative("立项背景及目的")
    b.sentence("policies_sentence")
    b.heading("2.实施情况", 3)
    b.narrative("实施情况")
    b.sentence("sentences.beneficiaries")
    b.heading("3.资金来源及使用情况", 3)
    for key in ("funds_arrival", "funds_spending", "funds_balance", "allocation"):
        b.sentence(f"sentences.{key}")
    _fund_source_table(b)
    b.heading("4.组织及管理情况", 3)
    b.sentence("division_sentence")
    b.narrative("组织及管理情况")
    b.heading("（二）绩效目标", 2)
    b.heading("1.总目标", 3)
    b.narrative("总目标")
    b.heading("2.年度目标", 3)
    b.narrative("年度目标说明")
    _targets_table(b)


def _part_two(b: TemplateBuilder) -> None:
    b.heading("二、绩效评价工作情况", 1)
    b.heading("（一）绩效评价的目的", 2)
    b.narrative("评价目的")
    b.heading("（二）绩效评价工作方案制定过程", 2)
    b.narrative("方案制定过程")
    b.text("{{ sentences.indicator_system }}")
    b.heading("（三）绩效评价原则、评价方法", 2)
    b.narrative("评价原则和方法")
    b.heading("（四）绩效评价实施过程", 2)
    b.sentence("period_sentence")
    b.narrative("评价实施过程")
    b.heading("（五）本次绩效评价的局限性", 2)
    b.narrative("局限性")


def _level1_table(b: TemplateBuilder) -> None:
    b.text("项目绩效指标体系得分情况", "表题")
    b.table(widths(4.4, 2.8, 2.8, 2.8, 2.8), keep_together=True, rows=[
        ["一级指标", "权重分", "得分", "扣分", "得分率"],
        ["{%tr for r in level1 %}"],
        ["{{ r.code }}{{ r.name }}", "{{ r.weight }}", "{{ r.score }}", "{{ r.deduction }}", "{{ r.rate }}"],
        ["{%tr endfor %}"],
        ["合计", "{{ level1_total.weight }}", "{{ level1_total.score }}", "{{ level1_total.deduction }}",
         "{{ level1_total.rate }}"],
    ])
    b.picture("charts.level1", "图1 一级指标得分率")


def _allocation_block(b: TemplateBuilder) -> None:
    b.tag("{%p if sec.show_allocation and allocations.rows %}")
    b.text("{{ allocation_view.title }}", "表题")
    tag = TAG_CELL_CM
    # Each optional column sits between an {%tc if %} cell and an {%tc endif %} cell.
    cols = widths(1.0, 2.4, 2.0, tag, 2.0, tag, tag, 2.0, tag, 1.8, align="cl")
    if_planned, if_actual, endif = "{%tc if allocations.has_planned %}", "{%tc if allocations.has_actual %}", "{%tc endif %}"
    table = b.table(cols, keep_together=True, rows=[
        ["序号", "{{ allocation_view.unit_label }}", "下拨资金（万元）", if_planned, "计划受益人数（人）", endif,
         if_actual, "实际受益人数（人）", endif, "备注"],
        ["{%tr for r in allocations.rows %}"],
        ["{{ r.no }}", "{{ r.region }}", "{{ r.amount }}", if_planned, "{{ r.planned }}", endif,
         if_actual, "{{ r.actual }}", endif, "{{ r.note }}"],
        ["{%tr endfor %}"],
        ["合计", "", "{{ allocations.total_amount }}", if_planned, "{{ allocations.total_planned }}", endif,
         if_actual, "{{ allocations.total_actual }}", endif, ""],
        ["{%tr if allocation_view.show_completion %}"],
        ["{{ allocation_view.planned_label }}", "", "{{ allocations.total_planned }}",
         "{% colspan allocation_view.completion_span %}任务完成率", "", "", "", "", "", "{{ allocations.completion }}"],
        ["{%tr endif %}"],
    ])
    merge(table, 4, 0, 4, 1)
    merge(table, 6, 0, 6, 1)
    merge(table, 6, 3, 6, 8)
    b.picture("charts.allocation", "{{ allocation_view.chart_title }}")
    b.tag("{%p endif %}")


def _survey_block(b: TemplateBuilder) -> None:
    b.tag("{%p if sec.show_survey and survey %}")
    b.text("群众满意度调查。为做好财政资金绩效评价，了解社会公众对项目的满意度，我们设计了问卷调查，{{ sentences.survey }}")
    b.text("{{ survey_view.title }}", "表题")
    letters = "ABCDE"
    option_heads = [f"{{{{ survey_view.headers.{k} }}}}" for k in letters]
    cols = widths(4.6, 1.1, 1.6, 1.6, 1.6, 1.6, 1.6, 1.9, align="l")

    def row(first: str, label: str, per_option: str, last: str) -> list[str]:
        """One table row: per_option is a tag pattern with {k} standing for the option letter."""
        return [first, label, *[per_option.format(k=k) for k in letters], last]

    rows = [
        ["问卷题目及选项", "项目", *option_heads, "合计/各题得分"],
        ["{%tr for q in survey.questions %}"],
        row("{{ q.number }}.{{ q.text }}", "人数", "{{{{ q.counts.{k} }}}}", "{{ q.respondents }}"),
        row("", "占比", "{{{{ q.shares.{k} }}}}", ""),
        row("", "分数", "{{{{ q.option_scores.{k} }}}}", "{{ q.score }}"),
        ["{%tr endfor %}"],
        row("合计", "人数", "{{{{ survey.total_counts.{k} }}}}", "{{ survey.total_answers }}"),
        row("", "占比", "{{{{ survey.total_shares.{k} }}}}", ""),
        row("", "分数", "{{{{ survey.total_option_scores.{k} }}}}", "{{ survey.total }}"),
        ["最终得分", "", "", "", "", "", "", "{{ survey.total }}"],
    ]
    table = b.table(cols, rows, small=True)
    merge(table, 2, 0, 4, 0)
    merge(table, 6, 0, 8, 0)
    merge(table, 9, 0, 9, 6)
    center(table, (6, 0), (9, 0))
    # A question's three rows (and the 合计 rows with 最终得分) never split across pages.
    keep_with_next(table, 0, 2, 3, 6, 7, 8)
    b.sentence("survey.rounding_note", "注释")
    b.sentence("survey_view.note", "注释")
    b.tag("{%p endif %}")


def _part_three(b: TemplateBuilder) -> None:
    b.heading("三、评价结论和绩效分析", 1)
    b.heading("（一）评价结论", 2)
    b.heading("1.评价结果", 3)
    b.text("{{ sentences.conclusion }}")
    _level1_table(b)
    b.heading("2.主要绩效", 3)
    b.narrative("主要绩效")
    b.heading("（二）具体绩效分析", 2)
    b.text("对照绩效评价指标体系逐项进行分析、评价并打分，各绩效指标评价情况如下"
           "（具体评分情况详见附件1：{{ attachment_titles[0] }}）。")
    b.tag("{%p for sec in analysis %}")
    b.heading("{{ loop.index }}.{{ sec.heading }}", 3)
    b.paragraphs("sec.paragraphs")
    _allocation_block(b)
    _survey_block(b)
    b.tag("{%p endfor %}")


def _parts_four_five(b: TemplateBuilder) -> None:
    b.heading("四、成本效益分析", 1)
    for key in ("funds_arrival", "funds_spending", "funds_balance"):
        b.sentence(f"sentences.{key}")
    b.narrative("成本效益分析")
    b.heading("五、主要经验及做法、存在的问题和建议", 1)
    for title, key in (("（一）主要经验及做法", "主要经验及做法"), ("（二）存在的问题", "存在的问题"),
                       ("（三）建议和改进措施", "建议和改进措施")):
        b.heading(title, 2)
        b.narrative(key)


def _closing(b: TemplateBuilder) -> None:
    # The attachment list and the signature stay on one page (no signature alone on a page).
    # One list: the report's own annexes first, then the workbook's 附件说明 entries renumbered
    # (docx_report.attachment_titles), so the text's 附件1 is the score table.
    block = [b.text("相关附件：", "小标题")]
    b.tag("{%p for title in attachment_titles %}")
    block.append(b.text("{{ loop.index }}.{{ title }}"))
    b.tag("{%p endfor %}")
    block.append(b.text(""))
    block.append(b.text("{{ report_unit }}", "落款"))
    b.text("{{ report_date }}", "落款")
    for p in block:
        p.paragraph_format.keep_with_next = True


def _attachment_scores(b: TemplateBuilder) -> None:
    b.new_page("附件1：{{ attachment_titles[0] }}", "附件标题")
    b.sentence("demo_note", "注释")
    shade = "{% cellbg r.shade %}"
    # 编码 and the two score columns fit "A111" and "100.00" on one line (they wrapped as "A11/1"
    # and "100.0/0"); 评分依据 takes what is left of the line.
    code = fitting_width_cm(LONGEST_CODE, "编码", size_pt=SMALL_TABLE_SIZE)
    score = fitting_width_cm(LONGEST_SCORE, "权重分", size_pt=SMALL_TABLE_SIZE)
    fixed = [code, 3.9, score, score, 1.8]
    basis = round(LINE_CM - sum(fixed), 2)
    table = b.table(widths(*fixed, basis, align="llcccl"), [
        ["编码", "指标名称", "权重分", "得分", "评分规则", "评分依据"],
        ["{%tr for r in indicator_rows %}"],
        [f"{shade}{{{{ r.code }}}}", f"{shade}{{{{ r.indent }}}}{{{{ r.name }}}}", f"{shade}{{{{ r.weight }}}}",
         f"{shade}{{{{ r.score }}}}", f"{shade}{{{{ r.rule }}}}", f"{shade}{{{{ r.basis }}}}"],
        ["{%tr endfor %}"],
        ["合计", "", "{{ level1_total.weight }}", "{{ level1_total.score }}", "", ""],
    ], small=True)
    merge(table, 4, 0, 4, 1)
    center(table, (4, 0))


def _attachment_interviews(b: TemplateBuilder) -> None:
    b.tag("{%p if interviews %}")
    b.new_page("附件2：{{ attachment_titles[1] }}", "附件标题")
    b.table(widths(1.0, 1.8, 1.7, 2.0, 1.1, 2.9, 5.1, align="clllccl"), small=True, rows=[
        ["序号", "访谈主题", "访谈对象", "身份", "方式", "日期", "访谈内容汇总"],
        ["{%tr for i in interviews %}"],
        ["{{ loop.index }}", "{{ i.topic }}", "{{ i.interviewee }}", "{{ i.role }}", "{{ i.method }}",
         "{{ i.date }}", "{{ i.summary }}"],
        ["{%tr endfor %}"],
    ])
    b.tag("{%p endif %}")


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    b = TemplateBuilder()
    _abstract(b)
    _opening(b)
    _part_one(b)
    _part_two(b)
    _part_three(b)
    _parts_four_five(b)
    _closing(b)
    _attachment_scores(b)
    _attachment_interviews(b)
    props = b.doc.core_properties
    props.title, props.author, props.comments = "项目支出绩效自评报告模板", "jixiao", "由 python -m jixiao.reports.build_template 生成"
    path.parent.mkdir(parents=True, exist_ok=True)
    b.doc.save(path)
    return path


# ---- the multi-programme report (seed 003) ----------------------------------------------------------

def _programme_table(b: TemplateBuilder) -> None:
    b.text("{{ prog.name }}资金到位及使用情况表", "表题")
    b.text("单位：万元", "表注")
    table = b.table(widths(5.6, 3.4, 6.6, align="lrl"), keep_together=True, rows=[
        ["项目", "金额", "说明"],
        ["{%tr for s in prog.sources %}"],
        ["{{ s.words }}", "{{ s.amount }}", "{{ s.document }}{% if s.document and s.note %}；{% endif %}{{ s.note }}"],
        ["{%tr endfor %}"],
        ["资金合计", "{{ prog.total }}", ""],
        ["{%tr for e in prog.expenditures %}"],
        ["支出：{{ e.item }}", "{{ e.amount }}", "{{ e.note }}"],
        ["{%tr endfor %}"],
        ["支出合计", "{{ prog.spent }}", ""],
        ["结余（资金合计－支出合计）", "{{ prog.balance }}", "{{ prog.balance_reason }}"],
    ])
    center(table, (4, 0), (8, 0), (9, 0))


def _programme_sections(b: TemplateBuilder) -> None:
    b.tag("{%p for prog in programmes %}")
    b.heading("{{ prog.numeral }}、{{ prog.name }}", 1)
    b.heading("（一）政策依据", 2)
    b.sentence("prog.sentences.policies")
    b.heading("（二）实施情况", 2)
    b.paragraphs("prog.paragraphs")
    b.sentence("prog.sentences.standard")
    b.sentence("prog.sentences.beneficiaries")
    b.heading("（三）资金到位及使用情况", 2)
    for key in ("funds", "spending", "balance"):
        b.sentence(f"prog.sentences.{key}")
    _programme_table(b)
    b.tag("{%p endfor %}")


def build_programme_template(path: Path = PROGRAMME_TEMPLATE_PATH) -> Path:
    """The report of a multi-programme project in seed 003's outline."""
    b = TemplateBuilder()
    b.text("{{ title }}", "报告标题")
    b.narrative("评价目的")
    b.text("{{ programmes_opening }}")
    _programme_sections(b)
    b.heading("{{ programmes_total.conclusion_numeral }}、综合评价情况及评价结论", 1)
    b.text("{{ sentences.programmes_conclusion }}")
    b.text("{{ sentences.programmes_funds }}")
    _level1_table(b)
    b.narrative("主要绩效")
    b.heading("{{ programmes_total.problems_numeral }}、存在问题", 1)
    b.paragraphs("numbered_problems")
    b.tag("{%p if narr.建议和改进措施 %}")
    b.heading("{{ programmes_total.advice_numeral }}、建议和改进措施", 1)
    b.narrative("建议和改进措施")
    b.tag("{%p endif %}")
    _closing(b)
    _attachment_scores(b)
    _attachment_interviews(b)
    props = b.doc.core_properties
    props.title, props.author = "多项目绩效自评报告模板", "jixiao"
    props.comments = "由 python -m jixiao.reports.build_template 生成"
    path.parent.mkdir(parents=True, exist_ok=True)
    b.doc.save(path)
    return path


# ---- the department-level report (seed 004) ---------------------------------------------------------

def _department_table(b: TemplateBuilder) -> None:
    b.text("金额单位：万元", "表注")
    own = "其中：{{ department.own_level }}资金"
    # 项目类型 (部门专项) and the budget amounts on one line; a spending cell's amount stays whole before its
    # note ("328.187（含调指标23.075万元）"); 资金用途 takes what is left of the line.
    kind = fitting_width_cm("部门专项", size_pt=SMALL_TABLE_SIZE)
    amount = fitting_width_cm("1616.99", "指标总额", size_pt=SMALL_TABLE_SIZE)
    spent = 2.2  # "328.187（含" / "调指标23.075" / "万元）": the note wraps, the amount does not
    fixed = [2.4, kind, amount, amount, spent, spent]
    purpose = round(LINE_CM - sum(fixed), 2)
    cols = widths(fixed[0], kind, purpose, *fixed[2:], align="lclrrrr")
    table = b.table(cols, header_rows=2, small=True, rows=[
        ["项目名称", "项目类型", "资金用途、使用方向", "预算金额", "", "支出金额", ""],
        ["", "", "", "指标总额", own, "支出总额", own],
        ["{%tr for g in department.groups %}"],
        ["{{ g.name }}", "{{ g.kind }}", "{{ g.purpose }}", "{{ g.budget }}", "{{ g.budget_own }}",
         "{{ g.spent_text }}", "{{ g.spent_own_text }}"],
        ["{%tr endfor %}"],
        ["合计", "", "", "{{ department.total.budget }}", "{{ department.total.budget_own }}",
         "{{ department.total.spent }}", "{{ department.total.spent_own }}"],
    ])
    for r1, c1, r2, c2 in ((0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 0, 6), (5, 0, 5, 2)):
        merge(table, r1, c1, r2, c2)
    center(table, (5, 0))


def build_department_template(path: Path = DEPARTMENT_TEMPLATE_PATH) -> Path:
    """The report of a department-level self-evaluation in seed 004's outline."""
    b = TemplateBuilder()
    b.text("{{ title }}", "报告标题")
    b.heading("一、项目支出基本情况", 1)
    b.heading("（一）项目支出资金概况", 2)
    b.text("{{ department.sentences.overview }}")
    _department_table(b)
    b.heading("（二）项目绩效目标情况", 2)
    b.paragraphs("department_items")
    b.tag("{%p if narr.组织及管理情况 %}")
    b.heading("（三）资金使用管理情况", 2)
    b.narrative("组织及管理情况")
    b.tag("{%p endif %}")
    b.heading("二、绩效评价工作情况", 1)
    b.narrative("评价实施过程")
    b.heading("三、存在的问题", 1)
    b.paragraphs("department_problems")
    b.heading("四、改进措施", 1)
    b.paragraphs("department_measures")
    b.heading("五、其他需要说明的问题", 1)
    b.paragraphs("department_other")
    b.text("按相关规定将绩效目标自评报告进行公开，广泛接受社会监督。")
    _closing(b)
    _attachment_scores(b)
    _attachment_interviews(b)
    props = b.doc.core_properties
    props.title, props.author = "部门整体项目支出绩效自评报告模板", "jixiao"
    props.comments = "由 python -m jixiao.reports.build_template 生成"
    path.parent.mkdir(parents=True, exist_ok=True)
    b.doc.save(path)
    return path


def main() -> None:
    print(f"已生成报告模板：{build_template()}")
    print(f"已生成报告模板：{build_programme_template()}")
    print(f"已生成报告模板：{build_department_template()}")


if __name__ == "__main__":
    main()

