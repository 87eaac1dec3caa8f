"""No search oracle: roles that see masked ID numbers search by name or by a whole ID only (a prefix
gets a message and no rows — in the list and in the export's filter), they see the birth year and not
the birth date (digits 7–14 of the ID), and every search by ID, by any role, is in the audit trail
with the ID masked."""

import re

import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.common.pii import mask_resident_id
from jixiao.registry.selectors import SEARCH_REFUSED_PREFIX, SEARCH_REFUSED_SHORT
from tests.registry.test_views import _export, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(registry_world):
    """The shared world with one registered person in each of four of its regions (tests/registry/conftest.py)."""
    return registry_world

MASKED_ROLES = ["city", "finance_city"]


def _shown(html) -> list[int]:
    return [int(x) for x in re.findall(r'data-person="(\d+)"', html)]


def _searches():
    return list(ChangeRecord.objects.filter(action=ChangeRecord.Action.SEARCH).order_by("id"))


@pytest.mark.parametrize("persona", MASKED_ROLES)
def test_masked_role_prefix_search_refused(world, persona):
    person = world.persons["yiliang"]
    client = client_for(world, persona)
    for length in (6, 10, 14, 17):  # the probe needed about 42 such searches to recover hidden digits
        for htmx in (False, True):
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.get("/registry/", {"q": person.id_number[:length]}, **extra)
            html = response.content.decode()
            assert response.status_code == 200 and SEARCH_REFUSED_PREFIX in html
            assert _shown(html) == [] and 'id="search-refused"' in html
    # typed any way (full-width digits, spaces) it is still a prefix
    wide = "".join(chr(ord(c) + 0xFEE0) for c in person.id_number[:12])
    html = client.get("/registry/", {"q": f" {wide[:6]} {wide[6:]} "}).content.decode()
    assert SEARCH_REFUSED_PREFIX in html and _shown(html) == []
    assert _searches() == []  # nothing was searched, nothing to record


@pytest.mark.parametrize("persona", MASKED_ROLES)
def test_masked_role_prefix_in_export_filter_refused(world, persona):
    person = world.persons["yiliang"]
    status, sheet = _export(client_for(world, persona), f"?q={person.id_number[:10]}")
    assert status == 403 and sheet is None
    assert not ChangeRecord.objects.filter(action=ChangeRecord.Action.EXPORT).exists()


@pytest.mark.parametrize("persona", MASKED_ROLES)
def test_masked_role_complete_id_found_and_recorded_masked(world, persona):
    person = world.persons["fumin"]
    client = client_for(world, persona)
    html = client.get("/registry/", {"q": person.id_number.lower()}).content.decode()
    assert _shown(html) == [person.pk] and "共 1 人" in html
    [record] = _searches()
    assert record.actor == world.users[persona] and record.object_label == mask_resident_id(person.id_number)
    assert record.note == "按身份证号查询（全号）：残疾人名册" and record.changes == {"找到": [None, 1]}
    every_field = " ".join(str(v) for v in ChangeRecord.objects.values_list(
        "object_label", "subject_id", "about_id", "note", "changes", "object_type"))
    assert person.id_number not in every_field and person.id_number[4:14] not in every_field
    # the birth date is digits 7–14 of the ID: a masked role sees the year only, in the list and the detail
    born = person.birth_date
    for page in (html, client.get(f"/registry/persons/{person.pk}/").content.decode()):
        assert f"{born:%Y-%m-%d}" not in page and f"{born.year}年{born.month}月{born.day}日" not in page
        assert str(born.year) in page


def test_complete_id_in_export_filter_recorded(world):
    person = world.persons["fumin"]
    status, sheet = _export(client_for(world, "city"), f"?q={person.id_number}")
    assert status == 200 and [r[0] for r in sheet[1:]] == [person.name]
    [record] = _searches()
    assert record.note == "按身份证号查询（全号）：导出残疾人名册" and record.object_label == mask_resident_id(person.id_number)
    export = ChangeRecord.objects.get(action=ChangeRecord.Action.EXPORT)
    assert f"搜索={mask_resident_id(person.id_number)}" in export.note
    assert not ChangeRecord.objects.filter(note__contains=person.id_number[4:14]).exists()


def test_county_prefix_search_works_and_is_recorded(world):
    person = world.persons["yiliang"]
    client = client_for(world, "county_yl")
    prefix = person.id_number[:12]
    html = client.get("/registry/", {"q": prefix}).content.decode()
    # every 宜良县 person of the world was born on 1980-01-01 in 530125: the prefix finds all three
    assert sorted(_shown(html)) == sorted(world.persons[k].pk for k in ("yiliang", "yl_town", "yl_village"))
    [record] = _searches()
    assert record.actor == world.users["county_yl"] and record.object_label == "5301********"
    assert record.note == "按身份证号查询（前 12 位）：残疾人名册" and record.changes == {"找到": [None, 3]}
    # the county sees whole birth dates (they may see whole numbers; the reveal is recorded)
    assert f"{person.birth_date:%Y-%m-%d}" in html
    # a prefix shorter than an area code is refused with its own message (it would match most of the registry)
    html = client.get("/registry/", {"q": "5301"}).content.decode()
    assert SEARCH_REFUSED_SHORT in html and _shown(html) == [] and len(_searches()) == 1


def test_name_search_is_a_prefix_and_not_recorded(world):
    client = client_for(world, "city")
    assert len(_shown(client.get("/registry/", {"q": "人员"}).content.decode())) == 4
    assert _shown(client.get("/registry/", {"q": "人员fu"}).content.decode()) == [world.persons["fumin"].pk]
    assert _shown(client.get("/registry/", {"q": "员"}).content.decode()) == []  # not a substring search
    assert _searches() == []
    html = client.get("/registry/").content.decode()
    assert "姓名（从第一个字起），或完整的 18 位身份证号" in html
    assert "全号或前 6 位以上" in client_for(world, "county_yl").get("/registry/").content.decode()
