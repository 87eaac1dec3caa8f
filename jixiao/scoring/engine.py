"""From a ProjectInput to every computed figure: funds, targets, survey, indicator scores, grade.

Pure Python, no Django and no I/O, so the same computation serves the workbook path, the web
workbench and the tests. Problems are collected (not raised one by one) and raised together
as ``InputInvalid`` so the user sees all of them at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from jixiao.common.numbers import round_half_up, to_fraction
from jixiao.common.problems import InputInvalid, Problem
from jixiao.scoring import rules
from jixiao.scoring.inputs import (
    RULE_LABELS,
    FundSource,
    GradeScale,
    IndicatorRow,
    ProjectInput,
    Survey,
    Target,
)
from jixiao.scoring.survey import SurveyError, SurveyResult, score_survey

SHEET_INDICATORS = "指标评分"
SHEET_TARGETS = "绩效目标"
SHEET_SURVEY = "满意度问卷"
SHEET_INFO = "项目信息"
SCORE_PLACES = 2  # a leaf's recorded score is kept to 0.01, as on the paper score sheets


@dataclass
class FundsResult:
    budget: Decimal
    arrived: Decimal
    spent: Decimal
    balance: Decimal
    arrival_rate: Fraction | None
    execution_rate: Fraction | None
    by_kind: list[tuple[str, Decimal, Decimal]]
    allocation_total: Decimal
    beneficiaries_actual: int | None
    beneficiaries_planned: int | None
    beneficiaries_rate: Fraction | None


@dataclass
class TargetResult:
    target: Target
    actual: Decimal | None
    completion: Fraction | None  # actual / target for ≥ and = targets
    met: bool | None


@dataclass
class Node:
    code: str
    name: str
    weight: Decimal
    level: int
    row: IndicatorRow
    children: list[Node] = field(default_factory=list)
    score: Decimal = Decimal(0)
    exact: Fraction | None = None  # leaves only: before recording to 0.01
    basis: str = ""  # leaves only: evidence + how the rule reached the score

    @property
    def deduction(self) -> Decimal:
        return self.weight - self.score

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.score) / Fraction(self.weight) if self.weight else None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class EvaluationResult:
    project: ProjectInput
    funds: FundsResult
    targets: list[TargetResult]
    survey: SurveyResult | None
    level1: list[Node]
    total: Decimal
    full_marks: Decimal
    grade: str
    level_counts: dict[int, int]
    individual_count: int

    def nodes(self):
        for node in self.level1:
            yield from node.walk()

    def leaves(self):
        return [n for n in self.nodes() if n.is_leaf]


def grade_for(score, scale: GradeScale) -> str:
    value = to_fraction(score)
    for grade, lower in scale.bands:
        if value >= to_fraction(lower):
            return grade
    return scale.bands[-1][0]


def _all_fund_sources(project: ProjectInput) -> list[FundSource]:
    """The project's own sources, then its programmes' (a programme's source arrived as budgeted)."""
    return [*project.fund_sources, *(FundSource(s.kind, s.amount, s.amount, s.document, s.note)
                                     for p in project.programmes for s in p.sources)]


def compute_funds(project: ProjectInput, beneficiary_target: Target | None) -> FundsResult:
    """The project's money; with programmes, their sources and spending count as the project's."""
    sources = _all_fund_sources(project)
    expenditures = [*project.expenditures, *(e for p in project.programmes for e in p.expenditures)]
    budget = sum((s.budget for s in sources), Decimal(0))
    arrived = sum((s.arrived for s in sources), Decimal(0))
    spent = sum((e.amount for e in expenditures), Decimal(0))
    kinds: dict[str, list[Decimal]] = {}
    for s in sources:
        pair = kinds.setdefault(s.kind, [Decimal(0), Decimal(0)])
        pair[0] += s.budget
        pair[1] += s.arrived
    actual_list = [a.actual_beneficiaries for a in project.allocations]
    actual = sum(actual_list) if actual_list and all(v is not None for v in actual_list) else None
    planned_list = [a.planned_beneficiaries for a in project.allocations]
    if planned_list and all(v is not None for v in planned_list):
        planned = sum(planned_list)
    elif beneficiary_target is not None and beneficiary_target.target is not None:
        planned = int(beneficiary_target.target)
    else:
        planned = None
    return FundsResult(
        budget=budget,
        arrived=arrived,
        spent=spent,
        balance=arrived - spent,
        arrival_rate=Fraction(arrived) / Fraction(budget) if budget else None,
        execution_rate=Fraction(spent) / Fraction(budget) if budget else None,
        by_kind=[(k, v[0], v[1]) for k, v in kinds.items()],
        allocation_total=sum((a.amount for a in project.allocations), Decimal(0)),
        beneficiaries_actual=actual,
        beneficiaries_planned=planned,
        beneficiaries_rate=Fraction(actual, planned) if actual is not None and planned else None,
    )


def compute_target(target: Target, derived_actual: Decimal | None = None) -> TargetResult:
    """``derived_actual`` is the actual the data implies (allocation beneficiaries, survey score);
    it is used when the workbook leaves the actual blank."""
    actual_value = target.actual if target.actual is not None else derived_actual
    if target.operator == "定性" or actual_value is None or target.target is None:
        return TargetResult(target, actual_value, None, None)
    actual, goal = to_fraction(actual_value), to_fraction(target.target)
    met = rules.meets(actual, target.operator, goal)
    completion = actual / goal if target.operator in ("≥", "=") and goal else None
    return TargetResult(target, actual_value, completion, met)


def _build_tree(rows: list[IndicatorRow], problems: list[Problem]) -> list[Node]:
    by_code: dict[str, IndicatorRow] = {}
    for r in rows:
        if r.code in by_code:
            problems.append(Problem(SHEET_INDICATORS, r.row, "编码", f"指标编码“{r.code}”重复"))
            continue
        by_code[r.code] = r
    children: dict[str, list[IndicatorRow]] = defaultdict(list)
    roots: list[IndicatorRow] = []
    for r in by_code.values():
        if not r.parent_code:
            roots.append(r)
        elif r.parent_code not in by_code:
            problems.append(Problem(SHEET_INDICATORS, r.row, "上级编码", f"上级编码“{r.parent_code}”不存在"))
        else:
            children[r.parent_code].append(r)

    def build(row: IndicatorRow, level: int, seen: set[str]) -> Node:
        node = Node(row.code, row.name, row.weight, level, row)
        for child in children.get(row.code, []):
            if child.code in seen:
                problems.append(Problem(SHEET_INDICATORS, child.row, "上级编码", "指标的上下级关系形成了循环"))
                continue
            node.children.append(build(child, level + 1, seen | {child.code}))
        return node

    tree = [build(r, 1, {r.code}) for r in roots]
    reached = {n.code for root in tree for n in root.walk()}
    for r in by_code.values():
        if r.code not in reached and r.parent_code in by_code:
            problems.append(Problem(SHEET_INDICATORS, r.row, "上级编码", "指标的上下级关系形成了循环"))
    return tree


def _check_weights(tree: list[Node], problems: list[Problem]) -> None:
    total = sum((n.weight for n in tree), Decimal(0))
    if tree and total != 100:
        problems.append(Problem(SHEET_INDICATORS, None, "权重分", f"一级指标权重分合计为{total.normalize():f}，应为100"))
    for root in tree:
        for node in root.walk():
            if node.weight < 0:
                problems.append(Problem(SHEET_INDICATORS, node.row.row, "权重分", "权重分不能为负数"))
            if node.children:
                s = sum((c.weight for c in node.children), Decimal(0))
                if s != node.weight:
                    problems.append(Problem(
                        SHEET_INDICATORS, node.row.row, "权重分",
                        f"“{node.code} {node.name}”的下级指标权重分合计为{s.normalize():f}，"
                        f"与其权重分{node.weight.normalize():f}不一致",
                    ))
                if node.row.rule:
                    problems.append(Problem(
                        SHEET_INDICATORS, node.row.row, "评分规则", "有下级指标的指标不设评分规则，得分由下级汇总"
                    ))
            elif not node.row.rule:
                problems.append(Problem(SHEET_INDICATORS, node.row.row, "评分规则", "末级指标必须选择评分规则"))


def _check_survey_weights(survey: Survey, problems: list[Problem]) -> None:
    """Each question's weight is its full marks and the total is read as a score out of 100 (the 满意度
    leaf and the satisfaction target compare it with a % target), so the weights must add up to 100."""
    weights = [q.weight for q in survey.questions if q.weight is not None]
    total = sum(weights, Decimal(0))
    if weights and total != 100:
        problems.append(Problem(SHEET_SURVEY, None, "权重",
                                f"各题权重合计为{total.normalize():f}，应为100（满意度得分按百分制计）"))


def _linked_rate(row: IndicatorRow, funds: FundsResult, targets: dict[str, TargetResult]):
    if row.linked == "资金到位率":
        return "资金到位率", funds.arrival_rate
    if row.linked == "预算执行率":
        return "预算执行率", funds.execution_rate
    name = row.linked.removeprefix("目标完成率:").removeprefix("目标完成率：")
    if name in targets:
        tr = targets[name]
        if tr.target.operator == "≤":
            raise rules.RuleError(f"目标“{name}”是“≤”类目标，请改用“越低越好”规则", "关联数据")
        return f"“{name}”完成率", tr.completion
    raise rules.RuleError(
        f"关联数据“{row.linked}”既不是资金到位率、预算执行率，也不是“绩效目标”表中的目标名称", "关联数据"
    )


def _target_values(row: IndicatorRow, targets: dict[str, TargetResult]):
    """Leaf target/actual: the row's own, else those of the linked performance target."""
    if row.linked and row.linked in targets:
        t = targets[row.linked]
        return (
            row.target if row.target is not None else t.target.target,
            row.actual if row.actual is not None else t.actual,  # includes an actual derived from data
            row.operator or t.target.operator,
        )
    if row.linked:
        raise rules.RuleError(f"关联数据“{row.linked}”不是“绩效目标”表中的目标名称", "关联数据")
    return row.target, row.actual, row.operator


def score_leaf(row: IndicatorRow, funds: FundsResult, targets: dict[str, TargetResult], survey: SurveyResult | None):
    rule = row.rule
    if rule in ("ratio", "threshold", "lower_better"):
        target, actual, operator = _target_values(row, targets)
        if rule == "ratio":
            return rules.score_ratio(row.weight, target, actual)
        if rule == "threshold":
            return rules.score_threshold(row.weight, operator or "≥", target, actual)
        return rules.score_lower_better(row.weight, target, actual)
    if rule == "qualitative":
        return rules.score_qualitative(row.weight, row.band, row.manual_score)
    if rule == "deduction":
        return rules.score_deduction(row.weight, row.per_item, row.missing_items)
    if rule == "survey":
        target = row.target
        if target is None and row.linked in targets:
            target = targets[row.linked].target.target
        return rules.score_survey(row.weight, survey.total if survey else None, target)
    if rule == "computed_ratio":
        label, rate = _linked_rate(row, funds, targets)
        return rules.score_computed_ratio(row.weight, label, rate, row.target)
    if rule == "manual":
        return rules.score_manual(row.weight, row.manual_score)
    raise rules.RuleError(f"未知的评分规则“{RULE_LABELS.get(rule, rule)}”", "评分规则")


def _derived_actual(target: Target, beneficiary_target: Target | None, funds: FundsResult,
                    survey: SurveyResult | None) -> Decimal | None:
    """The actual a target takes from the data: beneficiaries from the allocation table, the
    satisfaction rate from the survey (printed to 0.01, as the report prints it): the weights add up to
    100, so the total is the rate, the same figure the 满意度 leaf scores."""
    if target is beneficiary_target and funds.beneficiaries_actual is not None:
        return Decimal(funds.beneficiaries_actual)
    if target.category == "满意度" and survey is not None:
        return round_half_up(survey.total, 2)
    return None


def _beneficiary_target(project: ProjectInput) -> Target | None:
    for t in project.targets:
        if project.beneficiary_target and t.name == project.beneficiary_target:
            return t
    return None


def evaluate(project: ProjectInput) -> EvaluationResult:
    problems: list[Problem] = []

    beneficiary_target = _beneficiary_target(project)
    funds = compute_funds(project, beneficiary_target)
    if (beneficiary_target is not None and beneficiary_target.actual is not None
            and funds.beneficiaries_actual is not None and beneficiary_target.actual != funds.beneficiaries_actual):
        problems.append(Problem(
            SHEET_TARGETS, None, "实际值",
            f"目标“{beneficiary_target.name}”的实际值{beneficiary_target.actual.normalize():f}与“资金分配”表"
            f"实际受益人数合计{funds.beneficiaries_actual}不一致（可留空，由系统按分配表合计）",
        ))

    survey_result = None
    if project.survey and project.survey.questions:
        try:
            survey_result = score_survey(
                project.survey.title,
                [(q.number, q.text, q.weight, q.counts) for q in project.survey.questions],
                project.survey.coefficients,
            )
        except SurveyError as exc:
            problems.append(Problem(SHEET_SURVEY, None, None, str(exc)))
        _check_survey_weights(project.survey, problems)

    target_results = []
    for t in project.targets:
        try:
            target_results.append(compute_target(t, _derived_actual(t, beneficiary_target, funds, survey_result)))
        except rules.RuleError as exc:
            problems.append(Problem(SHEET_TARGETS, None, "比较符", f"目标“{t.name}”：{exc}"))
    targets_by_name = {tr.target.name: tr for tr in target_results}

    tree = _build_tree(project.indicators, problems)
    if not tree:
        problems.append(Problem(SHEET_INDICATORS, None, None, "没有任何指标"))
    _check_weights(tree, problems)

    for root in tree:
        for node in root.walk():
            if node.children or not node.row.rule:
                continue
            try:
                exact, how = score_leaf(node.row, funds, targets_by_name, survey_result)
            except rules.RuleError as exc:
                problems.append(Problem(SHEET_INDICATORS, node.row.row, exc.column, f"“{node.code} {node.name}”：{exc}"))
                continue
            node.exact = exact
            node.score = round_half_up(exact, SCORE_PLACES)
            node.basis = "；".join(part for part in (node.row.evidence.strip(), how) if part)

    if problems:
        raise InputInvalid(problems)

    def total_up(node: Node) -> Decimal:
        if node.children:
            node.score = sum((total_up(c) for c in node.children), Decimal(0))
        return node.score

    total = sum((total_up(root) for root in tree), Decimal(0))
    counts: dict[int, int] = defaultdict(int)
    for root in tree:
        for node in root.walk():
            counts[node.level] += 1
    return EvaluationResult(
        project=project,
        funds=funds,
        targets=target_results,
        survey=survey_result,
        level1=tree,
        total=total,
        full_marks=sum((n.weight for n in tree), Decimal(0)),
        grade=grade_for(total, project.grade_scale),
        level_counts=dict(counts),
        individual_count=sum(1 for root in tree for n in root.walk() if n.is_leaf and n.row.individual),
    )


__all__ = ["evaluate", "EvaluationResult", "Node", "FundsResult", "TargetResult", "grade_for"]
