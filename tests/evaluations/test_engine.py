from decimal import Decimal as D

import pytest

from jixiao.common.problems import InputInvalid
from jixiao.scoring.engine import evaluate, grade_for
from jixiao.scoring.figures import build_figures, summary_from_figures
from jixiao.scoring.inputs import GradeScale
from tests.factories import leaf, node, sample_indicators, sample_project


def test_sample_scores_and_grade():
    result = evaluate(sample_project())
    fig = build_figures(result)
    assert [(r["code"], r["score"], r["deduction"], r["rate"]) for r in fig["level1"]] == [
        ("A", "19.50", "0.50", "97.50%"), ("B", "20.00", "0.00", "100.00%"), ("C", "60.00", "0.00", "100.00%")]
    assert fig["total_score"] == "99.50" and fig["grade"] == "优"
    assert fig["funds"]["arrival_rate"] == "100.00%"
    assert fig["allocations"]["total_actual"] == "1020" and fig["allocations"]["completion"] == "102.00%"
    # The beneficiary target takes its actual from the allocation table.
    assert fig["targets"][0]["actual"] == "1020" and fig["targets"][0]["completion"] == "102.00%"
    assert fig["targets"][1]["met"] == "达标"


def test_weights_must_add_up_to_parent():
    rows = sample_indicators()
    rows[2].weight = D(4)  # A11 4 + A12 5 ≠ A1 10
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    messages = [p.message for p in exc.value.problems]
    assert any("下级指标权重分合计为9" in m and "权重分10" in m for m in messages)
    assert exc.value.problems[0].sheet == "指标评分"


def test_level1_must_total_100():
    rows = [node("A", "", "决策", 50), leaf("A1", "A", "x", 50, "manual", manual_score=D(50))]
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    assert "一级指标权重分合计为50，应为100" in str(exc.value)


def test_survey_weights_must_total_100():
    project = sample_project()
    project.survey.questions[1].weight = D(40)  # 50 + 40
    with pytest.raises(InputInvalid) as exc:
        evaluate(project)
    assert [(p.sheet, p.row, p.column, p.message) for p in exc.value.problems] == [
        ("满意度问卷", None, "权重", "各题权重合计为90，应为100（满意度得分按百分制计）")]


def test_survey_weights_totalling_100_give_one_figure_to_leaf_and_target():
    # 8 × 12.5 is exactly 100; each question scores 12.5 × (2 + 0.9) / 3, the total 96.666…
    from jixiao.scoring.inputs import SurveyQuestion

    project = sample_project()
    project.survey.questions = [SurveyQuestion(i, "q", D("12.5"), {"A": 2, "B": 1}) for i in range(1, 9)]
    project.targets[2].actual = None  # the satisfaction target takes its actual from the survey
    project.indicators[-1].target = D(98)  # C3 满意度 against 98
    fig = build_figures(evaluate(project))
    assert (fig["survey"]["total"], fig["survey"]["max_total"]) == ("96.67", "100.00")
    assert fig["targets"][2]["actual"] == "96.67"
    c3 = next(row for row in fig["indicators"] if row["code"] == "C3")
    assert c3["score"] == "19.73"  # 20 × 96.666… / 98, from the exact total
    assert c3["basis"] == "满意度调查得分96.67，目标≥98，按比例得分"


def test_leaf_without_rule_and_parent_with_rule_rejected():
    rows = sample_indicators()
    rows[2].rule = ""
    rows[1].rule = "manual"
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    text = str(exc.value)
    assert "末级指标必须选择评分规则" in text and "有下级指标的指标不设评分规则" in text


def test_unknown_parent_and_duplicate_code():
    rows = sample_indicators()
    rows.append(leaf("Z1", "Z", "孤儿", 1, "manual", manual_score=D(1), row=30))
    rows.append(leaf("C3", "C", "重复", 1, "manual", manual_score=D(1), row=31))
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    located = {(p.row, p.column) for p in exc.value.problems}
    assert (30, "上级编码") in located and (31, "编码") in located


def test_out_of_band_qualitative_reported_with_row():
    rows = sample_indicators()
    rows[3].manual_score = D("3")  # 达成 needs ≥ 4 of 5
    rows[3].row = 5
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    problem = exc.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("指标评分", 5, "得分")
    assert "A12" in problem.message


def test_linked_target_must_exist():
    rows = sample_indicators()
    rows[10].linked = "不存在的目标"  # C1
    with pytest.raises(InputInvalid) as exc:
        evaluate(sample_project(indicators=rows))
    assert "不存在的目标" in str(exc.value)


def test_execution_rate_below_target_scores_proportionally():
    project = sample_project()
    project.expenditures[0].amount = D("90")
    fig = build_figures(evaluate(project))
    b = fig["level1"][1]
    assert fig["funds"]["execution_rate"] == "90.00%" and fig["funds"]["balance"] == "10"
    assert b["score"] == "19.00"


def test_zero_budget_gives_no_rate_and_rule_error():
    project = sample_project()
    project.fund_sources[0].budget = D(0)
    project.fund_sources[0].arrived = D(0)
    with pytest.raises(InputInvalid) as exc:
        evaluate(project)
    assert "无法计算资金到位率" in str(exc.value)


def test_grade_thresholds_configurable():
    scale = GradeScale([("优秀", D(95)), ("良好", D(85)), ("合格", D(60)), ("不合格", D(0))])
    assert grade_for(D("95"), scale) == "优秀"
    assert grade_for(D("94.99"), scale) == "良好"
    assert grade_for(D("10"), scale) == "不合格"
    default = GradeScale()
    assert [grade_for(D(x), default) for x in ("90", "89.99", "80", "60", "59.99")] == ["优", "良", "良", "中", "差"]
    result = evaluate(sample_project(grade_scale=scale))
    assert result.grade == "优秀"


def test_summary_keeps_printed_strings():
    fig = build_figures(evaluate(sample_project()))
    summary = summary_from_figures(fig)
    assert summary["total_score"] == fig["total_score"] == "99.50"
    assert summary["survey"]["total"] == "97.00"
    assert summary["level1"] is fig["level1"]
    assert {"project", "year", "grade", "funds", "targets", "level1", "survey"} <= summary.keys()


def test_rounding_note_when_rounded_parts_disagree():
    # Ten questions scoring 8.666… each print as 8.67 (sum 86.70) while the total prints 86.67.
    project = sample_project()
    from jixiao.scoring.inputs import SurveyQuestion

    project.survey.questions = [SurveyQuestion(i, "q", D(10), {"A": 1, "C": 2}) for i in range(1, 11)]
    fig = build_figures(evaluate(project))
    s = fig["survey"]
    assert [q["score"] for q in s["questions"]] == ["8.67"] * 10
    assert s["total"] == "86.67"
    assert "86.70" in s["rounding_note"] and "舍入" in s["rounding_note"]
