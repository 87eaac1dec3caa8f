"""Write the project workbook: a blank template, or a filled one from a ``ProjectInput``.

Everything about the sheets (names, columns, kinds, choices, help) comes from ``schema``, and the
说明 sheet is generated from it too. A filled workbook reads back (``reader.read_workbook``) into
an equal ``ProjectInput``; this is how the demo builds its workbooks from package data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from jixiao.common.numbers import fmt_plain
from jixiao.common.safe_files import xlsx_workbook
from jixiao.scoring.inputs import RULE_LABELS, GradeScale, ProjectInput, Survey
from jixiao.scoring.presets import DEFAULT_PRESET, OPTION_LETTERS, PRESETS
from jixiao.workbooks.schema import (
    ANSWER_ID_COLUMN,
    ANSWER_SHEET_HELP,
    DEPARTMENT_SHEETS,
    GROUP_NAME,
    INFO_KEYS,
    NARRATIVE_KEYS,
    OPTIONAL_SHEET_ANSWERS,
    PROGRAMME_NAME,
    PROGRAMME_SHEETS,
    SHAPES,
    SHEET_GROUPS,
    SHEET_PROGRAMME_EXPENDITURES,
    SHEET_PROGRAMME_POLICIES,
    SHEET_PROGRAMME_SOURCES,
    SHEET_PROGRAMMES,
    SHEET_TASKS,
    SHEETS,
    Column,
    Sheet,
    answer_column,
)

GUIDE_SHEET = "说明"
TEMPLATE_ROWS = 2000  # rows below the header that carry drop-downs and formats in a blank sheet

KIND_LABELS = {
    "text": "文字",
    "int": "整数",
    "decimal": "数字",
    "money": "金额（万元）",
    "date": "日期",
    "choice": "下拉选择",
    "bool": "是/否",
}

# Kept beside the reader's behaviour they describe; the column lists come from schema.
GENERAL_NOTES = (
    "本工作簿用于录入一个项目的绩效评价资料：基本信息、资金、绩效目标、指标评分、满意度问卷、访谈和报告文字。"
    "系统读取时先检查全部内容，发现问题会逐条列出所在工作表、行、列和原因，全部改正后才计算得分、生成报告。",
    "各表第1行是表头，请勿修改表头文字；列的顺序可以调整，多出的列和多出的工作表不会读取。"
    "浅黄色底的表头为必填列，表头单元格的批注说明该列填法。空行会被跳过。",
    "金额单位为万元，最多6位小数（即精确到分），不能为负数。数字请直接输入，不要带单位；"
    "以文本形式输入的全角数字（如１２３）和首尾空格也能识别。",
    "日期可输入 Excel 日期，也可写成 2022-03-05、2022/3/5、2022年3月5日 或 2022.3.5。",
    "区划填写县（市、区）名称或6位区划代码，如：宜良县、晋宁区（晋宁县）、530125；功能区可填简称，如：高新区、阳宗海。",
    "“资金分配”表可分配到项目所属区划内的县（市、区）、街道（乡镇）或村（社区），如县级项目填匡远街道或530125001；"
    "各行须为同一层级，同名的村（社区）请填12位区划代码。",
    "下拉选择列只能填写下拉列表中的值。比较符也可输入 >=、<=。",
    "满意度问卷系数：“问卷系数方案”填写方案名称（可选："
    + "、".join(f"{name}：{'、'.join(f'{k} {fmt_plain(v)}' for k, v in coefs.items())}" for name, coefs in PRESETS.items())
    + "）时，方案内的系数由方案确定，不能另填，只可另填方案未包含的系数D、系数E；"
    "不用方案时，清空“问卷系数方案”并逐项填写系数A–E（用到的选项都须有系数）。"
    f"方案和系数都不填时，按“{DEFAULT_PRESET}”计算。答卷中选了 D、E 的，必须填写系数D、系数E。",
)


def workbook_sheets(project: ProjectInput | None = None, shape: str = "项目") -> tuple[Sheet, ...]:
    """The sheets written: today's, plus the 子项目 sheets for the 多项目 shape or a project with programmes,
    plus the 部门项目 / 民生实事 sheets for the 部门整体 shape or a project with project groups or tasks."""
    if shape not in SHAPES:
        raise ValueError(f"未知的工作簿类型“{shape}”，可选：{'、'.join(SHAPES)}")
    sheets = SHEETS
    if shape == "多项目" or (project is not None and project.programmes):
        sheets = (*sheets, *PROGRAMME_SHEETS)
    if shape == "部门整体" or (project is not None and (project.project_groups or project.livelihood_tasks)):
        sheets = (*sheets, *DEPARTMENT_SHEETS)
    return sheets


def write_workbook(path, project: ProjectInput | None = None, *, shape: str = "项目") -> None:
    """Write the workbook to ``path``: blank when ``project`` is None, else filled from it. ``shape``
    多项目 adds the 子项目 sheets (written anyway when the project has programmes), 部门整体 the 部门项目 and
    民生实事 sheets (written anyway when the project has groups or tasks)."""
    sheets = workbook_sheets(project, shape)
    workbook = xlsx_workbook(path)
    workbook.set_properties({"title": project.name if project and project.name else "项目工作簿"})
    styles = _Styles(workbook)
    _write_guide(workbook.add_worksheet(GUIDE_SHEET), styles, sheets)
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        if sheet.key_value:
            _write_info_sheet(worksheet, sheet, _info_values(project) if project else {}, styles)
        else:
            _write_table(worksheet, sheet, _ROWS[sheet.name](project), styles)
    workbook.close()


# --- styles and cells ----------------------------------------------------------------------


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook):
        self.header = workbook.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2", "valign": "vcenter"})
        self.required_header = workbook.add_format(
            {"bold": True, "border": 1, "bg_color": "#FFF2CC", "valign": "vcenter"}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 16})
        self.section = workbook.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E79"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.kind = {
            "text": workbook.add_format({"num_format": "@", "valign": "top"}),
            # General shows 317.395 as typed, without padding zeros or a dangling decimal point.
            "money": workbook.add_format({"valign": "top"}),
            "decimal": workbook.add_format({"valign": "top"}),
            "int": workbook.add_format({"num_format": "0", "valign": "top"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        }
        self.long_text = workbook.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})

    def for_kind(self, kind: str) -> Format:
        return self.kind.get(kind, self.kind["text"])


def _write_value(worksheet: Worksheet, row: int, col: int, kind: str, value, styles: _Styles,
                 wrap: bool = False) -> None:
    style = styles.for_kind(kind)
    if value is None or value == "":
        worksheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        worksheet.write_string(row, col, "是" if value else "否", style)
    elif isinstance(value, Decimal):
        # The reader turns the float back into the same Decimal through its shortest repr.
        worksheet.write_number(row, col, float(value), style)
    elif isinstance(value, int | float):
        worksheet.write_number(row, col, value, style)
    elif isinstance(value, date):
        worksheet.write_datetime(row, col, value, styles.kind["date"])
    else:
        text = str(value)
        worksheet.write_string(row, col, text, styles.long_text if wrap or "\n" in text else style)


def _write_header(worksheet: Worksheet, columns: tuple[Column, ...], styles: _Styles) -> None:
    for col, column in enumerate(columns):
        worksheet.write_string(0, col, column.name, styles.required_header if column.required else styles.header)
        note = _column_note(column)
        if note:
            worksheet.write_comment(0, col, note, {"x_scale": 2, "y_scale": 1.5})
    worksheet.freeze_panes(1, 0)


def _column_note(column: Column) -> str:
    parts = ["必填" if column.required else ""]
    if column.kind == "money":
        parts.append("单位万元，最多6位小数")
    if column.help:
        parts.append(column.help)
    return "；".join(p for p in parts if p)


def _choice_validation(column: Column) -> dict:
    allowed = "、".join(column.choices)
    return {
        "validate": "list",
        "source": list(column.choices),
        "error_title": f"{column.name}：无效的值",
        "error_message": f"请从下拉列表中选择：{allowed}"[:255],
    }


# --- data sheets ---------------------------------------------------------------------------


def _write_table(worksheet: Worksheet, sheet: Sheet, rows: list[dict], styles: _Styles) -> None:
    _write_header(worksheet, sheet.columns, styles)
    last_row = max(TEMPLATE_ROWS, len(rows) + 500)
    for col, column in enumerate(sheet.columns):
        column_style = styles.long_text if _is_long_text(column) else styles.for_kind(column.kind)
        worksheet.set_column(col, col, column.width, column_style)
        if column.kind == "choice":
            worksheet.data_validation(1, col, last_row, col, _choice_validation(column))
    for index, values in enumerate(rows, start=1):
        for col, column in enumerate(sheet.columns):
            value = values.get(column.name)
            if value is not None and value != "":
                _write_value(worksheet, index, col, column.kind, value, styles, wrap=_is_long_text(column))


def _is_long_text(column: Column) -> bool:
    """Wide text columns hold paragraphs (报告文字, 内容摘要, 评分依据): wrap them."""
    return column.kind == "text" and column.width >= 50


def _write_info_sheet(worksheet: Worksheet, sheet: Sheet, values: dict, styles: _Styles) -> None:
    key_column, value_column = sheet.columns
    _write_header(worksheet, sheet.columns, styles)
    worksheet.set_column(0, 0, key_column.width)
    worksheet.set_column(1, 1, value_column.width)
    for row, key in enumerate(INFO_KEYS, start=1):
        worksheet.write_string(row, 0, key.name, styles.required_header if key.required else None)
        note = _column_note(key)
        if note:
            worksheet.write_comment(row, 0, note, {"x_scale": 2, "y_scale": 1.5})
        _write_value(worksheet, row, 1, key.kind, values.get(key.name), styles, wrap=True)
        if key.kind == "choice":
            worksheet.data_validation(row, 1, row, 1, _choice_validation(key))


def _info_values(project: ProjectInput) -> dict[str, object]:
    values: dict[str, object] = {
        "项目名称": project.name,
        "年度": project.year or None,  # 0 in the blank template the CLI fills with indicators only
        "项目类型": project.project_type,
        "主管单位": project.owner_unit,
        "责任处室": project.division,
        "所属区划": project.region_name or project.region_code,
        "指标体系模板": project.template,
        "评价开始日期": project.evaluation_start,
        "评价结束日期": project.evaluation_end,
        "报告单位": project.report_unit,
        "报告日期": project.report_date,
        "结转结余原因": project.balance_reason,
        "受益人数目标": project.beneficiary_target,
        "等级阈值": _grade_scale_text(project.grade_scale),
        "演示说明": project.demo_note,
    }
    if project.survey:
        values["问卷名称"] = project.survey.title
        preset, coefficients = _survey_coefficients(project.survey)
        values["问卷系数方案"] = preset
        for letter, value in coefficients.items():
            values[f"系数{letter}"] = value
    return values


def _survey_coefficients(survey: Survey) -> tuple[str, dict[str, Decimal]]:
    """The preset name and the coefficients to write beside it (see the 说明 sheet's rule)."""
    preset = PRESETS.get(survey.preset)
    if preset and all(survey.coefficients.get(letter) == value for letter, value in preset.items()):
        return survey.preset, {k: v for k, v in survey.coefficients.items() if k not in preset}
    # Coefficients that differ from their preset can only be written out one by one.
    return "", dict(survey.coefficients)


def _grade_scale_text(scale: GradeScale) -> str:
    return ",".join(f"{grade}{fmt_plain(lower)}" for grade, lower in scale.bands)


def _policy_rows(project):
    return [{"文件名称": p.title, "文号": p.number, "发文单位": p.issuer} for p in project.policies]


def _fund_rows(project):
    return [
        {"来源": s.kind, "预算数（万元）": s.budget, "到位数（万元）": s.arrived, "依据文号": s.document, "备注": s.note}
        for s in project.fund_sources
    ]


def _allocation_rows(project):
    return [
        {"区划": a.region_name or a.region_code, "分配金额（万元）": a.amount, "计划受益人数": a.planned_beneficiaries,
         "实际受益人数": a.actual_beneficiaries, "备注": a.note}
        for a in project.allocations
    ]


def _expenditure_rows(project):
    return [
        {"支出事项": e.item, "金额（万元）": e.amount, "支出日期": e.spent_on, "区划": e.region_name, "备注": e.note}
        for e in project.expenditures
    ]


def _target_rows(project):
    return [
        {"指标类别": t.category, "指标名称": t.name, "比较符": t.operator, "目标值": t.target, "单位": t.unit,
         "实际值": t.actual, "目标描述": t.target_text, "实际描述": t.actual_text, "偏差原因": t.deviation_reason}
        for t in project.targets
    ]


def _indicator_rows(project):
    return [
        {"编码": r.code, "上级编码": r.parent_code, "指标名称": r.name, "权重分": r.weight,
         "评分规则": RULE_LABELS.get(r.rule, r.rule), "关联数据": r.linked, "比较符": r.operator,
         "目标值": r.target, "实际值": r.actual, "每项扣分": r.per_item, "缺项数": r.missing_items,
         "定性等级": r.band, "得分": r.manual_score, "评分依据": r.evidence, "个性指标": "是" if r.individual else ""}
        for r in project.indicators
    ]


def _survey_rows(project):
    if not project.survey:
        return []
    return [
        {"题号": q.number, "题目": q.text, "权重": q.weight,
         **{f"{letter}人数": q.counts[letter] for letter in OPTION_LETTERS if letter in q.counts}}
        for q in project.survey.questions
    ]


def _interview_rows(project):
    return [
        {"访谈主题": i.topic, "访谈对象": i.interviewee, "对象类别": i.role, "访谈方式": i.method,
         "访谈日期": i.held_on, "内容摘要": i.summary}
        for i in project.interviews
    ]


def _narrative_rows(project):
    """Every paragraph key is listed, filled or not, so the template shows what can be written."""
    narrative = project.narrative if project else {}
    extra = [key for key in narrative if key not in NARRATIVE_KEYS]
    return [{"段落": key, "内容": narrative.get(key, "")} for key in (*NARRATIVE_KEYS, *extra)]


def _programme_rows(project):
    return [
        {PROGRAMME_NAME: p.name, "保障标准": p.standard, "全年救助户数": p.households, "全年救助人数": p.persons,
         "月均救助户数": p.monthly_households, "月均救助人数": p.monthly_persons, "结余原因": p.balance_reason,
         "情况说明": p.description}
        for p in project.programmes
    ]


def _programme_policy_rows(project):
    return [{PROGRAMME_NAME: p.name, "文件名称": d.title, "文号": d.number, "发文单位": d.issuer}
            for p in project.programmes for d in p.policies]


def _programme_source_rows(project):
    return [{PROGRAMME_NAME: p.name, "来源": s.kind, "到位数（万元）": s.amount, "依据文号": s.document, "备注": s.note}
            for p in project.programmes for s in p.sources]


def _programme_expenditure_rows(project):
    return [{PROGRAMME_NAME: p.name, "支出事项": e.item, "金额（万元）": e.amount, "备注": e.note}
            for p in project.programmes for e in p.expenditures]


def _group_rows(project):
    return [
        {GROUP_NAME: g.name, "项目类型": g.kind, "资金用途、使用方向": g.purpose, "预算总额（万元）": g.budget,
         "预算其中本级（万元）": g.budget_own, "支出总额（万元）": g.spent, "支出其中本级（万元）": g.spent_own,
         "调整事项": g.adjustment, "调整金额（万元）": g.adjustment_spent, "调整其中本级（万元）": g.adjustment_spent_own,
         "经费类别": g.funds_class}
        for g in project.project_groups
    ]


def _task_rows(project):
    return [{"类别": t.category, "任务": t.name, "目标数": t.target, "完成数": t.actual, "单位": t.unit, "说明": t.note}
            for t in project.livelihood_tasks]


def _only_with_project(rows_of: Callable[[ProjectInput], list[dict]]) -> Callable[[ProjectInput | None], list[dict]]:
    return lambda project: rows_of(project) if project else []


_ROWS: dict[str, Callable[[ProjectInput | None], list[dict]]] = {
    "政策依据": _only_with_project(_policy_rows),
    "资金来源": _only_with_project(_fund_rows),
    "资金分配": _only_with_project(_allocation_rows),
    "支出": _only_with_project(_expenditure_rows),
    "绩效目标": _only_with_project(_target_rows),
    "指标评分": _only_with_project(_indicator_rows),
    "满意度问卷": _only_with_project(_survey_rows),
    "访谈": _only_with_project(_interview_rows),
    "报告文字": _narrative_rows,
    SHEET_PROGRAMMES: _only_with_project(_programme_rows),
    SHEET_PROGRAMME_POLICIES: _only_with_project(_programme_policy_rows),
    SHEET_PROGRAMME_SOURCES: _only_with_project(_programme_source_rows),
    SHEET_PROGRAMME_EXPENDITURES: _only_with_project(_programme_expenditure_rows),
    SHEET_GROUPS: _only_with_project(_group_rows),
    SHEET_TASKS: _only_with_project(_task_rows),
}


# --- 说明 ----------------------------------------------------------------------------------


def _write_guide(worksheet: Worksheet, styles: _Styles, sheets: tuple[Sheet, ...] = SHEETS) -> None:
    widths = (20, 14, 8, 36, 70)
    for col, width in enumerate(widths):
        worksheet.set_column(col, col, width, styles.wrap)
    worksheet.write_string(0, 0, "项目工作簿填写说明", styles.title)
    row = 2
    for number, note in enumerate(GENERAL_NOTES, start=1):
        worksheet.merge_range(row, 0, row, len(widths) - 1, f"{number}. {note}", styles.wrap)
        worksheet.set_row(row, 15 * (1 + len(note) // 75))
        row += 1

    for sheet in sheets:
        row += 1
        needed = "必须有此表" if sheet.required else "可选，不用时可留空"
        worksheet.write_string(row, 0, f"工作表“{sheet.name}”（{needed}）", styles.section)
        row += 1
        worksheet.merge_range(row, 0, row, len(widths) - 1, sheet.help, styles.wrap)
        if sheet in PROGRAMME_SHEETS or sheet in DEPARTMENT_SHEETS:
            worksheet.set_row(row, 15 * (1 + len(sheet.help) // 60))
        row += 1
        if sheet.key_value:
            row = _write_guide_columns(worksheet, row, "项目（第1列）", sheet.keys, styles)
        else:
            row = _write_guide_columns(worksheet, row, "列名", sheet.columns, styles)

    row += 1
    worksheet.write_string(row, 0, f"工作表“{OPTIONAL_SHEET_ANSWERS}”（可选）", styles.section)
    row += 1
    worksheet.merge_range(row, 0, row, len(widths) - 1, ANSWER_SHEET_HELP, styles.wrap)
    worksheet.set_row(row, 45)
    row += 1
    answer_columns = (
        Column(ANSWER_ID_COLUMN, "text", True, help="每份答卷一个编号，不能重复"),
        Column(f"{answer_column(1)}、{answer_column(2)}……", "choice", True, tuple(OPTION_LETTERS),
               help="与“满意度问卷”表的题号对应，每题一列"),
    )
    _write_guide_columns(worksheet, row, "列名", answer_columns, styles)


def _write_guide_columns(worksheet: Worksheet, row: int, first_title: str, columns, styles: _Styles) -> int:
    for col, title in enumerate((first_title, "类型", "必填", "可选值", "说明")):
        worksheet.write_string(row, col, title, styles.header)
    row += 1
    for column in columns:
        worksheet.write_string(row, 0, column.name)
        worksheet.write_string(row, 1, KIND_LABELS.get(column.kind, column.kind))
        worksheet.write_string(row, 2, "是" if column.required else "")
        worksheet.write_string(row, 3, "、".join(column.choices))
        worksheet.write_string(row, 4, column.help)
        row += 1
    return row


__all__ = ["write_workbook"]
