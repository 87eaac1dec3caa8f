"""The pension-contribution subsidy exactly (issue 12, item 2): eligibility as the comparison's rules, 先缴后补、
不缴不补, amount = min(the year's amount, 个人缴费金额) − the largest payment of another department, floored at 0,
and the city:county share of the person's county — on hand-made persons at every edge."""

from decimal import Decimal

import pytest

from jixiao.entitlements.parameters import rulebook_from_dict, rulebook_load
from tests.entitlements.cases import (
    CHENGGONG,
    DONGCHUAN,
    SHILIN,
    WUHUA,
    amount,
    born_for,
    cycle,
    pension,
    person,
    pid,
)

YEAR = 2024


def test_ages_15_16_59_60_and_levels(tmp_path):
    ages = {age: pid(born=born_for(age, YEAR), seq=f"{age:03d}") for age in (15, 16, 59, 60)}
    levels = {lv: pid(seq=f"2{n}0") for n, lv in enumerate(("一级", "二级", "三级", "四级"), start=1)}
    registry = ([person(f"年龄{a}", i) for a, i in ages.items()] +
                [person(lv, i, level=lv) for lv, i in levels.items()])
    rows = [pension(i, year=YEAR) for i in [*ages.values(), *levels.values()]]
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry, pension=rows)
    # only those the programme considers are listed: grades 3/4 aged 16–59
    assert set(found) == {ages[16], ages[59], levels["三级"], levels["四级"]}
    assert all(amount(r) == 200 for r in found.values())


def test_the_year_the_amount_changes(tmp_path):
    someone = pid()
    for year, expected in ((2021, 100), (2022, 200)):
        _, found = cycle(tmp_path / str(year), "pension_subsidy", year=year, registry=[person("甲", someone)],
                         pension=[pension(someone, year=year, personal="300")])
        assert amount(found[someone]) == expected


@pytest.mark.parametrize(("county", "city", "county_part"), [(WUHUA, "0.00", "200.00"), (SHILIN, "100.00", "100.00"),
                                                            (DONGCHUAN, "140.00", "60.00"), (CHENGGONG, "0.00", "200.00")])
def test_each_county_class_shares_exactly(tmp_path, county, city, county_part):
    someone = pid(county)
    result, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", someone)],
                          pension=[pension(someone, year=YEAR)])
    row = found[someone]
    assert (row["市级承担(元)"], row["县级承担(元)"]) == (city, county_part)
    (summary_county,) = result.summary["counties"]
    assert summary_county["code"] == county
    assert summary_county["city_yuan"] == int(Decimal(city)) and summary_county["county_yuan"] == int(Decimal(county_part))


def test_outside_the_listed_counties_the_county_pays_all(tmp_path):
    someone = pid("530125")  # 宜良县 5:5 — listed; 530421 (玉溪 江川) is not
    other = pid("530421", seq="321")
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", someone), person("乙", other)],
                     pension=[pension(someone, year=YEAR), pension(other, year=YEAR)])
    assert found[someone]["市级承担(元)"] == "100.00"
    assert (found[other]["市级承担(元)"], found[other]["县级承担(元)"]) == ("0.00", "200.00")


def test_jiugao_at_below_and_above_the_amount(tmp_path):
    at, below, above, two, ours = (pid(seq=f"30{n}") for n in range(5))
    registry = [person(str(n), i) for n, i in enumerate((at, below, above, two, ours))]
    rows = [pension(at, year=YEAR, proxy="200", dept="民政局"), pension(below, year=YEAR, proxy="120", dept="民政局"),
            pension(above, year=YEAR, proxy="300", dept="乡村振兴局"),
            pension(two, year=YEAR, proxy="100", dept="民政局"), pension(ours, year=YEAR, proxy="200", dept="县残联")]
    subsidies = [{"姓名": "某", "身份证号": two, "年度": str(YEAR), "补助项目": "城乡居民养老保险缴费补助",
                  "补助金额(元)": "150", "补助部门": "退役军人事务局"},
                 {"姓名": "某", "身份证号": below, "年度": str(YEAR), "补助项目": "医疗保险缴费补助",
                  "补助金额(元)": "500", "补助部门": "医保局"}]
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry, pension=rows, subsidy=subsidies)
    assert (amount(found[at]), found[at]["原因代码"]) == (0, "covered_elsewhere")
    assert (amount(found[above]), found[above]["原因代码"]) == (0, "covered_elsewhere")
    assert (amount(found[below]), found[below]["原因代码"]) == (80, "")  # 200 − 120; the medical subsidy is no pension
    assert "民政局已补助120元" in found[below]["说明"]
    # paid by two departments: the larger one (150) counts, the person ends with 200 in all, never two full subsidies
    assert amount(found[two]) == 50 and "退役军人事务局已补助150元" in found[two]["说明"]
    assert amount(found[ours]) == 200  # a 残联 payment is ours, not another department's


def test_own_contribution_below_the_amount_caps_it(tmp_path):
    someone = pid()
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", someone)],
                     pension=[pension(someone, year=YEAR, personal="100")])
    assert amount(found[someone]) == 100


def test_not_insured_unpaid_and_another_years_row(tmp_path):
    missing, suspended, last_year, unpaid, zero = (pid(seq=f"40{n}") for n in range(5))
    registry = [person(str(n), i) for n, i in enumerate((missing, suspended, last_year, unpaid, zero))]
    rows = [pension(suspended, year=YEAR, status="暂停"), pension(last_year, year=YEAR - 1),
            pension(unpaid, year=YEAR, status="参保未缴费", personal=""), pension(zero, year=YEAR, personal="0")]
    result, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry, pension=rows)
    assert {i: found[i]["原因代码"] for i in found} == {missing: "not_insured", suspended: "not_insured",
                                                    last_year: "not_insured", unpaid: "unpaid", zero: "unpaid"}
    assert all(amount(r) == 0 for r in found.values())
    assert result.summary["reasons"]["not_insured"]["persons"] == 3
    assert result.summary["totals"]["persons"] == 0


def test_the_dead_the_moved_and_the_cancelled_are_not_paid(tmp_path):
    """Dead or moved out before the year (a move without a date counts as before); a move inside the county is
    no move."""
    dead, moved, moved_inside, cancelled, died_this_year = (pid(seq=f"50{n}") for n in range(5))
    registry = [person("死", dead), person("迁", moved), person("县内", moved_inside),
                person("注销", cancelled, status="注销"), person("今年", died_this_year)]
    rows = [pension(i, year=YEAR) for i in (dead, moved, moved_inside, cancelled, died_this_year)]
    deaths = [{"姓名": "死", "身份证号": dead, "死亡日期": f"{YEAR - 1}-12-05"},
              {"姓名": "今年", "身份证号": died_this_year, "死亡日期": f"{YEAR}-03-05"}]
    moves = [{"姓名": "迁", "身份证号": moved, "迁出日期": "", "迁往地区划代码": "530102001001"},
             {"姓名": "县内", "身份证号": moved_inside, "迁出日期": f"{YEAR}-02-01", "迁往地区划代码": SHILIN + "200002"}]
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry, pension=rows, deaths=deaths,
                     moves=moves)
    assert found[dead]["原因代码"] == "deceased" and f"{YEAR - 1}-12-05" in found[dead]["说明"]
    # stopped from the period after the death: the year of the death is still paid
    assert amount(found[died_this_year]) == 200
    assert found[moved]["原因代码"] == "moved_out"
    assert found[cancelled]["原因代码"] == "certificate_cancelled"
    assert (amount(found[moved_inside]), found[moved_inside]["原因代码"]) == (200, "")


def test_fifteen_digit_and_full_width_ids_match(tmp_path):
    eighteen = pid("530126", born="19700505", seq="123")
    fifteen = eighteen[:6] + eighteen[8:17]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in eighteen)
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", fifteen)],
                     pension=[pension(wide, year=YEAR)])
    assert amount(found[eighteen]) == 200


def test_daijiao_mode_needs_no_own_payment_and_lists_for_the_insurer(tmp_path):
    raw = rulebook_load().source
    raw["programmes"]["pension_subsidy"]["parameters"]["mode"].append(
        {"from": "2024-01-01", "value": "代缴", "policy": "测试文号〔2024〕1号", "region": SHILIN})
    book = rulebook_from_dict(raw)
    proxied, elsewhere = pid(SHILIN, seq="601"), pid(WUHUA, seq="602")
    rows = [pension(proxied, year=YEAR, status="参保未缴费", personal=""),
            pension(elsewhere, year=YEAR, status="参保未缴费", personal="")]
    result, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", proxied), person("乙", elsewhere)],
                          pension=rows, book=book)
    assert amount(found[proxied]) == 200
    assert found[elsewhere]["原因代码"] == "unpaid"  # 五华区 still 先缴后补
    lists = {(p["county_code"], p["list"]) for p in result.summary["payment_lists"]}
    assert lists == {(SHILIN, "proxy")}
    assert result.summary["modes"] == ["代缴", "先缴后补"]


def test_which_department_is_ours_and_which_status_is_paid_are_rule_data(tmp_path):
    raw = rulebook_load().source
    raw["roster_terms"] = {"ours": ["残联", "民政"], "enrolled": ["参保缴费", "参保未缴费", "暂停"],
                           "paid": ["参保缴费", "暂停"]}
    book = rulebook_from_dict(raw)
    proxied, suspended = pid(seq="701"), pid(seq="702")
    rows = [pension(proxied, year=YEAR, proxy="200", dept="县民政局"), pension(suspended, year=YEAR, status="暂停")]
    _, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=[person("甲", proxied), person("乙", suspended)],
                     pension=rows, book=book)
    assert amount(found[proxied]) == 200  # 民政 counted as ours: not another department's payment
    assert amount(found[suspended]) == 200  # 暂停 counted as paid by this book
