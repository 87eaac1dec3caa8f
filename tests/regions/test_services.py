"""Region writes: create and update validate the tree, record one change with old → new, and a move
(new parent or new code) rewrites the whole subtree's paths in one UPDATE."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.changelog.models import ChangeRecord
from jixiao.regions.models import Region
from jixiao.regions.services import RegionError, region_create, region_delete, region_update

pytestmark = pytest.mark.django_db

YILIANG_TOWNSHIPS = 10  # NBS 2023: 匡远、汤池、南羊街道, 北古城、狗街、竹山、马街镇, 耿家营、九乡乡, 阳宗海风景名胜区
YILIANG_VILLAGES = 141


def _subtree(region: Region) -> list[Region]:
    return list(Region.objects.filter(path__startswith=region.path).exclude(pk=region.pk))


def _new_city() -> Region:
    return region_create(actor=None, code="539900", name="测试市", level="city", parent=Region.objects.get(code="530000"))


def test_create_records_the_new_region_with_its_path():
    city = _new_city()
    assert city.path == "530000/539900/"
    record = ChangeRecord.objects.get(action="create", object_type="行政区划")
    assert (record.subject_id, record.region) == (str(city.pk), city)
    assert record.changes == {"区划代码": [None, "539900"], "名称": [None, "测试市"], "层级": [None, "city"],
                              "上级区划": [None, "云南省"]}


def test_reparenting_a_county_moves_all_descendants_in_one_update():
    yiliang = Region.objects.get(code="530125")
    below = _subtree(yiliang)
    assert (sum(r.level == "township" for r in below), sum(r.level == "village" for r in below)) == (
        YILIANG_TOWNSHIPS, YILIANG_VILLAGES)
    city = _new_city()
    with CaptureQueriesContext(connection) as queries:
        region_update(actor=None, region=yiliang, parent=city)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2  # the subtree in one statement, then the county's own row
    assert "LIKE" in updates[0].upper() and "SUBSTR" in updates[0].upper()
    moved = _subtree(Region.objects.get(code="530125"))
    assert len(moved) == YILIANG_TOWNSHIPS + YILIANG_VILLAGES
    for region in moved:
        assert region.path.startswith("530000/539900/530125/")
        assert region.path == region.expected_path()  # each one consistent with its own parent
    assert not Region.objects.filter(path__startswith="530000/530100/530125/").exists()
    record = ChangeRecord.objects.get(action="update", object_type="行政区划")
    assert record.changes == {"上级区划": ["昆明市", "测试市"]}
    assert record.note == f"修改区划（下级{YILIANG_TOWNSHIPS + YILIANG_VILLAGES}个区划的路径随之更新）"


def test_code_change_rewrites_the_subtree_and_leaves_neighbours_alone():
    town = Region.objects.get(code="530125001")  # 匡远街道
    villages = {r.pk for r in _subtree(town)}
    neighbour = Region.objects.get(code="530125002001")  # a village of 汤池街道, same county
    region_update(actor=None, region=town, code="530125099", gb_code="530125099")
    moved = Region.objects.filter(pk__in=villages)
    assert {r.path[: len("530000/530100/530125/530125099/")] for r in moved} == {"530000/530100/530125/530125099/"}
    assert Region.objects.get(pk=neighbour.pk).path == neighbour.path
    record = ChangeRecord.objects.get(action="update")
    assert record.changes == {"区划代码": ["530125001", "530125099"], "国标代码": ["530125001", "530125099"]}


def test_moving_a_region_under_its_own_descendant_is_refused():
    yiliang = Region.objects.get(code="530125")
    town = Region.objects.get(code="530125001")
    with pytest.raises(RegionError, match="不能把“宜良县”移到它自己或它的下级“匡远街道”之下"):
        region_update(actor=None, region=yiliang, parent=town)
    with pytest.raises(RegionError, match="不能把“宜良县”移到它自己"):
        region_update(actor=None, region=yiliang, parent=yiliang)
    assert Region.objects.get(code="530125").path == "530000/530100/530125/"
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(("code", "parent_code", "message"), [
    ("530125", "530000", "县（市、区）的上级应为市，“云南省”是省"),
    ("530125001002", "530125", "村/社区的上级应为乡镇/街道，“宜良县”是县（市、区）"),
    ("530125001", "530124001", "乡镇/街道的上级应为县（市、区）或功能区或市，“永定街道”是乡镇/街道"),
    ("530100", None, "市必须有上级区划（省）"),
])
def test_parent_of_an_impossible_level_is_refused(code, parent_code, message):
    region = Region.objects.get(code=code)
    before = region.path
    parent = Region.objects.get(code=parent_code) if parent_code else None
    with pytest.raises(RegionError) as refused:
        region_update(actor=None, region=region, parent=parent)
    assert str(refused.value) == message
    assert Region.objects.get(code=code).path == before and not ChangeRecord.objects.exists()


def test_level_change_that_would_orphan_children_is_refused():
    with pytest.raises(RegionError, match="“匡远街道”下有村/社区，不能改为县（市、区）"):
        region_update(actor=None, region=Region.objects.get(code="530125001"), level="county",
                      parent=Region.objects.get(code="530100"))
    assert Region.objects.get(code="530125001").level == "township"


@pytest.mark.parametrize(("fields", "message"), [
    ({"code": "5301/25"}, "区划代码应由数字、大写字母和连字符组成"),
    ({"code": "km-x"}, "区划代码应由数字、大写字母和连字符组成"),
    ({"code": "530124"}, "区划代码“530124”已被“富民县”使用"),
    ({"gb_code": "53012"}, "国标代码应为6、9或12位数字"),
    ({"gb_code": "530124"}, "国标代码“530124”已被“富民县”使用"),
    ({"city_share": 6}, "市级、县级分担比例应同时填写"),
    ({"name": ""}, "名称不能为空"),
])
def test_invalid_values_are_refused(fields, message):
    with pytest.raises(RegionError, match=message):
        region_update(actor=None, region=Region.objects.get(code="530125"), **fields)
    assert Region.objects.get(code="530125").name == "宜良县"


def test_save_outside_the_services_cannot_leave_a_wrong_path():
    town = Region.objects.get(code="530125001")
    town.parent = Region.objects.get(code="530124")  # moved without the service: the subtree would stay behind
    with pytest.raises(ValueError, match="region_create / region_update"):
        town.save()
    new = Region(code="X-1", name="无路径", level="township", parent=Region.objects.get(code="530124"))
    with pytest.raises(ValueError):
        new.save()
    assert Region.objects.get(code="530125001").path == "530000/530100/530125/530125001/"


def test_delete_refuses_a_region_with_children_and_records_a_leaf():
    with pytest.raises(RegionError, match="“匡远街道”下还有19个下级区划，不能删除"):
        region_delete(actor=None, region=Region.objects.get(code="530125001"))
    leaf = Region.objects.get(code="530125001002")
    region_delete(actor=None, region=leaf)
    assert not Region.objects.filter(code="530125001002").exists()
    assert ChangeRecord.objects.get(action="delete").object_label == "清远社区居民委员会"
