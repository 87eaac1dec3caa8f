"""The other shipped programmes on hand-made persons at their edges: the medical-contribution subsidy, the two
monthly subsidies, 低保 and 特困 from the civil-affairs roster, and the list-based one-off payments."""

from decimal import Decimal

import pytest

from jixiao.comparison.inputs import InputUnusable
from jixiao.entitlements.parameters import RuleBookInvalid
from tests.entitlements.cases import CHENGGONG, SHILIN, amount, cycle, person, pid


def medical(id_number, *, year, personal="", assisted="", status="参保缴费"):
    return {"姓名": "某", "身份证号": id_number, "年度": str(year), "参保状态": status, "个人缴费金额(元)": personal,
            "医疗救助资助金额(元)": assisted}


def assistance(id_number, category, start, end="", monthly="", care="", region=""):
    return {"姓名": "某", "身份证号": id_number, "类别": category, "起始日期": start, "终止日期": end,
            "月保障金额(元)": monthly, "照料护理等级": care, "户籍地区划代码": region}


def test_medical_in_full_for_3_4_and_less_the_assistance_fund_for_1_2(tmp_path):
    grade3, grade1, grade2_default, grade4_default, uninsured = (pid(seq=f"70{n}") for n in range(5))
    registry = [person("三", grade3, level="三级"), person("一", grade1, level="一级"),
                person("二", grade2_default, level="二级"), person("四", grade4_default, level="四级"),
                person("未", uninsured, level="四级")]
    rows = [medical(grade3, year=2023, personal="380"), medical(grade1, year=2023, personal="380", assisted="150"),
            medical(grade2_default, year=2023), medical(grade4_default, year=2023)]
    _, found = cycle(tmp_path, "medical_subsidy", year=2023, registry=registry, medical=rows)
    assert amount(found[grade3]) == 380
    assert amount(found[grade1]) == 230  # 380 − 150 from the medical-assistance fund
    assert amount(found[grade2_default]) == 230  # the parameters: 350 − 120 (seed 000)
    assert amount(found[grade4_default]) == 350
    assert found[uninsured]["原因代码"] == "not_insured"


def test_living_subsidy_needs_dibao_in_force_in_the_month_not_prorated(tmp_path):
    on, ended, starts_inside, not_on = (pid(seq=f"80{n}") for n in range(4))
    registry = [person(str(n), i, level="一级") for n, i in enumerate((on, ended, starts_inside, not_on))]
    rows = [assistance(on, "城市低保", "2023-01-01"), assistance(ended, "农村低保", "2022-01-01", "2024-02-29"),
            assistance(starts_inside, "城市低保", "2024-03-20"), assistance(not_on, "特困分散供养", "2020-01-01")]
    result, found = cycle(tmp_path, "living_subsidy", year=2024, month=3, registry=registry, assistance=rows)
    assert amount(found[on]) == 100 and amount(found[starts_inside]) == 100
    assert found[ended]["原因代码"] == "not_in_assistance" and found[not_on]["原因代码"] == "not_in_assistance"
    assert result.summary["month"] == 3
    assert "monthly_amount" in result.summary["rules"]["examples"]  # the shipped amount is an example value


def test_care_subsidy_for_grades_1_2(tmp_path):
    one, two, three = (pid(seq=f"81{n}") for n in range(3))
    registry = [person("一", one, level="一级"), person("二", two, level="二级"), person("三", three, level="三级")]
    _, found = cycle(tmp_path, "care_subsidy", year=2024, month=1, registry=registry)
    assert set(found) == {one, two}


def test_monthly_programmes_need_a_month(tmp_path):
    with pytest.raises(RuleBookInvalid, match="请给出月份"):
        cycle(tmp_path, "care_subsidy", year=2024, registry=[])


def test_dibao_roster_amount_else_the_standard_of_its_year_and_county(tmp_path):
    with_amount, standard, elsewhere, inactive, dead = (pid(CHENGGONG, seq=f"90{n}") for n in range(5))
    other_county = pid(SHILIN, seq="909")
    rows = [assistance(with_amount, "城市低保", "2018-05-01", monthly="412"),
            assistance(standard, "城市低保", "2018-05-01", region=CHENGGONG + "001001"),
            assistance(other_county, "城市低保", "2018-05-01", region=SHILIN + "100001"),
            assistance(inactive, "城市低保", "2017-01-01", "2018-12-31", region=CHENGGONG + "001001"),
            assistance(dead, "城市低保", "2018-05-01", region=CHENGGONG + "001001"),
            assistance("53011419800101123", "城市低保", "2018-05-01")]
    deaths = [{"姓名": "某", "身份证号": dead, "死亡日期": "2019-01-15"}]
    result, y2019 = cycle(tmp_path / "2019", "dibao", year=2019, month=3, assistance=rows, deaths=deaths)
    assert amount(y2019[with_amount]) == 412
    # no region on the roster and not in the registry: in the totals, not a county
    assert result.summary["region_unknown"]["amount_yuan"] == 412
    assert all(len(c["code"]) == 6 for c in result.summary["counties"])
    assert result.summary["totals"]["amount_yuan"] == 412 + 630
    assert amount(y2019[standard]) == 630  # 昆民联发[2019]6号 for 呈贡区 from 2019
    assert y2019[other_county]["原因代码"] == "no_standard"
    assert y2019[inactive]["原因代码"] == "not_active"
    assert y2019[dead]["原因代码"] == "deceased"
    assert y2019["53011419800101123"]["原因代码"] == "invalid_id"
    _, y2018 = cycle(tmp_path / "2018", "dibao", year=2018, month=6, assistance=rows)
    assert amount(y2018[standard]) == 590


def test_tekun_standard_and_care_allowance_by_grade(tmp_path):
    central1, central3, scattered2, scattered3 = (pid(CHENGGONG, seq=f"91{n}") for n in range(4))
    region = CHENGGONG + "001001"
    rows = [assistance(central1, "特困集中供养", "2018-01-01", care="1", region=region),
            assistance(central3, "特困集中供养", "2018-01-01", care="3", region=region),
            assistance(scattered2, "特困分散供养", "2018-01-01", care="2", region=region),
            assistance(scattered3, "特困分散供养", "2018-01-01", care="3", region=region)]
    _, found = cycle(tmp_path, "tekun", year=2019, month=5, assistance=rows)
    assert [amount(found[i]) for i in (central1, central3, scattered2, scattered3)] == [
        Decimal(820 + 835), Decimal(820 + 251), Decimal(740 + 88), Decimal(740)]
    assert "含照料护理补贴835元" in found[central1]["说明"]


def listed(id_number, amount_="", name="某"):
    return {"姓名": name, "身份证号": id_number, "金额(元)": amount_}


def test_festival_visit_list_against_the_registry(tmp_path):
    ok, twice, unknown, cancelled, own_amount = (pid(seq=f"95{n}") for n in range(5))
    registry = [person("甲", ok), person("乙", twice), person("丙", cancelled, status="注销"), person("丁", own_amount)]
    rows = [listed(ok), listed(twice), listed(twice), listed(unknown), listed(cancelled), listed(own_amount, "500")]
    result, found = cycle(tmp_path, "festival_visit", year=2023, registry=registry, beneficiaries=rows)
    assert amount(found[ok]) == 300 and amount(found[own_amount]) == 500
    assert found[unknown]["原因代码"] == "not_registered"
    assert found[cancelled]["原因代码"] == "certificate_cancelled"
    assert result.summary["reasons"]["duplicate"]["persons"] == 1
    assert result.summary["totals"]["amount_yuan"] == 300 + 300 + 500


def test_temporary_relief_pays_the_decided_amount_only(tmp_path):
    decided, undecided = pid(seq="961"), pid(seq="962")
    _, found = cycle(tmp_path, "temporary_relief", year=2023, registry=[person("甲", decided), person("乙", undecided)],
                     beneficiaries=[listed(decided, "2000"), listed(undecided)])
    assert amount(found[decided]) == 2000
    assert found[undecided]["原因代码"] == "no_amount"


def test_a_required_roster_missing_or_one_the_programme_does_not_use(tmp_path):
    with pytest.raises(InputUnusable, match="需要城乡居民养老保险参保缴费名册"):
        cycle(tmp_path / "a", "pension_subsidy", year=2024, registry=[])
    with pytest.raises(InputUnusable, match="不使用"):
        cycle(tmp_path / "b", "care_subsidy", year=2024, month=1, registry=[], medical=[])
    assert not (tmp_path / "a" / "out").exists()
