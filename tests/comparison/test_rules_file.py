"""The shipped rules file and what an override may change; a wrong value is refused with where and why."""

from decimal import Decimal

import pytest

from jixiao.comparison.rules import RulesInvalid, rules_load


def test_the_shipped_rules():
    rules = rules_load()
    pension = rules.programmes["pension"]
    assert rules.version == "2024.1" and rules.ours == ("残联",)
    assert (pension.levels, pension.age_min, pension.age_max) == ((3, 4), 16, 59)
    assert pension.amount_for(2015) is None
    assert pension.amount_for(2021) == (Decimal("100"), "昆残联发〔2016〕10号")
    assert pension.amount_for(2022) == (Decimal("200"), "昆人社通〔2022〕18号")
    assert pension.amount_for(2030)[0] == Decimal("200")
    medical = rules.programmes["medical"]
    assert (medical.levels, medical.age_min, medical.age_max) == ((1, 2, 3, 4), None, None)
    assert rules.duplicate_keys["subsidy"] == ("year", "item", "dept")
    assert rules.for_year(2021)["programmes"]["pension"]["amount"] == "100"


def test_an_override_changes_the_digest_and_only_what_it_names():
    base = rules_load()
    local = rules_load(overrides={"programmes": {"pension": {"age_max": 64}}, "ours": {"department_contains": ["残联", "残疾人联合会"]}})
    assert local.programmes["pension"].age_max == 64 and local.programmes["pension"].age_min == 16
    assert local.ours == ("残联", "残疾人联合会") and local.digest != base.digest
    assert rules_load().digest == base.digest  # the same rules, the same digest


@pytest.mark.parametrize(("override", "message"), [
    ({"programmes": {"pension": {"age_min": 70}}}, "age_min（70）大于 age_max（59）"),
    ({"programmes": {"pension": {"levels": [5]}}}, "programmes.pension.levels 应为 1–4 中的等级"),
    ({"programmes": {"pension": {"amounts": [{"from_year": 2022, "amount": "abc"}]}}}, "不是金额"),
    ({"programmes": {"pension": {"amounts": [{"from_year": 2022, "amount": "1.005"}]}}}, "最多两位小数"),
    ({"programmes": {"pension": {"amounts": [{"from_year": 2022, "amount": "1"}, {"from_year": 2022, "amount": "2"}]}}},
     "两档起始年度相同"),
    ({"programmes": {"pension": {"roster": "registry"}}}, "不是名册类型"),
    ({"insured": {"paid": ["已缴费"]}}, "insured.paid 中的状态也应在 insured.enrolled 中"),
    ({"duplicates": {"pension": ["amount"]}}, "duplicates.pension 只能用该名册的列"),
    ({"moves": {"same_region_digits": 20}}, "moves.same_region_digits 应为 2–12 之间的整数"),
    ({"version": ""}, "规则缺少版本号"),
])
def test_a_wrong_value_is_refused(override, message):
    with pytest.raises(RulesInvalid, match=message):
        rules_load(overrides=override)


def test_an_unreadable_rules_file(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text("version = [", encoding="utf-8")
    with pytest.raises(RulesInvalid, match="格式错误"):
        rules_load(bad)
    with pytest.raises(RulesInvalid, match="无法读取"):
        rules_load(tmp_path / "none.toml")
