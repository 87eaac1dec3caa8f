"""The per-capita check's rule (pure): the tolerance as rule data, which tables are the pension subsidy, what
is expected per person (a zone by the region list's share), and the verdict on seed 001's nine rows."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from fractions import Fraction

import pytest

from jixiao.entitlements.parameters import (
    RuleBookInvalid,
    per_capita_tolerance,
    rulebook_from_dict,
    rulebook_load,
)
from jixiao.entitlements.per_capita import (
    PENSION,
    AllocationLine,
    allocation_programme,
    document_key,
    expected_per_person,
    per_capita_check,
    zone_share,
)

BOOK = rulebook_load()

# Seed 001's table 2022年三、四级残疾人城乡社会养老保险补助经费使用情况表: 下拨资金（万元）, 实际补助人数（人）
SEED_001 = [
    ("宜良县", "530125", "32.5", 2809), ("富民县", "530124", "12.5", 1399), ("晋宁区", "530115", "13.075", 1860),
    ("石林县", "530126", "32", 1000), ("嵩明县", "530127", "14.5", 1743), ("阳宗海", "KM-YZH", "7", 668),
    ("寻甸县", "530129", "67.432", 4752), ("禄劝县", "530128", "62.888", 5436), ("东川区", "530113", "75.5", 3519),
]


def seed_lines():
    return [AllocationLine(label, code, D(amount), people, zone_cost_share="5:5" if code == "KM-YZH" else None)
            for label, code, amount, people in SEED_001]


def test_the_shipped_tolerance_is_half():
    assert per_capita_tolerance(BOOK) == D("0.5")


@pytest.mark.parametrize(("value", "message"), [
    ("0", "应为大于 0、不大于 1 的相对偏差"),
    ("1.5", "应为大于 0、不大于 1 的相对偏差"),
    ("半", "应为大于 0、不大于 1 的相对偏差"),
    (0.5, "请写成带引号的数字"),
])
def test_a_bad_tolerance_is_refused_in_chinese(value, message):
    raw = copy.deepcopy(BOOK.source)
    raw["checks"]["per_capita_tolerance"] = value
    with pytest.raises(RuleBookInvalid, match=message) as caught:
        rulebook_from_dict(raw)
    assert "人均核对的允许偏差" in str(caught.value)


def test_an_unknown_check_and_a_missing_tolerance():
    raw = copy.deepcopy(BOOK.source)
    raw["checks"]["per_head"] = "0.5"
    with pytest.raises(RuleBookInvalid, match="核对参数“per_head”未知"):
        rulebook_from_dict(raw)
    raw = copy.deepcopy(BOOK.source)
    del raw["checks"]
    book = rulebook_from_dict(raw)  # other programmes stay usable
    with pytest.raises(RuleBookInvalid, match="没有人均核对的允许偏差"):
        per_capita_tolerance(book)
    raw["checks"] = {"per_capita_tolerance": 1}
    assert per_capita_tolerance(rulebook_from_dict(raw)) == 1


@pytest.mark.parametrize(("name", "documents", "expected"), [
    ("2022年三、四级残疾人城乡社会养老保险补助经费使用情况表", (), PENSION),  # seed 001's caption
    ("三四级残疾人参加城乡居民养老保险个人缴费补助", (), PENSION),
    ("残疾人社会养老保险补助经费", ("昆残联发〔2016〕10号",), PENSION),  # the demo project of seed 001
    ("残疾人社会养老保险补助经费", ("根据昆残联发﹝2016﹞10号文件",), PENSION),  # brackets as typed, in a text
    ("残疾人社会养老保险补助经费", ("昆财社〔2022〕36号",), None),  # no document of the programme
    ("城乡居民基本养老保险", ("昆人社通〔2022〕18号",), None),  # not a disability programme
    ("重度残疾人养老保险代缴", ("昆残联发〔2016〕10号",), None),  # other levels
    ("一、二级残疾人养老保险补助", (), None),
    ("残疾儿童康复救助资金分配情况表", (), None),
])
def test_which_tables_are_the_pension_subsidy(name, documents, expected):
    assert allocation_programme(name, documents=documents, book=BOOK) == expected


def test_document_key_and_zone_share():
    assert document_key("昆财社﹝2022﹞ 36号") == document_key("昆财社[2022]36号") == "昆财社〔2022〕36号"
    assert zone_share("5:5") == Fraction(1, 2) and zone_share("7︰3") == Fraction(7, 10)
    assert zone_share("0:10") == 0 and zone_share("") is None and zone_share(None) is None


def test_expected_per_person_by_county_and_zone():
    assert expected_per_person(BOOK, programme=PENSION, region_code="530126", year=2022) == (
        D("100.00"), "昆人社通〔2022〕18号、昆残联发〔2016〕10号")
    assert expected_per_person(BOOK, programme=PENSION, region_code="530113", year=2022)[0] == D("140.00")
    assert expected_per_person(BOOK, programme=PENSION, region_code="530102", year=2022)[0] == D("0.00")
    assert expected_per_person(BOOK, programme=PENSION, region_code="530126", year=2021)[0] == D("50.00")
    # a zone: the book's amount × the region list's share (the book keys shares by county code)
    expected, policy = expected_per_person(BOOK, programme=PENSION, region_code="KM-YZH", year=2022,
                                           zone_cost_share="5:5")
    assert expected == D("100.00") and policy.startswith("昆人社通〔2022〕18号") and "区划目录（市:县 5:5）" in policy
    assert expected_per_person(BOOK, programme=PENSION, region_code="KM-YZH", year=2022) is None
    assert expected_per_person(BOOK, programme=PENSION, region_code="530126", year=2015) is None


def test_seed_001_flags_shilin_and_dongchuan_only():
    checked, skipped = per_capita_check(BOOK, programme=PENSION, year=2022, lines=seed_lines())
    assert skipped == [] and len(checked) == 9
    flagged = [(r.line.label, r.per_capita_text, r.expected_text, r.difference_text) for r in checked if r.flagged]
    assert flagged == [("石林县", "320.00元/人", "100.00元/人", "+220.00%"),
                       ("东川区", "214.55元/人", "140.00元/人", "+53.25%")]
    shilin = next(r for r in checked if r.line.label == "石林县")
    assert shilin.message == (
        "石林县人均320.00元/人（下拨32万元÷实际补助1000人），按2022年补助标准和市级承担比例应为100.00元/人"
        "（昆人社通〔2022〕18号、昆残联发〔2016〕10号），高出220.00%，超过允许偏差50%。")
    yangzonghai = next(r for r in checked if r.line.label == "阳宗海")
    assert not yangzonghai.flagged and yangzonghai.per_capita_text == "104.79元/人"


def test_the_tolerance_is_what_the_book_says():
    raw = copy.deepcopy(BOOK.source)
    raw["checks"]["per_capita_tolerance"] = "0.6"  # 东川 +53.25% is within 60 %
    checked, _ = per_capita_check(rulebook_from_dict(raw), programme=PENSION, year=2022, lines=seed_lines())
    assert [r.line.label for r in checked if r.flagged] == ["石林县"]
    raw["checks"]["per_capita_tolerance"] = "0.25"  # 晋宁 −29.70% too
    checked, _ = per_capita_check(rulebook_from_dict(raw), programme=PENSION, year=2022, lines=seed_lines())
    assert [r.line.label for r in checked if r.flagged] == ["晋宁区", "石林县", "东川区"]
    jinning = next(r for r in checked if r.line.label == "晋宁区")
    assert "低于29.70%，超过允许偏差25%" in jinning.message


def test_the_boundary_is_exact():
    """100 元 expected, tolerance 50 %: 150.00 元/人 is inside, 150.01 元/人 outside."""
    inside = AllocationLine("石林县", "530126", D("15"), 1000)
    outside = AllocationLine("石林县", "530126", D("1.5001"), 100)
    checked, _ = per_capita_check(BOOK, programme=PENSION, year=2022, lines=[inside, outside])
    assert [r.flagged for r in checked] == [False, True]


def test_rows_that_cannot_be_checked_are_skipped_with_a_reason():
    lines = [AllocationLine("石林县", "530126", D("32"), None), AllocationLine("石林县", "530126", D("32"), 0),
             AllocationLine("阳宗海", "KM-YZH", D("7"), 668)]
    checked, skipped = per_capita_check(BOOK, programme=PENSION, year=2022, lines=lines)
    assert checked == []
    assert [s.reason for s in skipped] == ["石林县未填实际补助人数，未核对人均"] * 2 + [
        "阳宗海：规则中没有2022年的补助标准或该地的市级承担比例，未核对人均"]


def test_money_where_the_city_pays_nothing_is_flagged():
    (row,), _ = per_capita_check(BOOK, programme=PENSION, year=2022,
                                 lines=[AllocationLine("五华区", "530102", D("1"), 50)])
    assert row.flagged and row.difference is None and row.expected_text == "0.00元/人"
    assert row.message == ("五华区人均200.00元/人（下拨1万元÷实际补助50人），而按2022年规定市级不承担该地补助"
                           "（应为0.00元/人，昆人社通〔2022〕18号、昆残联发〔2016〕10号）。")
