"""The two demo projects reproduce the published figures of seeds 001 and 002, and the shipped
indicator templates are well-formed. Pure Python: no database."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from jixiao.demo.seeds import SEED_KEYS, load_seed, seed_folder_name
from jixiao.indicators.templates import list_templates, load_template
from jixiao.regions.catalog import resolve_region
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import RULES, IndicatorRow, ProjectInput
from jixiao.scoring.presets import PRESETS
from jixiao.workbooks.schema import NARRATIVE_KEYS

EXPECTED = {
    "001": {
        "survey_total": "98.00",
        "respondents": 41,
        "questions": ["9.83", "9.80", "9.80", "9.80", "9.78", "9.76", "9.80", "9.83", "9.80", "9.78"],
        "level1": [
            ("A", "20.00", "20.00", "0.00", "100.00%"),
            ("B", "20.00", "18.20", "1.80", "91.00%"),
            ("C", "60.00", "57.00", "3.00", "95.00%"),
        ],
        "total": ("100.00", "95.20", "4.80", "95.20%"),
        "allocation_total": "317.395",
        "allocation_count": 9,
        "level_counts": {"1": 3, "2": 8, "3": 19, "4": 30},
        "individual": 0,
    },
    "002": {
        "survey_total": "97.61",
        "respondents": 36,
        "questions": ["19.61", "9.75", "9.81", "9.64", "9.67", "9.72", "9.78", "9.83", "9.81"],
        "level1": [
            ("A", "20.00", "20.00", "0.00", "100.00%"),
            ("B", "20.00", "18.60", "1.40", "93.00%"),  # the seed misprints 99.50%
            ("C", "60.00", "58.00", "2.00", "96.67%"),  # the seed prints 97%
        ],
        "total": ("100.00", "96.60", "3.40", "96.60%"),
        "allocation_total": "331",
        "allocation_count": 16,
        "level_counts": {"1": 3, "2": 8, "3": 17, "4": 35},
        "individual": 8,
    },
}


@pytest.fixture(scope="module", params=SEED_KEYS)
def seed(request):
    key = request.param
    result = evaluate(load_seed(key))
    return key, result, build_figures(result)


def test_survey_matches_published_table(seed):
    key, _, fig = seed
    exp = EXPECTED[key]
    survey = fig["survey"]
    assert survey["total"] == exp["survey_total"]
    assert survey["respondents"] == exp["respondents"]
    assert [q["score"] for q in survey["questions"]] == exp["questions"]
    # Rounded parts do not add up to the total in either seed: the figures must say so.
    assert survey["rounding_note"]


def test_level1_score_table(seed):
    key, result, fig = seed
    exp = EXPECTED[key]
    assert [(r["code"], r["weight"], r["score"], r["deduction"], r["rate"]) for r in fig["level1"]] == exp["level1"]
    total = fig["level1_total"]
    assert (total["weight"], total["score"], total["deduction"], total["rate"]) == exp["total"]
    assert fig["total_score"] == exp["total"][1]
    assert fig["grade"] == "优"


def test_funds_and_allocations(seed):
    key, _, fig = seed
    exp = EXPECTED[key]
    assert fig["allocations"]["total_amount"] == exp["allocation_total"]
    assert fig["allocations"]["count"] == exp["allocation_count"]
    assert fig["funds"]["budget"] == fig["funds"]["arrived"] == fig["funds"]["spent"] == exp["allocation_total"]
    assert fig["funds"]["balance"] == "0"
    assert fig["funds"]["arrival_rate"] == "100.00%"
    assert fig["funds"]["execution_rate"] == "100.00%"


def test_beneficiaries_001():
    result = evaluate(load_seed("001"))
    fig = build_figures(result)
    alloc = fig["allocations"]
    assert (alloc["total_actual"], alloc["total_planned"], alloc["completion"]) == ("23186", "20000", "115.93%")
    # The beneficiary target takes its actual from the allocation table, not from hand-typed text.
    target = next(t for t in fig["targets"] if t["name"] == "补助人数")
    assert (target["actual"], target["completion"], target["met"]) == ("23186", "115.93%", "达标")


def test_targets_002_have_only_published_actuals():
    project = load_seed("002")
    assert len(project.targets) == 10
    assert all(t.actual is None for t in project.targets)  # seed 002 publishes no target actuals
    fig = build_figures(evaluate(project))
    satisfaction = next(t for t in fig["targets"] if t["name"] == "满意度")
    assert (satisfaction["actual"], satisfaction["met"]) == ("97.61", "达标")  # taken from the survey
    assert fig["allocations"]["total_actual"] == ""  # seed 002 publishes no beneficiaries per county


def test_indicator_counts(seed):
    key, result, fig = seed
    exp = EXPECTED[key]
    assert fig["level_counts"] == exp["level_counts"]
    assert fig["individual_count"] == exp["individual"]
    assert all(n.level == 4 for n in result.leaves())


def test_every_leaf_has_evidence_and_data_rules_are_used(seed):
    key, result, _ = seed
    leaves = result.leaves()
    assert all(n.row.evidence.strip() for n in leaves)
    rules = {n.row.rule for n in leaves}
    assert {"computed_ratio", "survey", "qualitative", "deduction", "manual"} <= rules
    linked = {n.row.linked for n in leaves if n.row.rule == "computed_ratio"}
    assert linked == {"资金到位率", "预算执行率"}
    survey_leaf = next(n for n in leaves if n.row.rule == "survey")
    assert survey_leaf.score == survey_leaf.weight
    if key == "001":
        ratio = next(n for n in leaves if n.row.rule == "ratio")
        assert ratio.row.linked == "补助人数" and ratio.score == ratio.weight


def test_project_info(seed):
    key, result, fig = seed
    p = result.project
    assert (p.year, p.owner_unit, p.project_type, p.region_code, p.template) == (
        2022, "昆明市残疾人联合会", "对下补助", "530100", "昆明ABC")
    assert p.division == {"001": "教就处", "002": "组联处"}[key]
    assert fig["report_date"] == {"001": "2023年5月19日", "002": "2023年5月20日"}[key]
    assert fig["evaluation_period"] == {"001": "2023年4月21日至5月19日", "002": "2023年4月21日至5月20日"}[key]
    assert p.demo_note and "并非原报告的实际评分" in p.demo_note
    assert seed_folder_name(key)
    assert p.survey.preset == "昆明三档"
    assert p.survey.coefficients == PRESETS["昆明三档"]


def test_allocation_regions_resolve(seed):
    _, result, _ = seed
    for a in result.project.allocations:
        entry = resolve_region(a.region_name)
        assert entry is not None and entry.code == a.region_code, a.region_name


def test_policy_numbers_use_one_bracket_style(seed):
    _, result, _ = seed
    p = result.project
    texts = [d.number for d in p.policies] + list(p.narrative.values()) + [n.row.evidence for n in result.leaves()]
    for text in texts:
        assert not re.search(r"[﹝﹞\[\]【】]", text), text
    for d in p.policies:
        if d.number:
            assert re.fullmatch(r"\S+〔\d{4}〕\d+号", d.number), d.number


def test_narrative_complete_and_free_of_computed_figures(seed):
    key, result, fig = seed
    narrative = result.project.narrative
    assert set(narrative) == set(NARRATIVE_KEYS)
    assert all(text.strip() for text in narrative.values())
    text = "\n".join(narrative.values()) + result.project.demo_note
    computed = {
        fig["allocations"]["total_amount"], fig["total_score"], fig["survey"]["total"],
        f"{fig['survey']['respondents']}份", "95.2分", "96.6分",
        *(r["amount"] + "万元" for r in fig["allocations"]["rows"]),
        *(r["score"] for r in fig["level1"]),
    }
    if key == "001":
        computed |= {"23186", "23196", "115.93", "13.075"}
    else:
        computed |= {"164671", "161837", "158210", "97.66", "99.50", "昆财社〔2022〕31号"}
    for figure in computed:
        assert figure not in text, figure


def test_seeds_are_fresh_objects():
    a, b = load_seed("001"), load_seed("001")
    evaluate(a)  # fills the beneficiary target's actual
    assert next(t for t in b.targets if t.name == "补助人数").actual is None


def test_unknown_seed_rejected():
    with pytest.raises(ValueError, match="001"):
        load_seed("999")


# ---- templates -------------------------------------------------------------------------


def test_template_list():
    keys = [k for k, _ in list_templates()]
    assert keys[:2] == ["昆明ABC", "财预2020-10"]


@pytest.mark.parametrize("key", ["昆明ABC", "财预2020-10"])
def test_template_passes_engine_weight_checks(key):
    rows = load_template(key)
    leaves = [r for r in rows if r.rule]
    assert all(r.rule in RULES.values() for r in leaves)
    # Score every leaf by hand at full marks: the engine accepts the tree and totals 100.
    scored = [
        IndicatorRow(code=r.code, parent_code=r.parent_code, name=r.name, weight=r.weight,
                     rule="manual" if r.rule else "", manual_score=r.weight if r.rule else None)
        for r in rows
    ]
    result = evaluate(ProjectInput(name="模板校验", year=2022, owner_unit="测试单位", indicators=scored))
    assert result.total == D(100)
    assert sorted(result.level_counts) == [1, 2, 3, 4]
    assert all(n.level == 4 for n in result.leaves())
    names = [n.name for n in result.level1]
    expected = ["项目决策", "项目管理", "项目绩效"] if key == "昆明ABC" else ["决策", "过程", "产出", "效益"]
    assert names == expected


def test_kunming_template_structure():
    rows = load_template("昆明ABC")
    by_code = {r.code: r for r in rows}
    assert [(c, by_code[c].weight) for c in ("A", "B", "C")] == [("A", D(20)), ("B", D(20)), ("C", D(60))]
    level2 = [r.name for r in rows if r.parent_code in ("A", "B", "C")]
    assert level2 == ["项目立项", "项目目标", "投入管理", "财务管理", "项目实施", "项目产出", "项目效益", "项目满意度"]
    linked = {r.linked for r in rows if r.rule == "computed_ratio"}
    assert linked == {"资金到位率", "预算执行率"}
    assert any(r.rule == "survey" for r in rows)


def test_unknown_template_lists_known_keys():
    with pytest.raises(ValueError) as exc:
        load_template("不存在")
    message = str(exc.value)
    assert "不存在" in message and "昆明ABC" in message and "财预2020-10" in message
