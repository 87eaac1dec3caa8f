"""The NBS 2023 tree a fresh install holds (Kunming, by the data migration), loads of more of it
(idempotent, one change record, the shipped county list untouched) and what "loaded whole" means."""

import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.regions import nbs
from jixiao.regions.models import Region
from jixiao.regions.services import LoadInvalid, region_load

pytestmark = pytest.mark.django_db

KUNMING = "530000/530100/"


def _count(path: str, level: str) -> int:
    return Region.objects.filter(path__startswith=path, level=level).count()


def test_fresh_install_holds_kunmings_townships_and_villages():
    assert _count(KUNMING, "township") == 150
    assert _count(KUNMING, "village") == 1738
    assert _count(KUNMING, "county") == 14 and _count(KUNMING, "zone") == 4
    assert Region.objects.count() == 1 + 1 + 14 + 4 + 150 + 1738  # nothing outside Kunming yet
    # every county of the city is marked whole for both levels; nothing else is
    complete = set(Region.objects.filter(townships_loaded=True, villages_loaded=True).values_list("code", flat=True))
    assert complete == {"530102", "530103", "530111", "530112", "530113", "530114", "530115", "530124", "530125",
                        "530126", "530127", "530128", "530129", "530181"}
    assert not Region.objects.filter(townships_loaded=True, villages_loaded=False).exists()
    village = Region.objects.get(code="530125001002")
    assert (village.name, village.level, village.gb_code) == ("清远社区居民委员会", "village", "530125001002")
    assert village.path == "530000/530100/530125/530125001/530125001002/"
    assert all(r.path == r.expected_path() for r in Region.objects.select_related("parent"))


def test_shipped_county_list_stays_authoritative():
    jinning = Region.objects.get(code="530115")
    assert (jinning.name, jinning.aliases, jinning.cost_share_label) == ("晋宁区", ["晋宁县", "530122"], "5:5")
    # functional zones keep their internal codes and have no NBS children of their own …
    zones = Region.objects.filter(level="zone").order_by("code")
    assert [(z.code, z.short_name) for z in zones] == [("KM-DCQ", "滇池度假区"), ("KM-GXQ", "高新区"),
                                                       ("KM-JKQ", "经开区"), ("KM-YZH", "阳宗海")]
    assert not Region.objects.filter(parent__level="zone").exists()
    # … while the NBS lists each zone's statistical area as a township of the county it lies in: kept there
    yzh = Region.objects.get(code="530125404")
    assert (yzh.name, yzh.level, yzh.parent.code) == ("昆明阳宗海风景名胜区", "township", "530125")
    assert Region.objects.get(code="530111402").parent.name == "官渡区"  # 昆明经济技术开发区


def test_loading_kunming_again_changes_nothing_and_is_recorded_once():
    rows = nbs.select(nbs.shipped_rows(), "5301")
    before = dict(Region.objects.values_list("code", "path"))
    result = region_load(actor=None, rows=rows, prefix="5301", source="测试")
    assert (result.total_created, result.updated, result.unchanged, result.kept) == (0, 0, 150 + 1738, 16)
    assert dict(Region.objects.values_list("code", "path")) == before
    record = ChangeRecord.objects.get()
    assert (record.action, record.object_type) == ("import", "行政区划")
    assert record.changes == {"新增": [None, 0], "更新": [None, 0], "未变": [None, 1888]}


def test_loading_qujing_from_the_shipped_data():
    rows = nbs.select(nbs.shipped_rows(), "5303")
    result = region_load(actor=None, rows=rows, prefix="5303", source="测试")
    assert result.created == {"city": 1, "county": 9, "township": 137, "village": 1688}
    assert result.kept == 1  # 云南省 is the shipped one
    qujing = Region.objects.get(code="530300")
    assert (qujing.name, qujing.parent.code, qujing.path) == ("曲靖市", "530000", "530000/530300/")
    assert _count(qujing.path, "village") == 1688
    assert set(result.completed) == set(Region.objects.filter(parent=qujing).values_list("code", flat=True))
    assert ChangeRecord.objects.count() == 1


def test_a_renamed_or_moved_region_in_a_newer_list_is_updated_with_its_subtree():
    town = Region.objects.get(code="530125001")
    fumin = Region.objects.get(code="530124")
    moved = nbs.NbsRow("530125001", "匡远街道（新）", "township", "530124", "测试 第2行")
    result = region_load(actor=None, rows=[moved], prefix="530125001", source="测试")
    assert (result.total_created, result.updated) == (0, 1)
    town.refresh_from_db()
    assert (town.name, town.parent_id, town.path) == ("匡远街道（新）", fumin.pk, "530000/530100/530124/530125001/")
    assert Region.objects.get(code="530125001002").path == "530000/530100/530124/530125001/530125001002/"


def test_a_load_with_a_missing_parent_writes_nothing():
    rows = [nbs.NbsRow("520102001", "甲街道", "township", "520102", "streets.csv 第2行"),
            nbs.NbsRow("520102002", "乙街道", "township", "520102", "streets.csv 第3行"),
            nbs.NbsRow("530125001099", "新社区", "village", "530125001", "villages.csv 第2行")]
    with pytest.raises(LoadInvalid) as refused:
        region_load(actor=None, rows=rows, prefix="", source="测试")
    assert refused.value.problems == [
        "streets.csv 第2行 等2行：上级区划“520102”不在区划表中，也不在本次载入的数据中（请一并载入上级各级的文件，或直接载入 npm 包）"]
    assert not Region.objects.filter(code="530125001099").exists() and not ChangeRecord.objects.exists()


def test_a_load_of_one_township_marks_no_county_whole():
    Region.objects.filter(code="530125").update(villages_loaded=False)
    rows = [nbs.NbsRow("530125001099", "新社区", "village", "530125001", "villages.csv 第2行")]
    result = region_load(actor=None, rows=rows, prefix="530125001", source="测试")
    assert result.created == {"village": 1} and result.completed == []
    assert not Region.objects.get(code="530125").villages_loaded
