"""Read a project workbook (.xlsx) into a ``ProjectInput``, validating everything on the way.

Every problem is collected with its sheet, row, column and a reason in Chinese; if there is any,
``InputInvalid`` is raised with all of them and no project is returned. The sheets and columns
come from ``schema``; the indicator tree itself (weights, parents, rules) is checked later by
``scoring.engine.evaluate``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from python_calamine import CalamineWorkbook

from jixiao.common.cells import (
    CellError,
    choice_key,
    header_key,
    is_blank,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_money,
    to_text,
)
from jixiao.common.limits import FileRefused, InputLimits, SheetLimit, check_xlsx, current_limits
from jixiao.common.problems import InputInvalid, InputUnreadable, Problem, problems_listed_limit
from jixiao.regions.catalog import RegionEntry, resolve_region
from jixiao.scoring.inputs import (
    ALLOCATION_LEVEL_CLASS,
    ALLOCATION_UNIT_LABELS,
    RULES,
    Allocation,
    Expenditure,
    FundSource,
    GradeScale,
    IndicatorRow,
    Interview,
    LivelihoodTask,
    PolicyDocument,
    Programme,
    ProgrammeSource,
    ProjectGroup,
    ProjectInput,
    Survey,
    SurveyQuestion,
    Target,
)
from jixiao.scoring.presets import DEFAULT_PRESET, OPTION_LETTERS, PRESETS
from jixiao.scoring.survey import counts_from_answer_sheets
from jixiao.workbooks.schema import (
    ANSWER_ID_COLUMN,
    DEPARTMENT_SHEETS,
    GROUP_NAME,
    INFO_KEYS,
    NARRATIVE_KEYS,
    OPTIONAL_SHEET_ANSWERS,
    PROGRAMME_NAME,
    PROGRAMME_SHEETS,
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

RegionLookup = Callable[[str], RegionEntry | None]
TemplateLookup = Callable[[str], list[IndicatorRow]]


def workbook_sheet_limit(limits: InputLimits) -> Callable[[str], SheetLimit]:
    """Rows and columns each sheet of a project workbook may have (the 问卷答卷 sheet more rows)."""
    def limit(sheet: str) -> SheetLimit:
        rows = limits.workbook_max_answer_rows if sheet == OPTIONAL_SHEET_ANSWERS else limits.workbook_max_rows
        return SheetLimit(rows, limits.workbook_max_columns)

    return limit


YEAR_RANGE = (2000, 2100)
NUMERIC_OPERATORS = ("≥", "≤", "=")

SHEET_INFO = "项目信息"
SHEET_POLICIES = "政策依据"
SHEET_FUNDS = "资金来源"
SHEET_ALLOCATIONS = "资金分配"
SHEET_EXPENDITURES = "支出"
SHEET_TARGETS = "绩效目标"
SHEET_INDICATORS = "指标评分"
SHEET_SURVEY = "满意度问卷"
SHEET_INTERVIEWS = "访谈"
SHEET_NARRATIVE = "报告文字"
INFO_VALUE_COLUMN = "内容"
INFO_KEY_COLUMN = "项目"

UNKNOWN_REGION = "未知区划“{}”，请填写县（市、区）名称或6位区划代码"


def parse_cell(column: Column, raw):
    """A non-blank cell as the value its column holds; raises CellError."""
    if column.kind == "int":
        return parse_int(raw)
    if column.kind == "decimal":
        return parse_decimal(raw)
    if column.kind == "money":
        return parse_money(raw)
    if column.kind == "date":
        return parse_date(raw)
    if column.kind == "choice":
        return parse_choice(raw, column.choices)
    if column.kind == "bool":
        return parse_bool(raw)
    return to_text(raw)


_GRADE_PART = re.compile(r"(\D+?)(?:≥|>=)?(\d+(?:\.\d+)?)")


def parse_grade_scale(raw) -> GradeScale:
    """'优90,良80,中60,差0' → bands, highest first, thresholds strictly decreasing."""
    text = unicodedata.normalize("NFKC", to_text(raw))
    unreadable = CellError(f"无法识别等级阈值“{to_text(raw)}”，应写成：优90,良80,中60,差0")
    bands: list[tuple[str, Decimal]] = []
    for part in filter(None, re.split(r"[,、;\s]+", text)):
        match = _GRADE_PART.fullmatch(part)
        if not match:
            raise unreadable
        bands.append((match.group(1), Decimal(match.group(2))))
    if len(bands) < 2 or len({grade for grade, _ in bands}) != len(bands):
        raise unreadable
    if any(lower <= next_lower for (_, lower), (_, next_lower) in pairwise(bands)):
        raise CellError(f"等级阈值“{to_text(raw)}”须从高到低排列，且分数线各不相同")
    return GradeScale(bands)


# --- the workbook --------------------------------------------------------------------------


@dataclass
class TableRow:
    number: int  # as Excel numbers it: the header is row 1
    cells: dict[str, object]  # column name → parsed value; None when blank or invalid
    raw: dict[str, object]  # column name → the cell as read


def read_workbook(path, *, region_lookup: RegionLookup = resolve_region,
                  default_grade_scale: GradeScale | None = None,
                  template_lookup: TemplateLookup | None = None) -> ProjectInput:
    """The project in the workbook at ``path``; raises InputInvalid listing every problem found.

    ``default_grade_scale`` applies when the workbook leaves 等级阈值 blank (the web workbench and a
    stored evaluation pass the scale administrators keep in the database). ``template_lookup`` gives the
    tree of a named 指标体系模板 (raising ValueError, in Chinese, for an unknown one): the name must be one
    of them, and a workbook whose 指标评分 sheet is empty starts from that tree."""
    return _WorkbookReader(Path(path), region_lookup, default_grade_scale, template_lookup).read()


class _WorkbookReader:
    def __init__(self, path: Path, region_lookup: RegionLookup, default_grade_scale: GradeScale | None = None,
                 template_lookup: TemplateLookup | None = None):
        self.path = path
        self.region_lookup = region_lookup
        self.default_grade_scale = default_grade_scale
        self.template_lookup = template_lookup
        self.problems: list[Problem] = []
        self.listed_limit = problems_listed_limit()  # problems beyond it are only counted per sheet and column
        self.omitted: Counter = Counter()
        # Sheets whose rows could not be read (required but absent, or a required column missing): checks
        # that look across sheets skip them rather than report follow-on problems.
        self.unread: set[str] = set()

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < self.listed_limit:
            self.problems.append(Problem(sheet, row, column, message, self.path.name))
        else:
            self.omitted[(sheet, column or "")] += 1

    # -- loading --

    def open(self) -> dict[str, list[list]]:
        if not self.path.is_file():
            raise InputUnreadable([Problem("", None, None, f"找不到文件“{self.path}”", self.path.name)])
        limits = current_limits()
        try:  # sizes and sheet extents, before calamine allocates anything
            check_xlsx(self.path, max_bytes=limits.workbook_max_bytes,
                       max_uncompressed=limits.workbook_max_uncompressed_bytes,
                       sheet_limit=workbook_sheet_limit(limits), limits=limits,
                       full_scan_bytes=limits.workbook_max_uncompressed_bytes)
        except FileRefused as exc:
            raise InputUnreadable([Problem(exc.sheet, None, None, exc.reason, self.path.name)]) from None
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
            # skip_empty_area=False keeps row and column positions as Excel numbers them.
            return {
                name.strip(): workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in workbook.sheet_names
            }
        except Exception as exc:  # calamine raises several kinds of errors for unreadable files
            message = "无法读取工作簿：不是有效的 Excel 工作簿（.xlsx）或文件已损坏"
            raise InputUnreadable([Problem("", None, None, message, self.path.name)]) from exc

    def table(self, sheet: Sheet, rows: list[list] | None) -> list[TableRow]:
        if rows is None:
            if sheet.required:
                self.problem(sheet.name, None, None, f"缺少工作表“{sheet.name}”")
                self.unread.add(sheet.name)
            return []
        header = rows[0] if rows else []
        positions = self.column_positions(sheet.name, header)
        found: dict[str, int] = {}
        for column in sheet.columns:
            position = positions.get(header_key(column.name))
            if position is not None:
                found[column.name] = position
            elif column.required:
                self.problem(sheet.name, 1, column.name, f"缺少必填列“{column.name}”")
        if any(column.required and column.name not in found for column in sheet.columns):
            self.unread.add(sheet.name)
            return []
        table = []
        for number, values in enumerate(rows[1:], start=2):
            raw = {name: values[i] if i < len(values) else "" for name, i in found.items()}
            if all(is_blank(value) for value in raw.values()):
                continue
            cells = {
                column.name: self.cell(sheet.name, number, column.name, column, raw.get(column.name))
                for column in sheet.columns
            }
            table.append(TableRow(number, cells, raw))
        return table

    def column_positions(self, sheet: str, header: list) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            key = header_key(title)
            if not key:
                continue
            if key in positions:
                self.problem(sheet, 1, to_text(title), f"列“{to_text(title)}”出现了不止一次")
                continue
            positions[key] = index
        return positions

    def cell(self, sheet: str, row: int, header: str, column: Column, raw, label: str = ""):
        if is_blank(raw):
            if column.required:
                self.problem(sheet, row, header, f"“{label}”为必填项，不能为空" if label else "必填，不能为空")
            return None
        try:
            return parse_cell(column, raw)
        except CellError as exc:
            self.problem(sheet, row, header, str(exc))
            return None

    def region(self, sheet: str, row: int, header: str, text: str) -> RegionEntry | None:
        entry = self.region_lookup(text)
        if entry is None:
            self.problem(sheet, row, header, UNKNOWN_REGION.format(text))
        return entry

    def duplicates(self, sheet: str, rows: list[TableRow], column: str, what: str, key=None) -> None:
        """One problem per row repeating an earlier row's value in ``column``."""
        first_row: dict[object, int] = {}
        for row in rows:
            value = row.cells[column]
            if value is None:
                continue
            identity = key(row) if key else value
            if identity is None:
                continue
            if identity in first_row:
                self.problem(sheet, row.number, column, f"{what}“{value}”与第{first_row[identity]}行重复")
            else:
                first_row[identity] = row.number

    # -- the whole workbook --

    def read(self) -> ProjectInput:
        book = self.open()
        tables = {sheet.name: self.table(sheet, book.get(sheet.name)) for sheet in (*SHEETS, *PROGRAMME_SHEETS, *DEPARTMENT_SHEETS)}
        info = self.read_info(tables[SHEET_INFO])

        def text(row: TableRow, column: str) -> str:
            return row.cells[column] or ""

        policies = [
            # The titles are printed inside 《》 by the report; people often type them too.
            PolicyDocument(text(r, "文件名称").strip("《》 "), text(r, "文号"), text(r, "发文单位"))
            for r in tables[SHEET_POLICIES]
        ]
        fund_sources = [
            FundSource(r.cells["来源"], r.cells["预算数（万元）"], r.cells["到位数（万元）"],
                       text(r, "依据文号"), text(r, "备注"))
            for r in tables[SHEET_FUNDS]
        ]
        allocations = self.read_allocations(tables[SHEET_ALLOCATIONS], info.region,
                                             owner_typed=bool(info.text("所属区划")))
        expenditures = self.read_expenditures(tables[SHEET_EXPENDITURES])
        targets = self.read_targets(tables[SHEET_TARGETS])
        indicators = self.read_indicators(tables[SHEET_INDICATORS])
        template = info.text("指标体系模板")
        if template and self.template_lookup is not None:
            try:
                template_rows = self.template_lookup(template)
            except ValueError as exc:
                self.problem(SHEET_INFO, info.row("指标体系模板"), INFO_VALUE_COLUMN, str(exc))
            else:
                if not indicators and SHEET_INDICATORS not in self.unread:
                    indicators = template_rows  # the engine then lists every leaf still to be scored
        survey = self.read_survey(tables[SHEET_SURVEY], book.get(OPTIONAL_SHEET_ANSWERS), info)
        interviews = [
            Interview(topic=text(r, "访谈主题"), summary=text(r, "内容摘要"), interviewee=text(r, "访谈对象"),
                      role=text(r, "对象类别"), method=text(r, "访谈方式"), held_on=r.cells["访谈日期"])
            for r in tables[SHEET_INTERVIEWS]
        ]
        narrative = self.read_narrative(tables[SHEET_NARRATIVE])
        programmes = self.read_programmes(tables)
        groups, tasks = self.read_groups(tables[SHEET_GROUPS]), self.read_tasks(tables[SHEET_TASKS])
        if tasks and not groups and SHEET_GROUPS not in self.unread:  # 民生实事 is reported within the department shape
            self.problem(SHEET_TASKS, None, None, f"填了“{SHEET_TASKS}”表时，请同时在“{SHEET_GROUPS}”表填写单位的项目")
        if programmes:  # the project's money is its programmes': one place to type each amount
            for sheet, name in ((SHEET_FUNDS, "资金来源"), (SHEET_EXPENDITURES, "支出")):
                for r in tables[sheet]:
                    self.problem(sheet, r.number, None,
                                 f"填了“{SHEET_PROGRAMMES}”表时，{name}请按子项目填在“子项目{name}”表，本表留空")

        beneficiary_target = info.text("受益人数目标")
        if beneficiary_target and SHEET_TARGETS not in self.unread:
            if beneficiary_target not in {t.name for t in targets}:
                self.problem(SHEET_INFO, info.row("受益人数目标"), INFO_VALUE_COLUMN,
                             f"“绩效目标”表中没有名为“{beneficiary_target}”的目标")
        start, end = info.value("评价开始日期"), info.value("评价结束日期")
        if start and end and end < start:
            self.problem(SHEET_INFO, info.row("评价结束日期"), INFO_VALUE_COLUMN, "评价结束日期早于评价开始日期")
        reported = info.value("报告日期")
        if reported and end and reported < end:
            self.problem(SHEET_INFO, info.row("报告日期"), INFO_VALUE_COLUMN,
                         f"报告日期（{reported:%Y年%-m月%-d日}）早于评价结束日期（{end:%Y年%-m月%-d日}）：报告应在评价结束后出具")

        if self.problems:
            raise InputInvalid(self.problems, self.omitted, limit=self.listed_limit)
        region = info.region
        return ProjectInput(
            name=info.text("项目名称"),
            year=info.value("年度"),
            owner_unit=info.text("主管单位"),
            division=info.text("责任处室"),
            project_type=info.value("项目类型"),
            region_code=region.code if region else "",
            region_name=info.region_name,
            template=template,
            evaluation_start=start,
            evaluation_end=end,
            report_unit=info.text("报告单位"),
            report_date=info.value("报告日期"),
            balance_reason=info.text("结转结余原因"),
            beneficiary_target=beneficiary_target,
            demo_note=info.text("演示说明"),
            policies=policies,
            fund_sources=fund_sources,
            allocations=allocations,
            expenditures=expenditures,
            targets=targets,
            indicators=indicators,
            survey=survey,
            interviews=interviews,
            programmes=programmes,
            project_groups=groups,
            livelihood_tasks=tasks,
            narrative=narrative,
            grade_scale=info.value("等级阈值") or self.default_grade_scale or GradeScale(),
        )

    # -- 项目信息 --

    def read_info(self, rows: list[TableRow]) -> _Info:
        keys = {header_key(spec.name): spec for spec in INFO_KEYS}
        info = _Info()
        for row in rows:
            typed = row.cells[INFO_KEY_COLUMN]
            if typed is None:
                continue
            spec = keys.get(header_key(typed.rstrip("：:")))
            if spec is None:
                self.problem(SHEET_INFO, row.number, INFO_KEY_COLUMN, f"未知的项目“{typed}”，可填写的项目见“说明”表")
                continue
            if spec.name in info.rows:
                self.problem(SHEET_INFO, row.number, INFO_KEY_COLUMN,
                             f"项目“{spec.name}”与第{info.rows[spec.name]}行重复")
                continue
            info.rows[spec.name] = row.number
            raw = row.raw.get(INFO_VALUE_COLUMN)
            if spec.name == "等级阈值" and not is_blank(raw):
                try:
                    info.values[spec.name] = parse_grade_scale(raw)
                except CellError as exc:
                    self.problem(SHEET_INFO, row.number, INFO_VALUE_COLUMN, str(exc))
                continue
            info.values[spec.name] = self.cell(SHEET_INFO, row.number, INFO_VALUE_COLUMN, spec, raw, spec.name)
        if SHEET_INFO not in self.unread:
            for spec in INFO_KEYS:
                if spec.required and spec.name not in info.rows:
                    self.problem(SHEET_INFO, None, INFO_KEY_COLUMN, f"缺少必填项目“{spec.name}”")

        year = info.value("年度")
        if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            self.problem(SHEET_INFO, info.row("年度"), INFO_VALUE_COLUMN,
                         f"年度应为{YEAR_RANGE[0]}至{YEAR_RANGE[1]}之间的年份，实际为“{year}”")
        if region_text := info.text("所属区划"):
            info.region = self.region(SHEET_INFO, info.row("所属区划"), INFO_VALUE_COLUMN, region_text)
            info.region_name = _region_name(region_text, info.region)
        return info

    # -- tables --

    def read_allocations(self, rows: list[TableRow], owner: RegionEntry | None, *,
                         owner_typed: bool = False) -> list[Allocation]:
        """A row's township or village must lie within the project's 所属区划 ``owner`` (a county project: its
        townships or villages; a city project: townships of its counties; county-level units as before), and all
        rows at one level, so the report can name them (县（市、区） / 街道（乡镇） / 村（社区）) and nothing is counted
        twice (a county and its own township). An unknown 所属区划 is its own problem: rows are then not
        checked against it."""
        allocations, codes = [], {}
        first: tuple[int, str] | None = None  # the first accepted row and its level
        for r in rows:
            typed = r.cells["区划"]
            entry = self.region(SHEET_ALLOCATIONS, r.number, "区划", typed) if typed else None
            if entry is not None and (why := _allocation_refused(typed, entry, owner, owner_typed)):
                self.problem(SHEET_ALLOCATIONS, r.number, "区划", why)
                entry = None
            if entry is not None:
                level = ALLOCATION_LEVEL_CLASS.get(entry.level, "county")
                if first is None:
                    first = (r.number, level)
                elif level != first[1]:
                    self.problem(SHEET_ALLOCATIONS, r.number, "区划",
                                 f"“{typed}”是{ALLOCATION_UNIT_LABELS[level]}，第{first[0]}行是"
                                 f"{ALLOCATION_UNIT_LABELS[first[1]]}：资金分配表各行须为同一层级的区划")
                    entry = None
            codes[r.number] = entry.code if entry else None
            allocations.append(Allocation(
                region_name=_region_name(typed or "", entry), region_code=codes[r.number] or "",
                amount=r.cells["分配金额（万元）"], planned_beneficiaries=r.cells["计划受益人数"],
                actual_beneficiaries=r.cells["实际受益人数"], note=r.cells["备注"] or "",
                region_level=entry.level if entry else "",
            ))
        # Two spellings of one county (晋宁县 / 晋宁区 / 530115) are still the same county.
        self.duplicates(SHEET_ALLOCATIONS, rows, "区划", "区划", key=lambda r: codes[r.number])
        return allocations

    def read_programmes(self, tables: dict[str, list[TableRow]]) -> list[Programme]:
        """子项目 rows in order, each with the documents, sources and spending rows that name it."""
        self.duplicates(SHEET_PROGRAMMES, tables[SHEET_PROGRAMMES], PROGRAMME_NAME, "子项目名称")
        programmes: dict[str, Programme] = {}
        for r in tables[SHEET_PROGRAMMES]:
            name = r.cells[PROGRAMME_NAME]
            if name is None or name in programmes:
                continue
            programmes[name] = Programme(
                name=name, standard=r.cells["保障标准"] or "", households=r.cells["全年救助户数"],
                persons=r.cells["全年救助人数"], monthly_households=r.cells["月均救助户数"],
                monthly_persons=r.cells["月均救助人数"], balance_reason=r.cells["结余原因"] or "",
                description=r.cells["情况说明"] or "",
            )

        def owner(sheet: str, r: TableRow) -> Programme | None:
            name = r.cells[PROGRAMME_NAME]
            if name is None:
                return None
            if name not in programmes:
                self.problem(sheet, r.number, PROGRAMME_NAME, f"“{SHEET_PROGRAMMES}”表中没有名为“{name}”的子项目")
                return None
            return programmes[name]

        for r in tables[SHEET_PROGRAMME_POLICIES]:
            if (p := owner(SHEET_PROGRAMME_POLICIES, r)) and r.cells["文件名称"]:
                p.policies.append(PolicyDocument(r.cells["文件名称"].strip("《》 "), r.cells["文号"] or "",
                                                 r.cells["发文单位"] or ""))
        for r in tables[SHEET_PROGRAMME_SOURCES]:
            if (p := owner(SHEET_PROGRAMME_SOURCES, r)) and r.cells["来源"] and r.cells["到位数（万元）"] is not None:
                p.sources.append(ProgrammeSource(r.cells["来源"], r.cells["到位数（万元）"], r.cells["依据文号"] or "",
                                                 r.cells["备注"] or ""))
        for r in tables[SHEET_PROGRAMME_EXPENDITURES]:
            if (p := owner(SHEET_PROGRAMME_EXPENDITURES, r)) and r.cells["金额（万元）"] is not None:
                p.expenditures.append(Expenditure(item=r.cells["支出事项"] or "", amount=r.cells["金额（万元）"],
                                                  note=r.cells["备注"] or ""))
        return list(programmes.values())

    def read_groups(self, rows: list[TableRow]) -> list[ProjectGroup]:
        """部门项目 rows in order (a department-level self-evaluation, seed 004); totals are never read."""
        self.duplicates(SHEET_GROUPS, rows, GROUP_NAME, "项目名称")
        groups = []
        zero = Decimal(0)
        for r in rows:
            c = r.cells
            if c[GROUP_NAME] is None or c["预算总额（万元）"] is None or c["支出总额（万元）"] is None:
                continue
            for part, whole in (("预算其中本级（万元）", "预算总额（万元）"), ("支出其中本级（万元）", "支出总额（万元）"),
                                ("调整金额（万元）", "支出总额（万元）"), ("调整其中本级（万元）", "支出其中本级（万元）")):
                if c[part] is not None and c[part] > (c[whole] or zero):
                    self.problem(SHEET_GROUPS, r.number, part, f"“{part}”不能大于“{whole}”")
            if (c["调整金额（万元）"] is not None or c["调整其中本级（万元）"] is not None) and not c["调整事项"]:
                self.problem(SHEET_GROUPS, r.number, "调整事项", "填了调整金额时请写明调整事项，如：调指标")
            groups.append(ProjectGroup(
                name=c[GROUP_NAME], kind=c["项目类型"] or "部门专项", purpose=c["资金用途、使用方向"] or "",
                budget=c["预算总额（万元）"], budget_own=c["预算其中本级（万元）"] or zero,
                spent=c["支出总额（万元）"], spent_own=c["支出其中本级（万元）"] or zero,
                adjustment=c["调整事项"] or "", adjustment_spent=c["调整金额（万元）"],
                adjustment_spent_own=c["调整其中本级（万元）"], funds_class=c["经费类别"] or "",
            ))
        return groups

    def read_tasks(self, rows: list[TableRow]) -> list[LivelihoodTask]:
        tasks = []
        for r in rows:
            c = r.cells
            if c["任务"] is None or c["目标数"] is None or c["完成数"] is None:
                continue
            if c["目标数"] <= 0:
                self.problem(SHEET_TASKS, r.number, "目标数", "目标数须大于0（完成率 = 完成数 ÷ 目标数）")
                continue
            if c["完成数"] < 0:
                self.problem(SHEET_TASKS, r.number, "完成数", "完成数不能为负数")
                continue
            tasks.append(LivelihoodTask(name=c["任务"], target=c["目标数"], actual=c["完成数"], unit=c["单位"] or "",
                                        category=c["类别"] or "", note=c["说明"] or ""))
        return tasks

    def read_expenditures(self, rows: list[TableRow]) -> list[Expenditure]:
        expenditures = []
        for r in rows:
            region_text = r.cells["区划"] or ""
            if region_text:
                self.region(SHEET_EXPENDITURES, r.number, "区划", region_text)
            expenditures.append(Expenditure(
                item=r.cells["支出事项"] or "", amount=r.cells["金额（万元）"], spent_on=r.cells["支出日期"],
                region_name=region_text, note=r.cells["备注"] or "",
            ))
        return expenditures

    def read_targets(self, rows: list[TableRow]) -> list[Target]:
        self.duplicates(SHEET_TARGETS, rows, "指标名称", "目标名称")
        targets = []
        for r in rows:
            operator = r.cells["比较符"]
            if operator in NUMERIC_OPERATORS and r.cells["目标值"] is None and is_blank(r.raw.get("目标值")):
                self.problem(SHEET_TARGETS, r.number, "目标值", f"比较符为“{operator}”时须填写目标值")
            targets.append(Target(
                category=r.cells["指标类别"], name=r.cells["指标名称"] or "", operator=operator,
                target=r.cells["目标值"], unit=r.cells["单位"] or "", actual=r.cells["实际值"],
                target_text=r.cells["目标描述"] or "", actual_text=r.cells["实际描述"] or "",
                deviation_reason=r.cells["偏差原因"] or "",
            ))
        return targets

    def read_indicators(self, rows: list[TableRow]) -> list[IndicatorRow]:
        self.duplicates(SHEET_INDICATORS, rows, "编码", "指标编码")
        return [
            IndicatorRow(
                code=r.cells["编码"] or "", parent_code=r.cells["上级编码"] or "", name=r.cells["指标名称"] or "",
                weight=r.cells["权重分"], rule=RULES.get(r.cells["评分规则"] or "", ""),
                operator=r.cells["比较符"] or "", target=r.cells["目标值"], actual=r.cells["实际值"],
                linked=r.cells["关联数据"] or "", per_item=r.cells["每项扣分"], missing_items=r.cells["缺项数"],
                band=r.cells["定性等级"] or "", manual_score=r.cells["得分"], evidence=r.cells["评分依据"] or "",
                individual=r.cells["个性指标"] == "是", row=r.number,
            )
            for r in rows
        ]

    def read_narrative(self, rows: list[TableRow]) -> dict[str, str]:
        narrative: dict[str, str] = {}
        first_row: dict[str, int] = {}
        for r in rows:
            key = r.cells["段落"]
            if key is None:
                continue
            if key not in NARRATIVE_KEYS:
                self.problem(SHEET_NARRATIVE, r.number, "段落", f"未知的段落“{key}”，可填写的段落见“说明”表")
            elif key in first_row:
                self.problem(SHEET_NARRATIVE, r.number, "段落", f"段落“{key}”与第{first_row[key]}行重复")
            else:
                first_row[key] = r.number
                if r.cells["内容"]:
                    narrative[key] = r.cells["内容"]
        return narrative

    # -- 满意度问卷 and 问卷答卷 --

    def read_survey(self, rows: list[TableRow], answer_rows: list[list] | None, info: _Info) -> Survey | None:
        self.duplicates(SHEET_SURVEY, rows, "题号", "题号")
        for r in rows:
            if r.cells["题号"] == 0:
                self.problem(SHEET_SURVEY, r.number, "题号", "题号应从1开始")
            if r.cells["权重"] is not None and r.cells["权重"] < 0:
                self.problem(SHEET_SURVEY, r.number, "权重", "权重不能为负数")
        coefficients, preset = self.read_coefficients(info)
        if not rows:
            if _has_data(answer_rows) and SHEET_SURVEY not in self.unread:
                self.problem(OPTIONAL_SHEET_ANSWERS, None, None, "“问卷答卷”表有答卷，但“满意度问卷”表没有题目")
            return None
        numbers = [r.cells["题号"] for r in rows if r.cells["题号"] is not None]
        answers = self.read_answer_sheets(answer_rows, numbers)

        tallies = counts_from_answer_sheets(answers, sorted(set(numbers))) if answers else None
        questions = []
        for r in rows:
            number = r.cells["题号"]
            typed = {letter: r.cells[f"{letter}人数"] for letter in OPTION_LETTERS
                     if r.cells[f"{letter}人数"] is not None}
            typed_any = any(not is_blank(r.raw.get(f"{letter}人数")) for letter in OPTION_LETTERS)
            if tallies is not None and number in tallies:
                counts = {letter: n for letter, n in tallies[number].items() if n}
                if typed_any:
                    self.compare_counts(r.number, number, typed, counts)
            else:
                counts = typed
                if not typed_any:
                    self.problem(SHEET_SURVEY, r.number, "A人数",
                                 "未填写各选项人数（也可在“问卷答卷”表逐份录入答卷，由系统汇总）")
            if coefficients is not None:
                for letter, count in counts.items():
                    if count and letter not in coefficients:
                        self.problem(SHEET_SURVEY, r.number, f"{letter}人数",
                                     f"第{number}题有{count}人选择{letter}，但没有设置{letter}选项的系数，"
                                     f"请在“项目信息”表填写“系数{letter}”")
            questions.append(SurveyQuestion(number, r.cells["题目"] or "", r.cells["权重"], counts))
        return Survey(title=info.text("问卷名称"), coefficients=coefficients or {}, preset=preset, questions=questions)

    def read_coefficients(self, info: _Info) -> tuple[dict[str, Decimal] | None, str]:
        """Option coefficients and the preset they come from; None when they are in error.

        A preset fixes its own options (A–C for 昆明三档); only D and E may be given beside it,
        since no preset defines them. Without a preset every coefficient is typed; with neither,
        the default preset applies.
        """
        explicit: dict[str, Decimal] = {}
        valid = True
        for letter in OPTION_LETTERS:
            value = info.value(f"系数{letter}")
            if value is None:
                continue
            if not 0 <= value <= 1:
                self.problem(SHEET_INFO, info.row(f"系数{letter}"), INFO_VALUE_COLUMN, f"系数{letter}应在0到1之间")
                valid = False
            explicit[letter] = value
        preset = info.text("问卷系数方案")
        if not preset:
            if explicit:
                return (explicit if valid else None), ""
            return dict(PRESETS[DEFAULT_PRESET]), DEFAULT_PRESET
        if preset not in PRESETS:
            self.problem(SHEET_INFO, info.row("问卷系数方案"), INFO_VALUE_COLUMN,
                         f"未知的问卷系数方案“{preset}”，可选：{'、'.join(PRESETS)}；或留空后逐项填写系数")
            return None, preset
        coefficients = dict(PRESETS[preset])
        for letter, value in explicit.items():
            if letter in ("D", "E"):
                coefficients[letter] = value
            else:
                self.problem(SHEET_INFO, info.row(f"系数{letter}"), INFO_VALUE_COLUMN,
                             f"已选择问卷系数方案“{preset}”，系数{letter}由方案确定，不能另填；"
                             f"如需自定义，请清空“问卷系数方案”后逐项填写系数")
                valid = False
        return (coefficients if valid else None), preset

    def read_answer_sheets(self, rows: list[list] | None, numbers: list[int]) -> list[dict[int, str]]:
        """Individual answer sheets as {question number: letter}; [] when the sheet is absent or empty."""
        sheet = OPTIONAL_SHEET_ANSWERS
        if not _has_data(rows):
            return []
        positions = self.column_positions(sheet, rows[0])
        id_position = positions.get(header_key(ANSWER_ID_COLUMN))
        if id_position is None:
            self.problem(sheet, 1, ANSWER_ID_COLUMN, f"缺少必填列“{ANSWER_ID_COLUMN}”")
        question_positions: dict[int, int] = {}
        for key, position in positions.items():
            match = re.fullmatch(r"第(\d+)题", key)
            if not match:
                continue  # extra columns (备注 …) are ignored as elsewhere
            number = int(match.group(1))
            if number not in numbers:
                self.problem(sheet, 1, to_text(rows[0][position]), f"“满意度问卷”表中没有第{number}题")
            else:
                question_positions[number] = position
        for number in numbers:
            if number not in question_positions:
                self.problem(sheet, 1, answer_column(number),
                             f"缺少“{answer_column(number)}”列（“满意度问卷”表有第{number}题）")

        answers, first_row = [], {}
        used = [position for position in (id_position, *question_positions.values()) if position is not None]
        for row_number, values in enumerate(rows[1:], start=2):
            def at(position, values=values):
                return values[position] if position < len(values) else ""

            if all(is_blank(at(p)) for p in used):
                continue
            if id_position is not None:
                sheet_id = at(id_position)
                if is_blank(sheet_id):
                    self.problem(sheet, row_number, ANSWER_ID_COLUMN, "必填，不能为空")
                elif to_text(sheet_id) in first_row:
                    self.problem(sheet, row_number, ANSWER_ID_COLUMN,
                                 f"答卷编号“{to_text(sheet_id)}”与第{first_row[to_text(sheet_id)]}行重复")
                else:
                    first_row[to_text(sheet_id)] = row_number
            answer = {}
            for number, position in sorted(question_positions.items()):
                column = answer_column(number)
                letter = choice_key(to_text(at(position))).upper()
                if not letter:
                    self.problem(sheet, row_number, column, f"第{number}题未作答（每份答卷须回答全部题目）")
                elif letter not in OPTION_LETTERS:
                    self.problem(sheet, row_number, column,
                                 f"答案应为 A–E 中的一个字母，实际为“{to_text(at(position))}”")
                else:
                    answer[number] = letter
            answers.append(answer)
        return answers

    def compare_counts(self, row: int, number: int, typed: dict[str, int], tallied: dict[str, int]) -> None:
        different = [letter for letter in OPTION_LETTERS if typed.get(letter, 0) != tallied.get(letter, 0)]
        if not different:
            return

        def listing(counts):
            return "、".join(f"{letter} {counts.get(letter, 0)}" for letter in OPTION_LETTERS if counts.get(letter))

        self.problem(SHEET_SURVEY, row, f"{different[0]}人数",
                     f"第{number}题各选项人数（{listing(typed) or '无'}）与“问卷答卷”表汇总"
                     f"（{listing(tallied) or '无'}）不一致")


def _has_data(rows: list[list] | None) -> bool:
    """Whether a sheet has anything below its header row."""
    return bool(rows) and any(not is_blank(value) for row in rows[1:] for value in row)


def _allocation_refused(typed: str, entry: RegionEntry, owner: RegionEntry | None, owner_typed: bool) -> str:
    """Why funds cannot be allocated to ``entry`` in a project of region ``owner`` ("" if they can). Both may be
    catalog entries or Region rows: each has a level, a code and the path of codes from the root.

    A 街道（乡镇） or 村（社区） must lie within the project's 所属区划. A county-level unit is accepted wherever it is,
    as before townships could be listed: workbooks of county projects that list neighbouring counties still read."""
    if entry.level not in ("township", "village"):
        return ""
    if owner is None:
        if owner_typed:  # an unknown 所属区划 is reported on its own row
            return ""
        return (f"“{typed}”是乡镇/街道或村/社区（{entry.name}）：分配到街道（乡镇）或村（社区）时，"
                "请在“项目信息”表填写项目的所属区划（如宜良县）")
    if entry.path.startswith(owner.path):
        return ""
    return (f"“{typed}”（{entry.name}）不在项目所属区划“{owner.name}”内：资金分配的街道（乡镇）、村（社区）"
            f"须是{owner.name}所辖的")


def _region_name(typed: str, entry: RegionEntry | None) -> str:
    """The region as typed; a bare code (530125) is replaced by the name reports should print."""
    # Codes are ASCII (530125, KM-YZH); names never are. Works for catalog entries and Region rows alike.
    if entry is not None and typed.isascii():
        return entry.name
    return typed


class _Info:
    """项目信息 values by key, with the row each was found on."""

    def __init__(self):
        self.values: dict[str, object] = {}
        self.rows: dict[str, int] = {}
        self.region: RegionEntry | None = None
        self.region_name = ""

    def value(self, key: str):
        return self.values.get(key)

    def text(self, key: str) -> str:
        return self.values.get(key) or ""

    def row(self, key: str) -> int | None:
        return self.rows.get(key)


__all__ = ["read_workbook", "parse_cell", "parse_grade_scale", "CellError"]
