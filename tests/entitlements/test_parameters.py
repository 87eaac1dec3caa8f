"""The rule book: dated values with their 文号 and region, resolved for a period; a book that cannot be used is
refused whole with a message naming the programme, the parameter and the value."""

from datetime import date
from decimal import Decimal

import pytest

from jixiao.entitlements.parameters import (
    PROGRAMME_CODES,
    RuleBookInvalid,
    city_share_per_person,
    rulebook_from_dict,
    rulebook_load,
)


def test_the_shipped_book_has_every_programme_code_of_the_formats():
    book = rulebook_load()
    assert set(book.programmes) == set(PROGRAMME_CODES)
    for programme in book.programmes.values():
        for parameter in programme.parameters.values():
            assert all(v.policy for v in parameter.values)


def test_latest_start_and_longest_region_win():
    p = rulebook_load().programme("pension_subsidy").parameters
    assert p["amount"].at(date(2021, 12, 31)).value == Decimal(100)
    assert p["amount"].at(date(2022, 1, 1)).value == Decimal(200)
    assert p["amount"].at(date(2022, 1, 1)).policy == "昆人社通〔2022〕18号"
    assert p["city_share"].at(date(2022, 1, 1), "530126100001").value == Decimal("0.5")
    assert p["city_share"].at(date(2022, 1, 1), "530421").value == Decimal(0)  # the default: the county pays all
    assert p["amount"].at(date(2015, 1, 1)) is None


def test_city_share_per_person_of_seed_001():
    book = rulebook_load()
    assert city_share_per_person(book, programme="pension_subsidy", county_code="530126", year=2022)[0] == 100
    assert city_share_per_person(book, programme="pension_subsidy", county_code="530113", year=2022)[0] == 140
    assert city_share_per_person(book, programme="pension_subsidy", county_code="530102", year=2022)[0] == 0


def test_a_resolved_period_records_every_value_it_used():
    record = rulebook_load().resolve("tekun", year=2019, month=5).record()
    assert record["period_start"] == "2019-05-01"
    assert record["values"]["standard_特困集中供养"]["530114"] == {
        "from": "2019-01-01", "value": "820", "policy": "昆民联发[2019]6号", "region": "530114"}
    assert "city_share" in record["examples"]


def _book(mutate):
    raw = rulebook_load().source
    mutate(raw["programmes"]["pension_subsidy"])
    return raw


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda p: p["parameters"]["amount"][0].pop("policy"), "没有写政策文号"),
    (lambda p: p["parameters"]["amount"][0].update(value=100.5), "不用浮点数"),
    (lambda p: p["parameters"]["amount"][0].update(value="-5"), "不小于 0"),
    (lambda p: p["parameters"]["mode"][0].update(value="现金"), "发放方式“现金”未知"),
    (lambda p: p["parameters"]["city_share"][1].update(value="1.5"), "0 到 1 之间"),
    (lambda p: p["parameters"]["levels"][0].update(value=[3, 5]), "1–4 的残疾等级"),
    (lambda p: p["parameters"]["amount"][0].update(**{"from": "2016-13-01"}), "不是 YYYY-MM-DD"),
    (lambda p: p["parameters"]["amount"].append(dict(p["parameters"]["amount"][0])), "生效日期和适用地区都相同"),
    (lambda p: p["population"].append({"field": "income", "in": [1]}), "字段“income”未知"),
    (lambda p: p["population"].append({"field": "age", "min": "$nothing"}), "参数“nothing”不存在"),
    (lambda p: p.update(calculation="guess"), "计算方法“guess”未知"),
    (lambda p: p["parameters"].pop("city_share"), "缺少参数“city_share”"),
])
def test_a_book_that_cannot_be_used_says_where(mutate, message):
    with pytest.raises(RuleBookInvalid, match=message) as caught:
        rulebook_from_dict(_book(mutate))
    assert "三、四级残疾人城乡居民养老保险个人缴费补助" in str(caught.value)


def test_the_digest_follows_the_content():
    raw = rulebook_load().source
    same = rulebook_from_dict(raw)
    raw["programmes"]["pension_subsidy"]["parameters"]["amount"][1]["value"] = "240"
    assert rulebook_from_dict(raw).digest != same.digest == rulebook_load().digest


@pytest.mark.parametrize(("terms", "message"), [
    ({"ours": []}, "本部门名称"),
    ({"enrolled": ["参保缴费"], "paid": ["参保缴费", "暂停"]}, "也应在 roster_terms.enrolled 中"),
])
def test_roster_terms_are_checked(terms, message):
    raw = rulebook_load().source
    raw["roster_terms"] = terms
    with pytest.raises(RuleBookInvalid, match=message):
        rulebook_from_dict(raw)
