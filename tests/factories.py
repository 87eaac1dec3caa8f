"""Small synthetic projects for tests (invented figures, not any real project)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from jixiao.scoring.inputs import (
    Allocation,
    Expenditure,
    FundSource,
    IndicatorRow,
    Interview,
    PolicyDocument,
    ProjectInput,
    Survey,
    SurveyQuestion,
    Target,
)
from jixiao.scoring.presets import PRESETS


def leaf(code, parent, name, weight, rule, **kw) -> IndicatorRow:
    return IndicatorRow(code=code, parent_code=parent, name=name, weight=D(str(weight)), rule=rule, **kw)


def node(code, parent, name, weight) -> IndicatorRow:
    return IndicatorRow(code=code, parent_code=parent, name=name, weight=D(str(weight)))


def sample_indicators() -> list[IndicatorRow]:
    return [
        node("A", "", "项目决策", 20),
        node("A1", "A", "项目立项", 10),
        leaf("A11", "A1", "立项依据充分性", 5, "deduction", per_item=D(1), missing_items=0, evidence="文件齐全"),
        leaf("A12", "A1", "立项程序规范性", 5, "qualitative", band="达成", manual_score=D("4.5")),
        node("A2", "A", "项目目标", 10),
        leaf("A21", "A2", "绩效目标合理性", 10, "manual", manual_score=D(10)),
        node("B", "", "项目管理", 20),
        leaf("B1", "B", "资金到位率", 10, "computed_ratio", linked="资金到位率"),
        leaf("B2", "B", "预算执行率", 10, "computed_ratio", linked="预算执行率"),
        node("C", "", "项目绩效", 60),
        leaf("C1", "C", "补助人数", 20, "ratio", linked="补助人数"),
        leaf("C2", "C", "差错率", 20, "lower_better", linked="差错率"),
        leaf("C3", "C", "满意度", 20, "survey", linked="满意度"),
    ]


def sample_project(**overrides) -> ProjectInput:
    project = ProjectInput(
        name="测试县残疾人生活补助项目",
        year=2024,
        owner_unit="测试市残疾人联合会",
        division="教就处",
        project_type="对下补助",
        region_code="530100",
        region_name="昆明市",
        template="昆明ABC",
        evaluation_start=date(2025, 4, 1),
        evaluation_end=date(2025, 4, 30),
        report_unit="测试市残疾人联合会",
        report_date=date(2025, 5, 10),
        beneficiary_target="补助人数",
        policies=[PolicyDocument("关于下达2024年测试补助经费的通知", "测财社〔2024〕1号")],
        fund_sources=[FundSource("市级", D("100"), D("100"))],
        allocations=[
            Allocation("宜良县", "530125", D("60"), None, 600),
            Allocation("富民县", "530124", D("40"), None, 420),
        ],
        expenditures=[Expenditure("下拨各县区", D("100"))],
        targets=[
            Target("产出-数量", "补助人数", "≥", D(1000), "人"),
            Target("产出-质量", "差错率", "≤", D("0.5"), "%", actual=D("0.4")),
            Target("满意度", "满意度", "≥", D(80), "%", actual=D("95")),
        ],
        indicators=sample_indicators(),
        survey=Survey(
            title="测试问卷",
            coefficients=dict(PRESETS["昆明三档"]),
            preset="昆明三档",
            questions=[
                SurveyQuestion(1, "您对该项目的总体评价是：", D(50), {"A": 8, "B": 2}),
                SurveyQuestion(2, "您对补助发放及时性的评价是：", D(50), {"A": 7, "B": 2, "C": 1}),
            ],
        ),
        interviews=[Interview("实施情况", "补助按时发放到位。", "张某", "项目负责人", "座谈", date(2025, 4, 10))],
        narrative={"立项背景及目的": "为减轻残疾人家庭负担，设立本项目。", "存在的问题": "1.宣传不足。\n2.流程繁琐。"},
    )
    for key, value in overrides.items():
        setattr(project, key, value)
    return project
