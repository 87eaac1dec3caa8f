"""Region edits in Django admin (系统管理) go through the region services: validated, audited, and a
moved region carries its whole subtree (townships, villages) along, so scoping keeps working."""

import pytest
from django.test import Client

from jixiao.changelog.models import ChangeRecord
from jixiao.projects.selectors import projects_visible
from jixiao.regions.models import Region

pytestmark = pytest.mark.django_db


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def _form(region: Region, **overrides) -> dict:
    data = {"code": region.code, "gb_code": region.gb_code or "", "name": region.name,
            "short_name": region.short_name, "aliases": "[]", "level": region.level,
            "parent": region.parent_id or "", "city_share": region.city_share if region.city_share is not None else "",
            "county_share": region.county_share if region.county_share is not None else ""}
    data.update(overrides)
    return data


def test_county_reparented_in_admin_takes_its_townships_and_villages_along(world):
    client = _admin(world)
    province = Region.objects.get(code="530000")
    response = client.post("/admin/regions/region/add/", {
        "code": "539900", "gb_code": "", "name": "测试市", "short_name": "", "aliases": "[]", "level": "city",
        "parent": province.pk, "city_share": "", "county_share": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    new_city = Region.objects.get(code="539900")
    yiliang = world.regions["yiliang"]
    response = client.post(f"/admin/regions/region/{yiliang.pk}/change/", _form(yiliang, parent=new_city.pk))
    assert response.status_code == 302, response.content.decode()[:2000]

    yiliang.refresh_from_db()
    assert yiliang.path == "530000/539900/530125/"
    town = Region.objects.get(pk=world.regions["yl_town"].pk)
    village = Region.objects.get(pk=world.regions["yl_village"].pk)
    assert town.path == f"530000/539900/530125/{town.code}/"
    assert village.path == f"530000/539900/530125/{town.code}/{village.code}/"
    # scoping follows: the 宜良 county user still sees its township and village projects, the city no longer
    county_sees = set(projects_visible(world.users["county_yl"]).values_list("name", flat=True))
    assert county_sees == {"测试项目-yiliang", "测试项目-yl_town", "测试项目-yl_village"}
    city_sees = set(projects_visible(world.users["city"]).values_list("name", flat=True))
    assert city_sees == {"测试项目-kunming", "测试项目-fumin"}
    record = ChangeRecord.objects.filter(object_type="行政区划", action="update").get()
    assert record.changes["上级区划"] == ["昆明市", "测试市"] and record.actor_label == "admin"


def test_admin_shows_why_a_move_is_refused_and_changes_nothing(world):
    client = _admin(world)
    yiliang = world.regions["yiliang"]
    response = client.post(f"/admin/regions/region/{yiliang.pk}/change/", _form(yiliang, parent=world.regions["yl_town"].pk))
    assert response.status_code == 200
    assert "不能把“宜良县”移到它自己或它的下级“匡远街道”之下" in response.content.decode()
    response = client.post("/admin/regions/region/add/", {
        "code": "530125001999", "gb_code": "", "name": "新村", "short_name": "", "aliases": "[]", "level": "village",
        "parent": yiliang.pk, "city_share": "", "county_share": ""})
    assert response.status_code == 200
    assert "村/社区的上级应为乡镇/街道，“宜良县”是县（市、区）" in response.content.decode()
    assert Region.objects.get(pk=yiliang.pk).path == "530000/530100/530125/"
    assert not Region.objects.filter(code="530125001999").exists()
    assert not ChangeRecord.objects.filter(object_type="行政区划").exists()


def test_admin_add_and_delete_go_through_the_services(world):
    client = _admin(world)
    town = world.regions["yl_town"]
    response = client.post("/admin/regions/region/add/", {
        "code": "530125001999", "gb_code": "", "name": "新社区", "short_name": "", "aliases": "[]",
        "level": "village", "parent": town.pk, "city_share": "", "county_share": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Region.objects.get(code="530125001999")
    assert new.path == f"{town.path}530125001999/"
    response = client.post(f"/admin/regions/region/{new.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.filter(code="530125001999").exists()
    assert list(ChangeRecord.objects.filter(object_type="行政区划").order_by("id").values_list("action", "note")) == [
        ("create", "系统管理"), ("delete", "系统管理")]
