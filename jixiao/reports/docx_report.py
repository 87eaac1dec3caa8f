"""The Word self-evaluation report (绩效自评报告), rendered from the printed figures.

``render_report(figures, out_path)`` fills ``templates/self_evaluation.docx`` (built by
``build_template``) with docxtpl. Every number comes as a string from ``build_figures``; this
module only arranges those strings (joins them into table cells and short sentences) and never
formats a number, so the report cannot disagree with the score sheet or summary.json.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from jixiao.common.names import name_with_year
from jixiao.scoring.figures import allocation_unit_of
from jixiao.workbooks.schema import NARRATIVE_KEYS

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "self_evaluation.docx"
PROGRAMME_TEMPLATE_PATH = TEMPLATE_PATH.with_name("multi_programme.docx")  # seed 003's outline
DEPARTMENT_TEMPLATE_PATH = TEMPLATE_PATH.with_name("department.docx")  # seed 004's outline
CHART_WIDTH = Mm(150)
GROUP_SHADE, LEAF_SHADE = "F2F2F2", "FFFFFF"
INDENT = "\u3000"  # a full-width space per indicator level in the attachment table
OPTIONAL_SENTENCES = ("allocation", "beneficiaries", "survey")
# Level-1 names → narrative key of its analysis (seeds: 决策/管理/绩效; 财预〔2020〕10号: 决策/过程/产出/效益).
ANALYSIS_KEYWORDS = (("决策", "项目决策分析"), ("管理", "项目管理分析"), ("过程", "项目管理分析"),
                     ("绩效", "项目绩效分析"), ("产出", "项目绩效分析"), ("效益", "项目绩效分析"))
ALLOCATION_HOME = ("管理", "过程")  # the level-1 section that shows the allocation table
SURVEY_HOME = ("满意", "效益", "绩效")  # … and the one that shows the survey table
# A workbook's 附件说明 entry: its numbering (附件1： / 1. / 1、 / （1）; not 一、, which would eat the
# 三、 of "三、四级残疾人…"), entries run together on one line ("附件1：…；附件2：…"), and the words
# by which an entry names one of the report's own annexes.
_NUMERAL = "[0-9０-９一二三四五六七八九十]+"
ATTACHMENT_NUMBER = re.compile(
    rf"^\s*(?:附件\s*{_NUMERAL}\s*[：:、.．]?|[0-9０-９]+\s*[.．、:：)）]|[（(]{_NUMERAL}[）)])\s*")
ATTACHMENT_SPLIT = re.compile(rf"(?<=[；;。])\s*(?=附件\s*{_NUMERAL})")
END_PUNCTUATION = "；;。.，,、"
SCORE_TABLE_WORDS = ("评分表", "指标体系")
INTERVIEW_WORDS = ("访谈",)
TC_PR_ORDER = {qn(f"w:{name}"): i for i, name in enumerate((
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
    "tcFitText", "vAlign", "hideMark"))}


class ReportTemplateError(RuntimeError):
    pass


# ---- small views over the figures -----------------------------------------------------------------

def project_full(figures: dict) -> str:
    """'2024年某某项目': the project name with its year, unless the name already starts with it."""
    return name_with_year(figures["project"], figures["year"])


def report_title(figures: dict) -> str:
    if figures.get("department"):  # seed 004: 区残联项目支出绩效自评报告, with its year
        return f"{figures['owner_unit']}{figures['year']}年度项目支出绩效自评报告"
    if figures.get("programmes"):  # seed 003: 昆明市呈贡区2019年度城市低保、…生活补助工作绩效评价报告
        return f"{figures['owner_unit']}{name_with_year(figures['project'], figures['year'], word='年度')}绩效自评报告"
    suffix = "支出绩效自评报告" if figures["project"].endswith("项目") else "项目支出绩效自评报告"
    return f"{figures['owner_unit']}{project_full(figures)}{suffix}"


def split_paragraphs(text: str | None) -> list[str]:
    """Narrative text → its non-empty paragraphs ('\\n' separates them)."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _narrative(figures: dict) -> dict[str, list[str]]:
    given = figures.get("narrative") or {}
    return {key: split_paragraphs(given.get(key)) for key in (*NARRATIVE_KEYS, *given)}


def _sentences(figures: dict) -> dict[str, str]:
    return {**dict.fromkeys(OPTIONAL_SENTENCES, ""), **figures["sentences"]}


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (ArithmeticError, ValueError):
        return False
    return True


def _target_rows(figures: dict) -> list[dict]:
    rows = []
    for t in figures["targets"]:
        qualitative = t["operator"] == "定性"
        operator = "" if t["operator"] in ("=", "定性") else t["operator"]
        unit = "" if qualitative else t["unit"]
        status = [t["met"]] if t["met"] else []
        if t["completion"]:
            status.append(f"完成率{t['completion']}")
        if t["deviation_reason"]:
            status.append(f"偏差原因：{t['deviation_reason']}")
        rows.append({
            "category": t["category"],
            "name": t["name"],
            "target": f"{operator}{t['target']}{unit}" if t["target"] else "",
            # a number takes the unit; a text actual ("超过1400人次") is printed as written
            "actual": (f"{t['actual']}{unit}" if _is_number(t["actual"]) else t["actual"]) if t["actual"] else "",
            "status": "，".join(status),
        })
    return rows


def _allocation_view(figures: dict) -> dict:
    alloc = figures["allocations"]
    span = int(alloc["has_planned"]) + int(alloc["has_actual"])
    unit = allocation_unit_of(figures)
    return {
        "title": f"{project_full(figures)}资金分配及使用情况表",
        "unit_label": unit,  # 县（市、区） / 街道（乡镇） / 村（社区）, as scoring.figures decided from the listed units
        "chart_title": f"图2 各{unit}资金分配情况（万元）",
        "planned_label": "全年计划受益人数（人）",
        "show_completion": bool(alloc["total_planned"] and alloc["completion"] and span),
        "completion_span": span,  # the 任务完成率 label spans the beneficiary columns shown
    }


def _weights_text(questions: list[dict]) -> str:
    """'各题分值均为10分', or as seed 002 puts it: '第1题20分，其余各题均为10分'."""
    weights = [q["weight"] for q in questions]
    usual = Counter(weights).most_common(1)[0][0]
    if all(w == usual for w in weights):
        return f"各题分值均为{usual}分"
    others = "，".join(f"第{q['number']}题{q['weight']}分" for q in questions if q["weight"] != usual)
    return f"{others}，其余各题均为{usual}分"


def _survey_view(figures: dict) -> dict | None:
    survey = figures["survey"]
    if not survey:
        return None
    title = survey["title"] or f"{project_full(figures)}满意度调查问卷"
    weight_text = _weights_text(survey["questions"])
    coefficients = "，".join(
        f"{o['letter']}（{o['label']}）{survey['coefficients'][o['letter']]}"
        for o in survey["options"] if survey["coefficients"][o["letter"]] != "—"
    )
    return {
        "title": title if title.endswith("表") else f"{title}统计表",
        "headers": {o["letter"]: f"{o['letter']}（{o['label']}）" for o in survey["options"]},
        "note": f"说明：{weight_text}；各题得分＝分值×Σ（选择人数×选项系数）÷答题人数，选项系数为{coefficients}。",
    }


def _first_index(names: list[str], words: tuple[str, ...], default: int) -> int:
    for word in words:
        for i, name in enumerate(names):
            if word in name:
                return i
    return default


def _analysis_sections(figures: dict, narr: dict[str, list[str]]) -> list[dict]:
    level1 = figures["level1"]
    names = [r["name"] for r in level1]
    allocation_at = _first_index(names, ALLOCATION_HOME, min(1, len(level1) - 1))
    survey_at = _first_index(names, SURVEY_HOME, len(level1) - 1)
    used: set[str] = set()
    sections = []
    for i, row in enumerate(level1):
        key = next((k for word, k in ANALYSIS_KEYWORDS if word in row["name"] and k not in used), None)
        if key:
            used.add(key)
        sections.append({
            "heading": figures["sentences"][f"level1_{row['code']}"],
            "paragraphs": narr.get(key, []) if key else [],
            "show_allocation": i == allocation_at,
            "show_survey": i == survey_at,
        })
    return sections


def _indicator_rows(figures: dict) -> list[dict]:
    return [
        {**row, "indent": INDENT * (row["level"] - 1), "shade": LEAF_SHADE if row["is_leaf"] else GROUP_SHADE}
        for row in figures["indicators"]
    ]


def attachment_entries(text: str | None) -> list[str]:
    """The workbook's 附件说明 as bare titles: one per line (or per 附件N within a line), its own
    numbering and closing punctuation removed, so the report can number them after its annexes."""
    entries = []
    for line in split_paragraphs(text):
        for part in ATTACHMENT_SPLIT.split(line):
            title = ATTACHMENT_NUMBER.sub("", part, count=1).strip().rstrip(END_PUNCTUATION).strip()
            if title:
                entries.append(title)
    return entries


def attachment_titles(figures: dict) -> list[str]:
    """The one 相关附件 list: the annexes the report carries (附件1 the score table, 附件2 the
    interviews when there are any), then the workbook's own entries, less those naming an annex
    already listed (its own score table or interview record)."""
    annexes = [(f"{project_full(figures)}绩效评价指标体系及评分表", SCORE_TABLE_WORDS)]
    if figures["interviews"]:
        annexes.append((f"{project_full(figures)}访谈汇总", INTERVIEW_WORDS))
    own = attachment_entries((figures.get("narrative") or {}).get("附件说明"))
    kept = [e for e in own if not any(word in e for _, words in annexes for word in words)]
    return [title for title, _ in annexes] + kept


def _optional_sentences(figures: dict) -> dict[str, str]:
    citations = "、".join(p["citation"] for p in figures["policies"])
    return {
        "policies_sentence": f"本项目的主要政策依据：{citations}。" if citations else "",
        "division_sentence": (
            f"项目具体工作由{figures['owner_unit']}{figures['division']}负责管理。" if figures["division"] else ""
        ),
        "period_sentence": (
            f"本次绩效评价工作时间为{figures['evaluation_period']}。" if figures["evaluation_period"] else ""
        ),
    }


def _programme_views(figures: dict, narr: dict[str, list[str]]) -> dict:
    """The multi-programme report's extras: each programme's narrative as paragraphs, the opening
    sentence, and 存在问题 numbered as seed 003 numbers them (1、…)."""
    programmes = [{**p, "paragraphs": split_paragraphs(p["description"])} for p in figures.get("programmes", [])]
    if not programmes:
        return {"programmes": [], "programmes_opening": "", "numbered_problems": []}
    problems = narr.get("存在的问题", [])
    return {
        "programmes": programmes,
        "programmes_opening": (
            f"现将{figures['owner_unit']}{figures['year']}年{figures['programmes_total']['names']}"
            f"{figures['programmes_total']['count_words']}个项目资金绩效评价工作情况报告如下："),
        "numbered_problems": [f"{i}、{para}" for i, para in enumerate(problems, 1)],
    }


def _department_views(figures: dict, narr: dict[str, list[str]]) -> dict:
    """The department-level report's numbered lists: 项目绩效目标情况 (the 民生实事 categories first, then
    the 主要绩效 paragraphs, 1、2、…), 存在的问题 and 改进措施 ((一)(二)…, as seed 004 numbers them)."""
    department = figures.get("department")
    if not department:
        return {"department_items": [], "department_problems": [], "department_measures": [], "department_other": []}
    items = [*department["sentences"]["tasks"], *narr.get("主要绩效", [])]

    def bracketed(paras: list[str]) -> list[str]:
        return [f"（{_numeral_words(i)}）{para}" for i, para in enumerate(paras, 1)]

    return {
        "department_items": [f"{i}、{para}" for i, para in enumerate(items, 1)],
        "department_problems": bracketed(narr.get("存在的问题", [])),
        "department_measures": bracketed(narr.get("建议和改进措施", [])),
        "department_other": narr.get("其他需要说明的问题", []),  # a 报告文字 row of its own, if written
    }


def _numeral_words(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def build_context(figures: dict, images: dict) -> dict:
    """Everything the template refers to: the figures themselves plus the views above."""
    narr = _narrative(figures)
    return {
        **figures,
        **_programme_views(figures, narr),
        **_department_views(figures, narr),
        **_optional_sentences(figures),
        "title": report_title(figures),
        "project_full": project_full(figures),
        "narr": narr,
        "sentences": _sentences(figures),
        "target_rows": _target_rows(figures),
        "allocation_view": _allocation_view(figures),
        "survey_view": _survey_view(figures),
        "analysis": _analysis_sections(figures, narr),
        "indicator_rows": _indicator_rows(figures),
        "attachment_titles": attachment_titles(figures),
        "charts": images,
    }


# ---- rendering ------------------------------------------------------------------------------------

def _jinja_env() -> jinja2.Environment:
    # StrictUndefined: a mistyped tag in an edited template fails loudly instead of printing
    # nothing; None prints as nothing rather than "None".
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True,
                              finalize=lambda value: "" if value is None else value)


def _inline_images(tpl: DocxTemplate, charts: dict[str, bytes | None]) -> dict:
    return {name: InlineImage(tpl, io.BytesIO(png), width=CHART_WIDTH) if png else None
            for name, png in charts.items()}


def _cell_span(tc) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


def _cell_width(tc) -> int | None:
    width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if width is None or width.get(qn("w:type")) not in (None, "dxa"):
        return None
    return int(width.get(qn("w:w")))


def _set_cell_width(tc, twips: int) -> None:
    tc_pr = tc.get_or_add_tcPr()
    width = tc_pr.find(qn("w:tcW"))
    if width is None:
        width = OxmlElement("w:tcW")
        tc_pr.insert(0, width)
    width.set(qn("w:w"), str(twips))
    width.set(qn("w:type"), "dxa")


def order_cell_properties(tbl) -> None:
    """Put each cell's properties back in schema order: docxtpl's {% cellbg %} inserts the
    shading first, where LibreOffice ignores it and strict readers reject it."""
    for tc_pr in tbl.iter(qn("w:tcPr")):
        children = sorted(tc_pr, key=lambda el: TC_PR_ORDER.get(el.tag, len(TC_PR_ORDER)))
        for child in children:
            tc_pr.append(child)  # re-appending an existing child moves it to the end


def fit_table_grid(tbl) -> None:
    """Make a table's column grid match its cells again.

    Conditional columns ({%tc if %}) leave docxtpl's grid with the right number of columns but
    the wrong widths. The widest row without merged cells gives the widths, scaled to the
    table's total width, and every cell is set to the width of the columns it spans.
    """
    grid = tbl.find(qn("w:tblGrid"))
    rows = tbl.findall(qn("w:tr"))
    plain = [r for r in rows if all(_cell_span(tc) == 1 for tc in r.findall(qn("w:tc")))]
    if grid is None or not plain:
        return
    reference = max(plain, key=lambda r: len(r.findall(qn("w:tc"))))
    wanted = [_cell_width(tc) for tc in reference.findall(qn("w:tc"))]
    old = [int(col.get(qn("w:w"), "0")) for col in grid.findall(qn("w:gridCol"))]
    if None in wanted or not sum(wanted) or len(wanted) != len(old):
        return
    total = sum(old) or sum(wanted)
    new = [round(w * total / sum(wanted)) for w in wanted]
    for col, width in zip(grid.findall(qn("w:gridCol")), new, strict=True):
        col.set(qn("w:w"), str(width))
    for row in rows:
        start = 0
        for tc in row.findall(qn("w:tc")):
            span = _cell_span(tc)
            if start + span > len(new):
                break
            _set_cell_width(tc, sum(new[start:start + span]))
            start += span


def render_report(figures: dict, out_path, *, template_path=None, charts: dict | None = None) -> Path:
    """Render the report to ``out_path`` (.docx) and return its path.

    ``charts`` maps chart names to PNG bytes (see ``charts.report_charts``); they are drawn
    from the figures when not given.
    """
    if charts is None:
        from jixiao.reports.charts import report_charts

        charts = report_charts(figures)
    default = (DEPARTMENT_TEMPLATE_PATH if figures.get("department")
               else PROGRAMME_TEMPLATE_PATH if figures.get("programmes") else TEMPLATE_PATH)
    path = Path(template_path or default)
    tpl = DocxTemplate(path)
    context = build_context(figures, _inline_images(tpl, charts))
    try:
        tpl.render(context, jinja_env=_jinja_env(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise ReportTemplateError(f"报告模板“{path.name}”有误，无法生成报告：{exc}") from exc
    for tbl in tpl.docx.element.body.iter(qn("w:tbl")):
        order_cell_properties(tbl)
        fit_table_grid(tbl)
    tpl.docx.core_properties.title = context["title"]
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(out)
    return out
