"""Every comparison rule of ../shared/formats.md and its edges, on hand-made files (the year is 2024: the pension
programme's amount is 200 元, ages 16–59)."""

import pytest

from tests.comparison.files import YEAR, age_born, ids, make_id, of, person, run


def pension(id_number, status="参保缴费", *, year=YEAR, name="某", proxy="", dept="", personal="200"):
    return {"姓名": name, "身份证号": id_number, "缴费年度": str(year), "参保状态": status, "个人缴费金额(元)": personal,
            "代缴金额(元)": proxy, "代缴部门": dept}


def subsidy(id_number, amount, dept, item="城乡居民养老保险缴费补助", *, year=YEAR, name="某"):
    return {"姓名": name, "身份证号": id_number, "年度": str(year), "补助项目": item, "补助金额(元)": amount, "补助部门": dept}


def test_pension_ages_15_16_59_60(tmp_path):
    people = {age: age_born(age, seq=f"{age:03d}") for age in (15, 16, 59, 60)}
    _, found = run(tmp_path, [person(f"年龄{a}", i) for a, i in people.items()], pension=[])
    assert ids(found, "uninsured", "pension") == {people[16], people[59]}


def test_levels_and_certificate_status(tmp_path):
    level = {lv: make_id(seq=f"00{n}") for n, lv in enumerate(("一级", "二级", "三级", "四级"), start=1)}
    cancelled = make_id(seq="009")
    registry = [person(lv, i, level=lv) for lv, i in level.items()] + [person("注销", cancelled, status="注销")]
    _, found = run(tmp_path, registry, pension=[])
    assert ids(found, "uninsured", "pension") == {level["三级"], level["四级"]}


def test_suspended_terminated_and_another_years_row_are_not_insured(tmp_path):
    suspended, terminated, last_year, unpaid, paid = (make_id(seq=f"10{n}") for n in range(5))
    registry = [person(str(n), i) for n, i in enumerate((suspended, terminated, last_year, unpaid, paid))]
    rows = [pension(suspended, "暂停"), pension(terminated, "终止"), pension(last_year, year=YEAR - 1),
            pension(unpaid, "参保未缴费", personal="0"), pension(paid)]
    _, found = run(tmp_path, registry, pension=rows)
    assert ids(found, "uninsured", "pension") == {suspended, terminated, last_year}
    assert ids(found, "unpaid", "pension") == {unpaid}
    (row,) = of(found, "unpaid")
    assert (row["名册"], row["行号"]) == ("pension", "5") and "参保未缴费" in row["说明"]


def test_unpaid_needs_no_paid_row_of_the_year(tmp_path):
    both = make_id(seq="201")
    _, found = run(tmp_path, [person("两行", both)], pension=[pension(both, "参保未缴费"), pension(both)])
    assert not of(found, "unpaid") and not of(found, "uninsured")


def test_covered_elsewhere_at_exactly_the_amount_and_not_below(tmp_path):
    exact, below, by_subsidy, ours, blank_dept = (make_id(seq=f"30{n}") for n in range(5))
    registry = [person(str(n), i) for n, i in enumerate((exact, below, by_subsidy, ours, blank_dept))]
    rows = [pension(exact, proxy="200", dept="县民政局"), pension(below, proxy="199.99", dept="县民政局"),
            pension(by_subsidy), pension(ours, proxy="200", dept="宜良县残联"), pension(blank_dept, proxy="200.00")]
    subsidies = [subsidy(by_subsidy, "300", "县乡村振兴局"), subsidy(below, "150", "县医保局", item="医疗保险补助")]
    _, found = run(tmp_path, registry, pension=rows, subsidy=subsidies)
    assert ids(found, "covered_elsewhere", "pension") == {exact, by_subsidy, blank_dept}
    by_id = {f["身份证号"]: f for f in of(found, "covered_elsewhere")}
    assert by_id[exact]["名册"] == "pension" and "县民政局已支付2024年养老保险缴费补助200元" in by_id[exact]["说明"]
    assert by_id[by_subsidy]["名册"] == "subsidy" and "300元" in by_id[by_subsidy]["说明"]
    assert "（未填部门）" in by_id[blank_dept]["说明"]


def test_covered_elsewhere_uses_the_years_amount(tmp_path):
    person_id = make_id(seq="401")
    registry = [person("某", person_id)]
    rows = [pension(person_id, proxy="150", dept="县民政局", year=2021)]
    _, found = run(tmp_path, registry, year=2021, pension=rows)
    assert ids(found, "covered_elsewhere") == {person_id}  # 100 元 until 2021
    _, found = run(tmp_path, registry, year=2022, pension=[{**rows[0], "缴费年度": "2022"}])
    assert not of(found, "covered_elsewhere")  # 200 元 from 2022


def test_double_paid_across_the_pension_and_subsidy_rosters(tmp_path):
    twice, once, other_year = (make_id(seq=f"50{n}") for n in range(3))
    registry = [person(str(n), i) for n, i in enumerate((twice, once, other_year))]
    rows = [pension(twice, proxy="200", dept="宜良县残联"), pension(once, proxy="200", dept="宜良县残联"),
            pension(other_year, proxy="200", dept="县民政局")]
    subsidies = [subsidy(twice, "100", "县民政局", item="养老保险补助"), subsidy(other_year, "200", "县民政局", year=YEAR - 1),
                 subsidy(once, "100", "县民政局", item="医疗救助")]
    _, found = run(tmp_path, registry, pension=rows, subsidy=subsidies)
    assert ids(found, "double_paid", "pension") == {twice}
    (row,) = of(found, "double_paid")
    assert "2笔" in row["说明"] and "宜良县残联200元" in row["说明"] and "县民政局100元" in row["说明"]
    # ``twice``: ours 200 and another department's 100 < 200; ``other_year``: 县民政局's 200 of 2024 (its 2023 row
    # makes no second payment)
    assert ids(found, "covered_elsewhere") == {other_year}


def test_the_dead_and_the_moved_out_are_not_reported_as_uninsured(tmp_path):
    dead, moved, moved_inside, dead_cancelled = (make_id(seq=f"60{n}") for n in range(4))
    registry = [person("死", dead), person("迁", moved), person("县内", moved_inside),
                person("已注销", dead_cancelled, status="注销")]
    deaths = [{"姓名": "死", "身份证号": dead, "死亡日期": "2024年3月5日"},
              {"姓名": "已注销", "身份证号": dead_cancelled, "死亡日期": "2023-01-01"}]
    moves = [{"姓名": "迁", "身份证号": moved, "迁出日期": "2024/6/1", "迁往地区划代码": "530102001001"},
             {"姓名": "县内", "身份证号": moved_inside, "迁出日期": "2024-06-01", "迁往地区划代码": "530125002001"}]
    _, found = run(tmp_path, registry, pension=[], deaths=deaths, moves=moves)
    assert ids(found, "uninsured", "pension") == {moved_inside}
    assert ids(found, "deceased_active") == {dead}
    assert ids(found, "moved_out") == {moved}
    (d,) = of(found, "deceased_active")
    assert d["说明"].startswith("死亡日期2024-03-05（死亡人员名单第2行）")
    (m,) = of(found, "moved_out")
    assert "2024-06-01迁往530102001001" in m["说明"] and m["名册"] == "moves"


def test_fifteen_digit_and_full_width_ids_match(tmp_path):
    eighteen = make_id("19700101", "111")
    fifteen = eighteen[:6] + eighteen[8:17]  # the first-generation number of the same person
    wide = make_id("19710101", "222")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in wide)
    registry = [person("十五位", fifteen), person("全角", full_width)]
    rows = [pension(eighteen), pension(" " + wide.lower() + " ")]
    _, found = run(tmp_path, registry, pension=rows)
    assert not of(found, "uninsured") and not of(found, "invalid_id") and not of(found, "id_typo")


def test_duplicates_are_keyed_per_roster(tmp_path):
    a, b = make_id(seq="701"), make_id(seq="702")
    registry = [person("甲", a), person("乙", b), person("甲", a)]
    rows = [pension(a), pension(a), pension(a, year=YEAR - 1), pension(b)]
    # the keys as compared: whitespace and full-width forms do not make a row different; a blank department is one
    subsidies = [subsidy(a, "50", "县民政局"), subsidy(a, "50", "县民政局"), subsidy(a, "50", "县人社局"),
                 subsidy(a, "50", "县民政局", item="其他补助"), subsidy(a, "50", " 县民政局　", item="城乡居民 养老保险缴费补助"),
                 subsidy(b, "50", ""), subsidy(b, "50", " ")]
    deaths = [{"姓名": "乙", "身份证号": b, "死亡日期": "2024-01-01"}, {"姓名": "乙", "身份证号": b, "死亡日期": "2024-01-02"}]
    moves = [{"姓名": "甲", "身份证号": a, "迁出日期": "2024-01-01", "迁往地区划代码": "530125002001"},
             {"姓名": "甲", "身份证号": a, "迁出日期": "2024-02-01", "迁往地区划代码": "530125002001"},
             {"姓名": "甲", "身份证号": a, "迁出日期": "2024/1/1", "迁往地区划代码": "530125002001"}]
    _, found = run(tmp_path, registry, pension=rows, subsidy=subsidies, deaths=deaths, moves=moves)
    dups = {(f["名册"], f["行号"]) for f in of(found, "duplicate_person")}
    assert dups == {("registry", "4"), ("pension", "3"), ("subsidy", "3"), ("subsidy", "6"), ("subsidy", "8"),
                    ("deaths", "3"), ("moves", "4")}
    assert {(f["行号"], f["说明"]) for f in of(found, "duplicate_person") if f["名册"] == "subsidy"} == {
        ("3", "与第2行重复（身份证号、年度、补助项目、补助部门相同）"), ("6", "与第2行重复（身份证号、年度、补助项目、补助部门相同）"),
        ("8", "与第7行重复（身份证号、年度、补助项目、补助部门相同）")}


def test_assistance_duplicates_by_category_and_start(tmp_path):
    a = make_id(seq="801")
    rows = [{"姓名": "甲", "身份证号": a, "类别": "城市低保", "起始日期": "2024-01-01", "月保障金额(元)": "630"},
            {"姓名": "甲", "身份证号": a, "类别": "城市低保", "起始日期": "2024/1/1", "月保障金额(元)": "630"},
            {"姓名": "甲", "身份证号": a, "类别": "特困分散供养", "起始日期": "2024-01-01", "月保障金额(元)": "740"}]
    _, found = run(tmp_path, [person("甲", a)], assistance=rows)
    assert {(f["名册"], f["行号"]) for f in of(found, "duplicate_person")} == {("assistance", "3")}


@pytest.mark.parametrize(("typed", "expected"), [
    (lambda i: i[:9] + ("1" if i[9] != "1" else "2") + i[10:], True),  # one digit substituted
    (lambda i: i[:10] + i[11] + i[10] + i[12:], True),  # two adjacent digits swapped
    (lambda i: i[:8] + i[9] + i[8] + i[10:], True),  # the 9th and 10th swapped: each half of the ID changes
    (lambda i: ("4" if i[0] != "4" else "6") + i[1:], True),  # the first character
    (lambda i: i[:17] + ("0" if i[17] != "0" else "1"), True),  # the check digit
    (lambda i: i[:9] + ("1" if i[9] != "1" else "2") + ("1" if i[10] != "1" else "2") + i[11:], False),  # two
])
def test_id_typo(tmp_path, typed, expected):
    held = make_id("19800214", "357")
    written = typed(held)
    assert written != held
    _, found = run(tmp_path, [person("赵六", held)], pension=[pension(written, name="赵 六")])
    typos = of(found, "id_typo")
    if expected:
        (row,) = typos
        assert (row["名册"], row["行号"], row["身份证号"], row["建议身份证号"]) == ("pension", "2", written, held)
    else:
        assert not typos


def test_id_typo_needs_exactly_one_person_of_that_name(tmp_path):
    first, second = make_id("19800214", "357"), make_id("19800214", "358")
    written = first[:16] + second[16] + first[17]  # the 17th character of one, the check digit of the other
    assert sum(a != b for a, b in zip(written, first, strict=True)) == sum(a != b for a, b in zip(written, second, strict=True)) == 1
    _, found = run(tmp_path, [person("赵六", first), person("赵六", second)], pension=[pension(written, name="赵六")])
    assert not of(found, "id_typo")
    _, found = run(tmp_path, [person("赵六", first), person("钱七", second)], pension=[pension(written, name="赵六")])
    assert ids(found, "id_typo") == {written}  # with one 赵六 the advice is given


def test_medical_programme_any_level_any_age(tmp_path):
    child, old, insured, unpaid = make_id("20200101", "901"), make_id("19300101", "902"), make_id(seq="903"), make_id(seq="904")
    registry = [person("童", child, level="一级"), person("老", old, level="二级"), person("保", insured),
                person("欠", unpaid)]
    medical = [{"姓名": "保", "身份证号": insured, "年度": "2024", "参保状态": "参保缴费"},
               {"姓名": "欠", "身份证号": unpaid, "年度": "2024", "参保状态": "参保未缴费"}]
    _, found = run(tmp_path, registry, medical=medical)
    assert ids(found, "uninsured", "medical") == {child, old}
    assert ids(found, "unpaid", "medical") == {unpaid}
    assert not of(found, "uninsured", "pension")  # no pension roster given: not compared


def test_invalid_ids_in_every_file_with_the_value_as_written(tmp_path):
    good = make_id(seq="111")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    _, found = run(tmp_path, [person("好", good), person("坏", " " + bad + " ")],
                   deaths=[{"姓名": "x", "身份证号": "123", "死亡日期": "2024-01-01"}])
    rows = {(f["名册"], f["行号"], f["身份证号"]) for f in of(found, "invalid_id")}
    assert rows == {("registry", "3", bad), ("deaths", "2", "123")}
    assert {f["说明"] for f in of(found, "invalid_id") if f["名册"] == "deaths"} == {"身份证号应为18位（或15位旧号），实际为3位"}


def test_id_typo_blocking_misses_no_position(tmp_path):
    """The blocks (parts of the ID that must agree) cover every single change and every swap of neighbours."""
    held = make_id("19800214", "357")
    written = [held[:i] + ("5" if held[i] != "5" else "6") + held[i + 1:] for i in range(18)]
    written += [held[:i] + held[i + 1] + held[i] + held[i + 2:] for i in range(17) if held[i] != held[i + 1]]
    _, found = run(tmp_path, [person("赵六", held)], pension=[pension(w, name="赵六") for w in written])
    typos = of(found, "id_typo")
    assert sorted(int(f["行号"]) for f in typos) == list(range(2, len(written) + 2))
    assert {f["建议身份证号"] for f in typos} == {held}
