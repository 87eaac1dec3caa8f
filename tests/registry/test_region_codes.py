"""户籍地区划代码 against the region tree: once a county's village (township) level is loaded, an unknown
12- (9-) digit code under it is refused for that row, with the reason; where the level is not loaded,
the code still falls back to its township or county as before."""

import pytest

from jixiao.regions.models import Region
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person
from tests.registry.rows import TODAY, make_id, problems, row, run, write_csv

pytestmark = pytest.mark.django_db


def test_known_village_and_township_codes_resolve_to_themselves(tmp_path):
    result = run(tmp_path, [row(身份证号=make_id(seq="101"), 户籍地区划代码="530125003004"),
                            row(身份证号=make_id(seq="102"), 户籍地区划代码="530125002")])
    assert (result.created, result.rejected) == (2, 0)
    assert sorted(Person.objects.values_list("region__code", "region__name")) == [
        ("530125002", "汤池街道"), ("530125003004", "黑羊村社区居民委员会")]


@pytest.mark.parametrize(("code", "reason"), [
    ("530125001999", "户籍地区划代码“530125001999”不在区划表中：宜良县的村/社区代码已载入，请核对"),
    ("530125999001", "户籍地区划代码“530125999001”不在区划表中：宜良县的乡镇/街道代码已载入，请核对"),
    ("530125999", "户籍地区划代码“530125999”不在区划表中：宜良县的乡镇/街道代码已载入，请核对"),
])
def test_unknown_code_under_a_loaded_county_is_refused(tmp_path, code, reason):
    result = run(tmp_path, [row(身份证号=make_id(seq="101"), 户籍地区划代码=code),
                            row(身份证号=make_id(seq="102"), 户籍地区划代码="530125001002")])
    assert (result.created, result.rejected) == (1, 1)
    found = problems(result)
    assert [(f["行号"], f["列"], f["原值"], f["原因"]) for f in found] == [("2", "户籍地区划代码", code, reason)]
    assert not Person.objects.filter(region_code=code).exists()


def test_where_the_level_is_not_loaded_the_code_falls_back(tmp_path):
    Region.objects.filter(code="530124").update(villages_loaded=False)  # 富民县: townships only
    result = run(tmp_path, [row(身份证号=make_id(seq="101"), 户籍地区划代码="530124001999"),
                            row(身份证号=make_id(seq="102"), 户籍地区划代码="530124999001")])
    assert (result.created, result.rejected) == (1, 1)
    person = Person.objects.get()
    assert (person.region.code, person.region_code) == ("530124001", "530124001999")  # its township
    assert problems(result)[0]["原因"] == ("户籍地区划代码“530124999001”不在区划表中：富民县的乡镇/街道代码已载入，"
                                          "请核对")
    Region.objects.filter(code="530124").update(townships_loaded=False)
    result = run(tmp_path, [row(身份证号=make_id(seq="103"), 户籍地区划代码="530124999001")])
    assert (result.created, result.rejected) == (1, 0)
    assert Person.objects.get(id_number=make_id(seq="103")).region.code == "530124"  # the county, as before


def test_former_county_code_still_falls_back(tmp_path):
    # 晋宁县 530122 became 晋宁区 530115 in 2016; nothing is loaded under the old code
    result = run(tmp_path, [row(身份证号=make_id(seq="101"), 户籍地区划代码="530122101001")])
    assert (result.created, result.rejected) == (1, 0)
    assert Person.objects.get().region.code == "530115"


def test_parallel_reader_applies_the_same_check(tmp_path):
    rows = [row(身份证号=make_id(seq="101"), 户籍地区划代码="530125001999"),
            row(身份证号=make_id(seq="102"), 户籍地区划代码="530125001002")]
    result = registry_import(write_csv(tmp_path / "名册.csv", rows), today=TODAY, actor=None, parallel=True,
                             errors_path=tmp_path / "err")
    assert (result.created, result.rejected) == (1, 1)
    assert "宜良县的村/社区代码已载入" in problems(result)[0]["原因"]
