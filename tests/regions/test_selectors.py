"""Resolving what staff type (codes, names, aliases) with the township and village rows loaded: county
level and above first, a township or village name only when exactly one region bears it."""

import pytest

from jixiao.regions.models import Region
from jixiao.regions.selectors import region_code_index, region_resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "code"), [
    ("530125", "530125"), ("宜良县", "530125"), ("晋宁县", "530115"), ("530122", "530115"), ("石林", "530126"),
    ("阳宗海", "KM-YZH"), ("530125001", "530125001"), ("530125001002", "530125001002"), ("匡远街道", "530125001"),
    # the catalog's 经开区 and the NBS township of 官渡区 bear the same name: the county-level unit wins
    ("昆明经济技术开发区", "KM-JKQ"),
])
def test_resolve(typed, code):
    assert region_resolve(typed).code == code


def test_a_village_name_borne_by_several_is_not_guessed():
    name = "城南社区居民委员会"
    assert Region.objects.filter(name=name).count() == 2  # 晋宁区 and 富民县 both have one
    assert region_resolve(name) is None
    assert region_resolve("530124001001").name == name  # the code is unambiguous


def test_code_index_marks_the_counties_loaded_whole():
    index = region_code_index()
    yiliang = Region.objects.get(code="530125")
    assert index["530125"] == (yiliang.pk, yiliang.path, "530125", "宜良县", frozenset({9, 12}))
    assert index["530122"] == (Region.objects.get(code="530115").pk, "530000/530100/530115/", "530115")  # former code
    # a village: its partition is its county's (the list of persons is read county by county)
    assert index["530125001002"] == (Region.objects.get(code="530125001002").pk,
                                     "530000/530100/530125/530125001/530125001002/", "530125")
    assert "KM-YZH" not in index  # internal codes are not 户籍地区划代码
