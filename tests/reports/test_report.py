"""The report files: Word report, score sheet, PDF. Pure pytest, no database.

The report is rendered from the sample project and read back with python-docx; assertions are
on real table cells and paragraphs, compared with the printed figures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import matplotlib
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree
from python_calamine import CalamineWorkbook

from jixiao.demo.seeds import load_seed
from jixiao.reports import pdf as pdf_module
from jixiao.reports.build_template import TEMPLATE_PATH, build_template
from jixiao.reports.charts import allocation_chart, level1_rate_chart
from jixiao.reports.docx_report import TC_PR_ORDER, render_report, report_title, split_paragraphs
from jixiao.reports.pdf import PdfConversionError, convert_to_pdf, fontconfig_xml
from jixiao.reports.scoresheet import (
    SHEET_FUNDS,
    SHEET_INDICATORS,
    SHEET_SUMMARY,
    SHEET_SURVEY,
    displayed,
    number_and_format,
    write_score_sheet,
)
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import Allocation, Survey, SurveyQuestion
from jixiao.scoring.presets import PRESETS
from tests.factories import sample_indicators, sample_project

LEVEL1_HEADER = ["一级指标", "权重分", "得分", "扣分", "得分率"]
SURVEY_HEADER_FIRST = "问卷题目及选项"
ATTACHMENT_HEADER = ["编码", "指标名称", "权重分", "得分", "评分规则", "评分依据"]
INTERVIEW_HEADER = ("序号", "访谈主题")
ALLOCATION_HEADER = ("序号", "县（市、区）")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figures_for(**overrides) -> dict:
    return build_figures(evaluate(sample_project(**overrides)))


@pytest.fixture(scope="module")
def figures() -> dict:
    return figures_for()


@pytest.fixture(scope="module")
def report(figures, tmp_path_factory) -> Path:
    return render_report(figures, tmp_path_factory.mktemp("report") / "报告.docx")


@pytest.fixture(scope="module")
def doc(report):
    return Document(report)


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(doc, *header: str):
    """The rows of the table whose header row starts with the given cells."""
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells[:len(header)]] == list(header):
            return table_rows(table)
    raise AssertionError(f"no table starting with {header!r}")


def paragraph_texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def all_text(doc) -> str:
    parts = paragraph_texts(doc)
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs + section.header.paragraphs]
    return "\n".join(parts)


# ---- Word report -----------------------------------------------------------------------------------

def test_title_and_outline_follow_the_seeds(doc, figures):
    texts = paragraph_texts(doc)
    assert texts[0] == report_title(figures) == "测试市残疾人联合会2024年测试县残疾人生活补助项目支出绩效自评报告"
    outline = ["摘  要", "一、项目概况", "二、评价结论", "三、经验、问题和建议", "一、项目基本情况", "（一）项目概况",
               "1.立项背景及目的", "2.实施情况", "3.资金来源及使用情况", "4.组织及管理情况", "（二）绩效目标", "1.总目标",
               "2.年度目标", "二、绩效评价工作情况", "（一）绩效评价的目的", "（二）绩效评价工作方案制定过程",
               "（三）绩效评价原则、评价方法", "（四）绩效评价实施过程", "（五）本次绩效评价的局限性",
               "三、评价结论和绩效分析", "（一）评价结论", "1.评价结果", "2.主要绩效", "（二）具体绩效分析",
               "1.项目决策（满分20.00分，评价得分19.50分）", "2.项目管理（满分20.00分，评价得分20.00分）",
               "3.项目绩效（满分60.00分，评价得分60.00分）", "四、成本效益分析", "五、主要经验及做法、存在的问题和建议",
               "（一）主要经验及做法", "（二）存在的问题", "（三）建议和改进措施", "相关附件："]
    at = -1
    for heading in outline:  # each found after the previous one (ValueError if missing or out of order)
        at = texts.index(heading, at + 1)
    assert texts.count(report_title(figures)) == 2  # on the abstract page and above the body


@pytest.mark.parametrize(("name", "named", "in_conclusion"), [
    ("2023年残疾人两项补贴", "2023年残疾人两项补贴", "2023年残疾人两项补贴"),
    ("2023年度残疾人两项补贴", "2023年度残疾人两项补贴", "2023年度残疾人两项补贴"),
    ("残疾人两项补贴", "2023年残疾人两项补贴", "2023年度残疾人两项补贴"),  # no year in the name: as before
])
def test_year_printed_once_before_the_project_name(tmp_path, name, named, in_conclusion):
    doc = Document(render_report(figures_for(name=name, year=2023), tmp_path / "r.docx"))
    texts = paragraph_texts(doc)
    title = f"测试市残疾人联合会{named}项目支出绩效自评报告"
    assert texts[0] == title and doc.core_properties.title == title
    opening = texts[texts.index(title, 1) + 1]
    assert f"对“{named}”项目支出绩效进行了评价" in opening
    conclusion = texts[texts.index("二、评价结论") + 1]
    assert conclusion.startswith(f"从决策、管理、绩效三个方面，对测试市残疾人联合会{in_conclusion}的")
    assert f"附件1：{named}绩效评价指标体系及评分表" in texts
    text = all_text(doc)
    for repeated in ("2023年度2023", "2023年2023", "（2023年）"):
        assert repeated not in text


def test_level1_score_table(doc, figures):
    rows = find_table(doc, "一级指标")
    assert rows[0] == LEVEL1_HEADER
    assert rows[1] == ["A项目决策", "20.00", "19.50", "0.50", "97.50%"]
    assert rows[-1] == ["合计", "100.00", "99.50", "0.50", "99.50%"]
    expected = [[f"{r['code']}{r['name']}", r["weight"], r["score"], r["deduction"], r["rate"]] for r in figures["level1"]]
    total = figures["level1_total"]
    assert rows[1:] == [*expected, ["合计", total["weight"], total["score"], total["deduction"], total["rate"]]]


def test_conclusion_sentence_with_score_and_grade(doc, figures):
    conclusion = figures["sentences"]["conclusion"]
    assert "99.50分" in conclusion and "评定等级为优" in conclusion
    texts = paragraph_texts(doc)
    assert texts.count(conclusion) == 2  # 摘要 二、评价结论 and 三（一）1.评价结果
    assert texts[texts.index("1.评价结果") + 1] == conclusion


def test_allocation_table_with_totals_and_completion(doc):
    rows = find_table(doc, *ALLOCATION_HEADER)
    assert rows[0] == ["序号", "县（市、区）", "下拨资金（万元）", "实际受益人数（人）", "备注"]
    assert rows[1] == ["1", "宜良县", "60", "600", ""]
    assert rows[2] == ["2", "富民县", "40", "420", ""]
    assert rows[3] == ["合计", "合计", "100", "1020", ""]  # 合计 spans 序号 and 县（市、区）
    assert rows[4] == ["全年计划受益人数（人）", "全年计划受益人数（人）", "1000", "任务完成率", "102.00%"]


def test_allocation_table_with_planned_column(tmp_path):
    allocations = [Allocation("宜良县", "530125", Decimal(60), 500, 600), Allocation("富民县", "530124", Decimal(40), 400, 420)]
    fig = figures_for(allocations=allocations)
    rows = find_table(Document(render_report(fig, tmp_path / "r.docx")), *ALLOCATION_HEADER)
    assert rows[0] == ["序号", "县（市、区）", "下拨资金（万元）", "计划受益人数（人）", "实际受益人数（人）", "备注"]
    assert rows[1] == ["1", "宜良县", "60", "500", "600", ""]
    assert rows[3] == ["合计", "合计", "100", "900", "1020", ""]
    # 任务完成率 spans both beneficiary columns; the rate sits under 备注.
    assert rows[4] == ["全年计划受益人数（人）", "全年计划受益人数（人）", "900", "任务完成率", "任务完成率",
                       fig["allocations"]["completion"]]
    assert fig["allocations"]["completion"] == "113.33%"


def test_conditional_columns_leave_a_consistent_grid(report):
    doc = Document(report)
    table = next(t for t in doc.tables if tuple(c.text for c in t.rows[0].cells[:2]) == ALLOCATION_HEADER)
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    header_cells = table.rows[0]._tr.findall(qn("w:tc"))
    assert len(grid) == len(header_cells) == 5
    widths = [int(c.get(qn("w:w"))) for c in grid]
    assert widths == [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in header_cells]
    level1_grid = doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert abs(sum(widths) - sum(int(c.get(qn("w:w"))) for c in level1_grid)) <= len(widths)  # same width


def test_survey_table_in_the_seeds_layout(doc, figures):
    survey = figures["survey"]
    rows = find_table(doc, SURVEY_HEADER_FIRST)
    assert rows[0] == [SURVEY_HEADER_FIRST, "项目", "A（非常满意）", "B（满意）", "C（一般）", "D（不满意）",
                       "E（很不满意）", "合计/各题得分"]
    body = rows[1:]
    for i, q in enumerate(survey["questions"]):
        counts, shares, scores = body[3 * i: 3 * i + 3]
        question = f"{q['number']}.{q['text']}"
        assert [r[0] for r in (counts, shares, scores)] == [question] * 3  # one merged cell
        assert counts[1:] == ["人数", *[str(q["counts"][k]) for k in "ABCDE"], str(q["respondents"])]
        assert shares[1:] == ["占比", *[q["shares"][k] for k in "ABCDE"], ""]
        assert scores[1:] == ["分数", *[q["option_scores"][k] for k in "ABCDE"], q["score"]]
    assert body[0][1:] == ["人数", "8", "2", "0", "0", "0", "10"]
    assert body[2][1:] == ["分数", "40.00", "9.00", "0.00", "0.00", "0.00", "49.00"]
    assert body[5][-1] == "48.00"
    totals = body[3 * len(survey["questions"]):]
    assert totals[0] == ["合计", "人数", "15", "4", "1", "0", "0", "20"]
    assert totals[1] == ["合计", "占比", "75.00%", "20.00%", "5.00%", "0.00%", "0.00%", ""]
    assert totals[2] == ["合计", "分数", "75.00", "18.00", "4.00", "0.00", "0.00", "97.00"]
    assert totals[3][0] == "最终得分" and totals[3][-1] == "97.00" == survey["total"]
    assert len(totals) == 4


def test_survey_rounding_note_printed_when_parts_disagree(tmp_path):
    # Seed 001: 41 respondents, 10 questions × 10 points; the rounded parts add up to 97.98, the total is 98.00.
    survey = Survey(title="问卷", coefficients=dict(PRESETS["昆明三档"]), questions=[
        SurveyQuestion(i, f"第{i}题", Decimal(10), {"A": a, "B": 41 - a})
        for i, a in enumerate((34, 33, 33, 33, 32, 31, 33, 34, 33, 32), 1)
    ])
    fig = figures_for(survey=survey)
    assert fig["survey"]["total"] == "98.00"
    note = fig["survey"]["rounding_note"]
    assert "97.98" in note
    assert note in paragraph_texts(Document(render_report(fig, tmp_path / "r.docx")))


def test_attachment_lists_every_indicator_with_its_basis(doc, figures):
    rows = find_table(doc, "编码")
    assert rows[0] == ATTACHMENT_HEADER
    by_code = {r[0]: r for r in rows[1:-1]}
    assert list(by_code) == [r["code"] for r in figures["indicators"]]
    for r in figures["indicators"]:
        code, name, weight, score, rule, basis = by_code[r["code"]]
        assert name.strip("\u3000") == r["name"] and name.startswith("\u3000" * (r["level"] - 1))
        assert (weight, score, rule, basis) == (r["weight"], r["score"], r["rule"], r["basis"])
    assert by_code["C1"][5] == "实际值1020÷目标值1000=102.00%，超额完成按满分计"
    assert rows[-1][2:4] == ["100.00", "99.50"]


ONE_LINE_COLUMNS = ("编码", "权重分", "得分")  # short texts that must not wrap in the score table


def latin_fonts() -> list[TTFont]:
    """The fonts that may set the table's Latin text: DejaVu Serif (matplotlib ships it; LibreOffice
    falls back to it for Times New Roman) and whatever fontconfig picks for Times here."""
    paths = {Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"}
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Times New Roman"], capture_output=True, text=True)
        if found.stdout.endswith((".ttf", ".otf", ".ttc")):
            paths.add(Path(found.stdout))
    return [TTFont(path, fontNumber=0) for path in sorted(paths)]


def set_width_twips(text: str, size_pt: float, font: TTFont) -> float:
    """How wide text sets in the font: advance widths of its glyphs; a Chinese character one em."""
    cmap, advances, per_em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    ems = sum(advances[cmap[ord(ch)]][0] / per_em if ord(ch) in cmap else 1.0 for ch in text)
    return ems * size_pt * 20


def score_table_cells(doc):
    """(header, text, width of its grid column in twips) of each unmerged cell of the annex score table."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "编码")
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    header = [c.text for c in table.rows[0].cells]
    for tr in table._tbl.findall(qn("w:tr")):
        at = 0
        for tc in tr.findall(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if span == 1:
                yield header[at], text, grid[at]
            at += span


def test_score_table_codes_and_scores_fit_their_columns(tmp_path):
    fig = build_figures(evaluate(load_seed("001")))  # four-level codes (A111) and full marks 100.00
    doc = Document(render_report(fig, tmp_path / "r.docx", charts={"level1": None, "allocation": None}))
    size = doc.styles["表格小字"].font.size.pt
    margins = doc.styles["Table Grid"].element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    padding = sum(int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right"))
    fonts = latin_fonts()
    checked = {column: [] for column in ONE_LINE_COLUMNS}
    for column, text, width in score_table_cells(doc):
        if column in checked and text:
            needed = max(set_width_twips(text, size, font) for font in fonts) + padding
            assert width >= needed, f"{column} “{text}” needs {needed:.0f} twips, has {width}"
            checked[column].append(text)
    assert max(checked["编码"], key=len) == max((r["code"] for r in fig["indicators"]), key=len) == "A111"
    assert fig["level1_total"]["weight"] in checked["权重分"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice (soffice) and pdftotext")
def test_score_table_codes_and_total_weight_unbroken_in_the_pdf(tmp_path):
    fig = build_figures(evaluate(load_seed("001")))
    report = render_report(fig, tmp_path / "r.docx", charts={"level1": None, "allocation": None})
    pdf = convert_to_pdf(report, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    annex = text[re.search(r"^\s*编码\s+指标名称", text, re.M).start():]
    for row in fig["indicators"]:
        assert re.search(rf"^\s*{row['code']}\s", annex, re.M), f"{row['code']} wraps"
    total = fig["level1_total"]
    assert re.search(rf"^\s*合计\s+{re.escape(total['weight'])}\s+{re.escape(total['score'])}\s*$", annex, re.M)


def test_interview_summary_attachment(doc, figures):
    rows = find_table(doc, *INTERVIEW_HEADER)
    assert rows[0] == ["序号", "访谈主题", "访谈对象", "身份", "方式", "日期", "访谈内容汇总"]
    assert rows[1] == ["1", "实施情况", "张某", "项目负责人", "座谈", "2025年4月10日", "补助按时发放到位。"]
    texts = paragraph_texts(doc)
    assert "2.2024年测试县残疾人生活补助项目访谈汇总" in texts  # in the 相关附件 list
    assert "附件2：2024年测试县残疾人生活补助项目访谈汇总" in texts


ANNEX_MENTION = re.compile(r"附件\s*[0-9０-９一二三四五六七八九十]")


def attachment_list(doc) -> list[tuple[int, str]]:
    """The 相关附件 list as (number, title): the paragraphs from 相关附件： to the blank line before
    the signature, each of which must be numbered."""
    texts = paragraph_texts(doc)
    start = texts.index("相关附件：") + 1
    items = []
    for text in texts[start: texts.index("", start)]:
        number, title = re.fullmatch(r"(\d+)\.(.+)", text).groups()
        items.append((int(number), title))
    return items


def assert_one_attachment_list(doc) -> list[str]:
    """One numbered list, 1…n; no other paragraph numbers attachments (附件N) but the annex page
    titles and the text's reference to the score table, which agree with the list. Its titles."""
    items = attachment_list(doc)
    assert [n for n, _ in items] == list(range(1, len(items) + 1))
    titles = [t for _, t in items]
    annex_pages = [p.text for p in doc.paragraphs if p.style.name == "附件标题"]
    assert annex_pages == [f"附件{i}：{t}" for i, t in enumerate(titles[:len(annex_pages)], 1)]
    reference = f"（具体评分情况详见附件1：{titles[0]}）"
    others = [t for t in paragraph_texts(doc) if ANNEX_MENTION.search(t) and t not in annex_pages]
    assert len(others) == 1 and reference in others[0]
    return titles


def test_workbook_attachment_notes_join_the_one_attachment_list(tmp_path):
    notes = ("附件1：测试县残疾人生活补助项目绩效指标体系及评分表；\n附件2：补助资金发放明细表；附件3：访谈记录；\n"
             "（4）满意度调查问卷统计表。")
    fig = figures_for(narrative={"附件说明": notes})
    titles = assert_one_attachment_list(Document(render_report(fig, tmp_path / "r.docx")))
    # the report's score table and interview summary first; the workbook's own copies of them dropped
    assert titles == ["2024年测试县残疾人生活补助项目绩效评价指标体系及评分表", "2024年测试县残疾人生活补助项目访谈汇总",
                      "补助资金发放明细表", "满意度调查问卷统计表"]


def test_workbook_interview_record_is_kept_when_the_report_has_no_interview_annex(tmp_path):
    fig = figures_for(interviews=[], narrative={"附件说明": "1.访谈记录\n2.三、四级残疾人补助名册"})
    titles = assert_one_attachment_list(Document(render_report(fig, tmp_path / "r.docx")))
    assert titles == ["2024年测试县残疾人生活补助项目绩效评价指标体系及评分表", "访谈记录", "三、四级残疾人补助名册"]


def test_demo_001_report_has_one_attachment_list(tmp_path):
    fig = build_figures(evaluate(load_seed("001")))
    doc = Document(render_report(fig, tmp_path / "r.docx", charts={"level1": None, "allocation": None}))
    titles = assert_one_attachment_list(doc)
    # the seed's 附件1 (its score table) and 附件3 (访谈记录) are the report's annexes 1 and 2
    assert titles[2:] == ["2022年三、四级残疾人居民养老保险补助经费使用情况表（基础数据表）",
                          "2022年三、四级残疾人养老保险补助经费问卷调查统计",
                          "市政府相关规划、决策、批复，立项申请、批复文件，绩效目标申报表"]
    assert len(titles) == 5 and titles[1].endswith("访谈汇总")


def test_unit_and_date_close_the_report_right_aligned(doc, figures):
    paragraphs = doc.paragraphs
    texts = [p.text for p in paragraphs]
    unit_at = texts.index(figures["report_unit"], texts.index("相关附件："))
    assert texts[unit_at + 1] == figures["report_date"] == "2025年5月10日"
    for p in paragraphs[unit_at: unit_at + 2]:
        assert (p.alignment or p.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.RIGHT
    assert texts.index("附件1：2024年测试县残疾人生活补助项目绩效评价指标体系及评分表") > unit_at


def test_two_png_charts_are_embedded(doc, report):
    assert len(doc.inline_shapes) == 2
    with zipfile.ZipFile(report) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 2
        assert all(z.read(n).startswith(PNG_MAGIC) for n in media)


def test_no_none_and_no_leftover_tags(doc):
    text = all_text(doc)
    for bad in ("None", "{{", "}}", "{%", "%}", "Undefined"):
        assert bad not in text


def test_cell_properties_in_schema_order(report):
    with zipfile.ZipFile(report) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    for tc_pr in root.iter(qn("w:tcPr")):
        ranks = [TC_PR_ORDER[child.tag] for child in tc_pr]
        assert ranks == sorted(ranks)


def test_text_with_markup_characters_is_escaped(tmp_path):
    text = "A&B <第1条> “引号” {x}"
    doc = Document(render_report(figures_for(narrative={"主要绩效": text}), tmp_path / "r.docx"))
    assert text in paragraph_texts(doc)


def test_narrative_becomes_real_paragraphs(doc, figures):
    texts = paragraph_texts(doc)
    assert texts.count("为减轻残疾人家庭负担，设立本项目。") == 2  # 摘要 and 1.立项背景及目的
    problems = split_paragraphs(figures["narrative"]["存在的问题"])
    assert problems == ["1.宣传不足。", "2.流程繁琐。"]
    at = texts.index("（二）存在的问题")
    assert texts[at + 1: at + 3] == problems
    assert texts.count("1.宣传不足。") == 2


def test_policy_and_fund_sentences(doc, figures):
    texts = paragraph_texts(doc)
    assert "本项目的主要政策依据：《关于下达2024年测试补助经费的通知》（测财社〔2024〕1号）。" in texts
    for key in ("funds_arrival", "funds_spending", "funds_balance"):
        assert figures["sentences"][key] in texts
    assert find_table(doc, "资金来源") == [["资金来源", "预算数", "到位数"], ["市级", "100", "100"], ["合计", "100", "100"]]
    assert find_table(doc, "类别")[1] == ["产出-数量", "补助人数", "≥1000人", "1020人", "达标，完成率102.00%"]


def test_empty_narrative_and_no_survey_or_allocations(tmp_path):
    project = sample_project(narrative={}, survey=None, allocations=[], interviews=[], policies=[],
                             indicators=_indicators_without_survey())
    project.targets[0].actual = Decimal(1020)  # no allocation table to count the beneficiaries from
    fig = build_figures(evaluate(project))
    doc = Document(render_report(fig, tmp_path / "r.docx"))
    text = all_text(doc)
    assert "None" not in text and "{{" not in text
    assert "（二）存在的问题" in paragraph_texts(doc)
    headers = [tuple(c.text for c in t.rows[0].cells[:2]) for t in doc.tables]
    assert ALLOCATION_HEADER not in headers and not any(h[0] == SURVEY_HEADER_FIRST for h in headers)
    assert len(doc.inline_shapes) == 1  # no allocation chart
    assert "附件2" not in text


def _indicators_without_survey():
    rows = sample_indicators()
    for row in rows:
        if row.code == "C3":
            row.rule, row.linked, row.manual_score = "manual", "", Decimal(20)
    return rows


def test_demo_note_printed_in_attachment(tmp_path):
    note = "注：本报告为演示数据，数字均为虚构。"
    doc = Document(render_report(figures_for(demo_note=note), tmp_path / "r.docx"))
    texts = paragraph_texts(doc)
    assert texts.index(note) == texts.index("附件1：2024年测试县残疾人生活补助项目绩效评价指标体系及评分表") + 1


def test_committed_template_matches_its_generator(tmp_path):
    rebuilt = build_template(tmp_path / "t.docx")
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        with zipfile.ZipFile(TEMPLATE_PATH) as a, zipfile.ZipFile(rebuilt) as b:
            assert a.read(part) == b.read(part), f"{part} differs: run python -m jixiao.reports.build_template"


def test_charts_are_png_and_need_the_figures_only(figures):
    assert level1_rate_chart(figures).startswith(PNG_MAGIC)
    assert allocation_chart(figures).startswith(PNG_MAGIC)
    assert allocation_chart({**figures, "allocations": {**figures["allocations"], "rows": []}}) is None


# ---- score sheet -----------------------------------------------------------------------------------

def _walk_strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_strings(v)
    elif isinstance(value, str):
        yield value


def test_number_formats_display_every_printed_figure(figures):
    numbers = [s for s in _walk_strings(figures) if number_and_format(s)]
    assert {"19.50", "97.50%", "100", "1020", "102.00%"} <= set(numbers)
    for printed in [*numbers, "317.395", "13.075", "0.505", "115.93%", "96.67%"]:
        value, num_format = number_and_format(printed)
        assert displayed(value, num_format) == printed
    assert number_and_format("—") is None and number_and_format("") is None


def shows(cell, printed) -> bool:
    """True when the cell holds the printed figure (as a number displaying as it, or as text)."""
    parsed = number_and_format(str(printed))
    if parsed is None:
        return cell == printed
    value, num_format = parsed
    return cell == value and displayed(cell, num_format) == str(printed)


@pytest.fixture(scope="module")
def sheets(figures, tmp_path_factory) -> dict:
    path = write_score_sheet(figures, tmp_path_factory.mktemp("xlsx") / "评分表.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_score_sheet_has_the_four_sheets(sheets):
    assert list(sheets) == [SHEET_SUMMARY, SHEET_INDICATORS, SHEET_SURVEY, SHEET_FUNDS]


def test_score_sheet_summary_equals_figures(sheets, figures):
    rows = sheets[SHEET_SUMMARY]
    assert rows[1] == LEVEL1_HEADER
    expected = [*figures["level1"], {"code": "", "name": "合计", **figures["level1_total"]}]
    for row, r in zip(rows[2:], expected, strict=False):
        assert row[0] == f"{r['code']}{r['name']}"
        assert all(shows(cell, r[k]) for cell, k in zip(row[1:5], ("weight", "score", "deduction", "rate"), strict=True))
    labels = {row[0]: row[1] for row in rows if row[0] in ("总分", "满分", "等级")}
    assert shows(labels["总分"], figures["total_score"]) and labels["等级"] == figures["grade"] == "优"


def test_score_sheet_indicators_equal_figures(sheets, figures):
    rows = sheets[SHEET_INDICATORS]
    assert rows[0] == ["编码", "层级", "指标名称", "权重分", "得分", "扣分", "得分率", "评分规则", "评分依据"]
    assert len(rows) - 1 == len(figures["indicators"])
    for row, r in zip(rows[1:], figures["indicators"], strict=True):
        assert row[0] == r["code"] and row[2] == r["name"] and shows(row[1], str(r["level"]))
        for cell, key in zip(row[3:7], ("weight", "score", "deduction", "rate"), strict=True):
            assert shows(cell, r[key]), (r["code"], key, cell)
        assert row[7:] == [r["rule"], r["basis"]]


def test_score_sheet_survey_equals_docx_table(sheets, doc):
    sheet = sheets[SHEET_SURVEY]
    docx_rows = find_table(doc, SURVEY_HEADER_FIRST)
    assert sheet[1] == docx_rows[0]
    for row, docx_row in zip(sheet[2:], docx_rows[1:], strict=True):
        assert row[0] in ("", docx_row[0])  # merged cells read empty below their first row
        if docx_row[0] == "最终得分":
            assert shows(row[-1], docx_row[-1])
            continue
        assert row[1] == docx_row[1]
        assert all(shows(cell, text) for cell, text in zip(row[2:], docx_row[2:], strict=True)), docx_row


def test_score_sheet_funds_equal_figures(sheets, figures):
    rows = sheets[SHEET_FUNDS]
    funds = figures["funds"]
    values = {row[0]: row[1] for row in rows[1:7]}
    assert shows(values["预算资金"], funds["budget"]) and shows(values["资金到位率"], funds["arrival_rate"])
    assert shows(values["结转结余"], funds["balance"]) and shows(values["预算执行率"], funds["execution_rate"])
    header_at = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert rows[header_at][:5] == ["序号", "县（市、区）", "下拨资金（万元）", "实际受益人数（人）", "备注"]
    alloc = figures["allocations"]
    for row, r in zip(rows[header_at + 1:], alloc["rows"], strict=False):
        assert shows(row[0], str(r["no"])) and row[1] == r["region"]
        assert shows(row[2], r["amount"]) and shows(row[3], r["actual"])
    total = rows[header_at + 1 + len(alloc["rows"])]
    assert total[0] == "合计" and shows(total[2], alloc["total_amount"]) and shows(total[3], alloc["total_actual"])
    completion = rows[header_at + 2 + len(alloc["rows"])]
    assert shows(completion[2], alloc["total_planned"]) and shows(completion[4], alloc["completion"])


# ---- PDF ---------------------------------------------------------------------------------------------

def test_fontconfig_maps_chinese_font_names_to_noto(tmp_path):
    xml = fontconfig_xml()
    assert "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>" in xml
    assert "<family>仿宋</family><prefer><family>Noto Serif CJK SC</family>" in xml
    assert "<family>黑体</family><prefer><family>Noto Sans CJK SC</family>" in xml


def test_convert_to_pdf_without_libreoffice_returns_none(monkeypatch, report, tmp_path):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    assert convert_to_pdf(report, tmp_path) is None


@pytest.mark.skipif(shutil.which("false") is None, reason="needs the false command")
def test_failed_conversion_raises_a_chinese_error(monkeypatch, report, tmp_path):
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: shutil.which("false"))
    with pytest.raises(PdfConversionError, match="PDF 转换失败"):
        convert_to_pdf(report, tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_has_pages_and_embedded_noto_cjk_fonts(report, tmp_path):
    pdf = convert_to_pdf(report, tmp_path)
    assert pdf == tmp_path / "报告.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) > 0
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z0-9-]+)", data))
    # The fonts embedded are the Noto CJK faces the font config maps 仿宋/宋体 and 黑体 to (the
    # shared CFF table of the .ttc names them "...jp", the glyphs used are those of the SC face).
    assert any(f.startswith(b"NotoSerifCJK") for f in fonts), fonts
    assert any(f.startswith(b"NotoSansCJK") for f in fonts), fonts
    assert b"NotoS" in data


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_parallel_conversions_each_produce_their_pdf(report, tmp_path):
    outs = [tmp_path / f"out{i}" for i in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(lambda out: convert_to_pdf(report, out), outs))
    assert [p.parent for p in pdfs] == outs
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
