"""The project as read from a workbook (or from the database): plain data, no Django.

The workbook reader builds a ``ProjectInput``; ``scoring.engine.evaluate`` turns it into
an ``EvaluationResult``; ``scoring.figures`` prints every figure once; the report, the score
sheet and summary.json all read those printed figures. Amounts are Decimal 万元.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

FUND_SOURCE_KINDS = ["中央", "省级", "市级", "县区级", "上年结转", "彩票公益金", "调指标", "其他"]
PROJECT_TYPES = ["部门专项", "对下补助", "工作经费"]
TARGET_CATEGORIES = [
    "产出-数量", "产出-质量", "产出-时效", "产出-成本",
    "效益-经济", "效益-社会", "效益-生态", "效益-可持续",
    "满意度",
]
TARGET_OPERATORS = ["≥", "≤", "=", "定性"]

# What the report calls the units funds are allocated to, by their region level (功能区 are county-level).
ALLOCATION_UNIT_LABELS = {"county": "县（市、区）", "zone": "县（市、区）", "township": "街道（乡镇）", "village": "村（社区）"}
ALLOCATION_LEVEL_CLASS = {"province": "county", "city": "county", "county": "county", "zone": "county",
                          "township": "township", "village": "village"}


@dataclass
class PolicyDocument:
    title: str
    number: str = ""
    issuer: str = ""


@dataclass
class FundSource:
    kind: str
    budget: Decimal  # 万元, the amount approved (预算数)
    arrived: Decimal  # 万元, the amount that actually arrived (到位数)
    document: str = ""
    note: str = ""


@dataclass
class Allocation:
    region_name: str
    region_code: str  # resolved code (GB/T 2260 or internal); filled by the reader
    amount: Decimal  # 万元
    planned_beneficiaries: int | None = None
    actual_beneficiaries: int | None = None
    note: str = ""
    # The level of the resolved region (county, zone, township, village), filled with region_code by the reader
    # and the database; derived from the code, so not part of what makes two allocations equal.
    region_level: str = field(default="", compare=False)


def allocation_level(allocations: list[Allocation]) -> str:
    """The one level the report names the allocation units by: township or village when every listed unit is
    one, else county (县级 units, functional zones, and allocations whose level is unknown)."""
    levels = {ALLOCATION_LEVEL_CLASS.get(a.region_level, "county") for a in allocations}
    return levels.pop() if len(levels) == 1 else "county"


def allocation_unit_label(allocations: list[Allocation]) -> str:
    """县（市、区）, 街道（乡镇） or 村（社区）: the header, chart title and sentences of the allocation table."""
    return ALLOCATION_UNIT_LABELS[allocation_level(allocations)]


@dataclass
class Expenditure:
    item: str
    amount: Decimal  # 万元
    spent_on: date | None = None
    region_name: str = ""
    note: str = ""


@dataclass
class Target:
    category: str
    name: str
    operator: str  # one of TARGET_OPERATORS
    target: Decimal | None
    unit: str = ""
    actual: Decimal | None = None
    target_text: str = ""  # for 定性 targets
    actual_text: str = ""
    deviation_reason: str = ""


# Rule names as they appear in the workbook (Chinese, user-facing) → internal keys.
RULES = {
    "比率": "ratio",  # weight × min(actual / target, 1)
    "达标": "threshold",  # full if actual meets target under the operator, else 0
    "越低越好": "lower_better",  # full within target, linear to 0 at twice the target
    "定性": "qualitative",  # 达成 / 部分达成 / 未达成 bands, score entered by hand
    "扣分": "deduction",  # weight − per_item × missing items, floored at 0
    "满意度": "survey",  # from the survey total
    "计算比率": "computed_ratio",  # 资金到位率 / 预算执行率 / 目标完成率
    "手工": "manual",
}
RULE_LABELS = {v: k for k, v in RULES.items()}
RATIO_SOURCES = ["资金到位率", "预算执行率", "目标完成率"]
QUALITATIVE_BANDS = ["达成", "部分达成", "未达成"]


@dataclass
class IndicatorRow:
    code: str
    parent_code: str
    name: str
    weight: Decimal
    rule: str = ""  # internal key from RULES; empty for non-leaf rows
    operator: str = ""
    target: Decimal | None = None
    actual: Decimal | None = None
    linked: str = ""  # a RATIO_SOURCES entry or a target name
    per_item: Decimal | None = None  # deduction rule: points per missing item
    missing_items: int | None = None
    band: str = ""  # qualitative
    manual_score: Decimal | None = None
    evidence: str = ""  # 评分依据
    individual: bool = False  # 个性指标
    row: int | None = None  # spreadsheet row, for messages


@dataclass
class SurveyQuestion:
    number: int
    text: str
    weight: Decimal
    counts: dict[str, int]  # option letter → respondents choosing it


@dataclass
class Survey:
    title: str = ""
    coefficients: dict[str, Decimal] = field(default_factory=dict)  # only the options in use
    preset: str = ""
    questions: list[SurveyQuestion] = field(default_factory=list)
    note: str = ""


@dataclass
class Interview:
    topic: str
    summary: str
    interviewee: str = ""
    role: str = ""
    method: str = ""
    held_on: date | None = None


@dataclass
class GradeScale:
    # (grade, lower bound inclusive), highest first; the last grade takes everything below.
    bands: list[tuple[str, Decimal]] = field(
        default_factory=lambda: [("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0))]
    )


@dataclass
class ProgrammeSource:
    """One source of a programme's money (中央 / 省级 / 县区级 / 上年结转 …), the amount that arrived."""

    kind: str  # one of FUND_SOURCE_KINDS
    amount: Decimal  # 万元
    document: str = ""
    note: str = ""


@dataclass
class Programme:
    """A sub-project (子项目) of a multi-programme project (seed 003: 城市低保, 临时救助, 特困供养 …).

    Its 合计 (Σ sources), spending (Σ expenditures) and 结余 (合计 − spending) are computed by
    ``scoring.figures.programme_amounts``; nothing here is a total."""

    name: str
    policies: list[PolicyDocument] = field(default_factory=list)
    sources: list[ProgrammeSource] = field(default_factory=list)
    expenditures: list[Expenditure] = field(default_factory=list)
    balance_reason: str = ""
    households: int | None = None  # 全年累计救助户数
    persons: int | None = None  # 全年累计救助人数
    monthly_households: int | None = None  # 平均月救助户数
    monthly_persons: int | None = None  # 平均月救助人数
    standard: str = ""  # 保障标准, as text: "630元/人/月"
    description: str = ""  # 情况说明: narrative paragraphs ('\n' between them), no typed totals


FUNDS_CLASSES = ["工作经费", "专项经费"]  # how a department's spending splits (seed 004: 工作经费82.8万元、专项经费1534.19万元)


@dataclass
class ProjectGroup:
    """One row of a department-level report's table of project groups (seed 004: 残疾人康复项目 …).

    预算 and 支出 each as the total and the part of it from the unit's own level (其中：区级资金); an
    adjustment (调指标) included in the spending is noted with its amounts. Totals over the groups and the
    工作经费 / 专项经费 split are computed by ``scoring.figures.department_amounts``; nothing here is a total."""

    name: str
    kind: str = "部门专项"  # 项目类型
    purpose: str = ""  # 资金用途、使用方向
    budget: Decimal = Decimal(0)  # 预算金额 总额 (万元)
    budget_own: Decimal = Decimal(0)  # 其中：本级资金
    spent: Decimal = Decimal(0)  # 支出总额
    spent_own: Decimal = Decimal(0)  # 其中：本级资金
    adjustment: str = ""  # what the spending includes, e.g. 调指标
    adjustment_spent: Decimal | None = None  # of 支出总额
    adjustment_spent_own: Decimal | None = None  # of 其中本级
    funds_class: str = ""  # 工作经费 / 专项经费; empty: 工作经费 when the name says so, else 专项经费


@dataclass
class LivelihoodTask:
    """A 民生实事 task (seed 004: 完成90户困难残疾人家庭无障碍改造, 99 done); its completion rate is computed."""

    name: str  # what is done, e.g. 困难残疾人家庭无障碍改造
    target: Decimal
    actual: Decimal
    unit: str = ""  # 户 / 人 / 个
    category: str = ""  # 省重点民生实事项目 / 市级为民办实事项目 …
    note: str = ""  # e.g. 1944个月（任务1440个月）


@dataclass
class ProjectInput:
    name: str
    year: int
    owner_unit: str
    division: str = ""
    project_type: str = "部门专项"
    region_code: str = ""
    region_name: str = ""
    template: str = ""  # indicator template key the tree was started from
    evaluation_start: date | None = None
    evaluation_end: date | None = None
    report_unit: str = ""
    report_date: date | None = None
    balance_reason: str = ""
    beneficiary_target: str = ""  # name of the target whose actual = Σ allocation beneficiaries
    demo_note: str = ""
    policies: list[PolicyDocument] = field(default_factory=list)
    fund_sources: list[FundSource] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    expenditures: list[Expenditure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    survey: Survey | None = None
    interviews: list[Interview] = field(default_factory=list)
    # Sub-projects; a project with any is reported in seed 003's outline, one section per programme.
    programmes: list[Programme] = field(default_factory=list)
    # A department-level self-evaluation (seed 004): its project groups and 民生实事 tasks; a project with
    # groups is reported in seed 004's outline.
    project_groups: list[ProjectGroup] = field(default_factory=list)
    livelihood_tasks: list[LivelihoodTask] = field(default_factory=list)
    narrative: dict[str, str] = field(default_factory=dict)
    grade_scale: GradeScale = field(default_factory=GradeScale)
