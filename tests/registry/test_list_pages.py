"""The registry list at any size: keyset pages (next after the last row shown, previous before the first;
no OFFSET) in the list's order — region, then name by code point, then id — on the scoped subtree;
the count cached per region set and filter and changed at once by an import."""

import re

import pytest
from django.test import Client

from jixiao.accounts.selectors import user_scope
from jixiao.regions.models import Region
from jixiao.registry.importer import registry_import
from jixiao.registry.models import Person
from jixiao.registry.selectors import PersonFilters, person_page
from tests.registry.rows import make_id, row, write_csv

pytestmark = pytest.mark.django_db

# 60 persons: 宜良县 (county level and the test village), 富民县; names chosen so that code-point order,
# ties on the name and the village's own region all matter.
NAMES = ["王伟", "王伟", "王建国", "李娜", "张三", "赵六", "王", "王伟华", "Zhang", "阿依"]


@pytest.fixture
def people(world, tmp_path):
    codes = ["530125003004", "530125001002", "530124001001"]
    rows = [row(姓名=NAMES[i % len(NAMES)], 身份证号=make_id(born=f"1970{1 + i % 12:02d}{1 + i % 28:02d}", seq=f"{i:03d}"),
                户籍地区划代码=codes[i % 3]) for i in range(60)]
    assert registry_import(write_csv(tmp_path / "60.csv", rows), actor=None, parallel=False).created == 60
    return world


def _order(persons):
    return sorted(persons, key=lambda p: (p.region.list_partition, p.name.encode("utf-8"), p.pk))


def _walk(user, filters, size):
    """Every page forward, then every page back from the last: the pages' pks."""
    forward, page = [], person_page(user=user, filters=filters, size=size)
    assert page.is_first
    forward.append([p["pk"] for p in page.rows])
    while page.next_after:
        page = person_page(user=user, filters=filters, after=page.next_after, size=size)
        forward.append([p["pk"] for p in page.rows])
    backward = [forward[-1]]
    while not page.is_first:
        page = person_page(user=user, filters=filters, before=page.previous_before, size=size)
        backward.append([p["pk"] for p in page.rows])
    return forward, backward[::-1], page.count


@pytest.mark.parametrize("persona,expected", [("admin", 60), ("city", 60), ("county_yl", 40), ("county_fm", 20),
                                              ("village_yl", 20)])
def test_keyset_pages_walk_the_whole_scoped_list_in_order(people, persona, expected):
    user = people.users[persona]
    forward, backward, count = _walk(user, PersonFilters(), size=7)
    flat = [pk for page in forward for pk in page]
    scope = user_scope(user)
    visible = Person.objects.all() if persona == "admin" else Person.objects.filter(region__path__startswith=scope.region_path)
    assert count == expected == len(flat) == len(set(flat))
    assert flat == [p.pk for p in _order(visible)]
    assert [len(p) for p in forward] == [7] * (expected // 7) + ([expected % 7] if expected % 7 else [])
    # backwards from the last page: the same pages, except that the first may be filled up to a full page
    assert backward[1:] == forward[1:] and backward[0] == forward[0]


def test_name_search_pages_and_filters(people):
    user = people.users["city"]
    forward, _, count = _walk(user, PersonFilters(q="王伟"), size=4)
    found = Person.objects.filter(name__startswith="王伟")
    assert count == found.count() == 18 and [pk for page in forward for pk in page] == [p.pk for p in _order(found)]
    fumin = people.regions["fumin"]
    page = person_page(user=user, filters=PersonFilters(region_id=fumin.pk, level=3), size=100)
    assert page.count == 20 and {p["region_id"] for p in page.rows} == {Region.objects.get(code="530124001001").pk}
    assert person_page(user=user, filters=PersonFilters(level=1)).count == 0


def test_cursor_outside_the_scope_is_ignored(people):
    """A cursor is a pk: one the user cannot see gives the first page (its name would otherwise place the page)."""
    fumin_person = Person.objects.filter(region__path__startswith=people.regions["fumin"].path).first()
    user = people.users["county_yl"]
    first = person_page(user=user, filters=PersonFilters(), size=5)
    assert [p["pk"] for p in person_page(user=user, filters=PersonFilters(), after=fumin_person.pk, size=5).rows] == \
        [p["pk"] for p in first.rows]
    client = Client()
    client.force_login(user)
    html = client.get("/registry/", {"after": fumin_person.pk}).content.decode()
    assert re.findall(r'data-person="(\d+)"', html)[:5] == [str(p["pk"]) for p in first.rows]
    assert client.get("/registry/", {"after": "x", "before": "-"}).status_code == 200


def test_page_links_and_count_follow_an_import(people, tmp_path):
    client = Client()
    client.force_login(people.users["city"])
    html = client.get("/registry/", {"q": "王"}).content.decode()
    shown = re.findall(r'data-person="(\d+)"', html)
    assert "共 30 人" in html and len(shown) == 25 and 'id="page-previous"' not in html
    assert f'href="?q=%E7%8E%8B&amp;after={shown[-1]}"' in html  # the next page starts after the last row shown
    page2 = client.get("/registry/", {"q": "王", "after": shown[-1]}).content.decode()
    shown2 = re.findall(r'data-person="(\d+)"', page2)
    assert len(shown2) == 5 and not set(shown) & set(shown2) and 'id="page-next"' not in page2
    assert f'href="?q=%E7%8E%8B&amp;before={shown2[0]}"' in page2 and 'id="page-first"' in page2
    # the count is cached, and an import changes it at once
    more = write_csv(tmp_path / "1.csv", [row(姓名="王新", 身份证号=make_id(seq="900"))])
    registry_import(more, actor=None, parallel=False)
    assert "共 31 人" in client.get("/registry/", {"q": "王"}).content.decode()


def _tally():
    from jixiao.registry.models import RegistryTally

    return {(t.region_id, t.category, t.level, t.status): t.persons for t in RegistryTally.objects.all() if t.persons}


def _grouped():
    from collections import Counter

    from jixiao.registry.models import Certificate

    return dict(Counter(Certificate.objects.values_list("person__region_id", "category", "level", "status")))


def test_tally_kept_by_every_import(people, tmp_path):
    from jixiao.registry.importer import registry_tally_rebuild

    assert _tally() == _grouped() and sum(_tally().values()) == 60
    first = Person.objects.order_by("pk").first()
    changes = [
        row(姓名=first.name, 身份证号=first.id_number, 户籍地区划代码="530124001001", 残疾类别="视力", 残疾等级="一级",
            证件状态="注销", 注销原因="迁出"),                                           # region, category, level, status
        row(姓名="新来", 身份证号=make_id(seq="950"), 户籍地区划代码="530125003004"),  # created
        row(姓名="改名", 身份证号=Person.objects.order_by("pk")[1].id_number),        # refused: name differs
    ]
    before = _tally()
    for kwargs in ({"dry_run": True}, {"strict": True}):  # rolled back: the tally too
        registry_import(write_csv(tmp_path / "改.csv", changes), actor=None, parallel=False, **kwargs)
        assert _tally() == before
    result = registry_import(write_csv(tmp_path / "改.csv", changes), actor=None, parallel=False)
    assert (result.updated, result.created, result.rejected) == (1, 1, 1)
    assert _tally() == _grouped() != before and sum(_tally().values()) == 61
    fumin = people.regions["fumin"]
    assert person_page(user=people.users["city"], filters=PersonFilters(category=1)).count == 1
    assert person_page(user=people.users["county_fm"], filters=PersonFilters(status="cancelled")).count == 1
    assert person_page(user=people.users["city"], filters=PersonFilters(region_id=fumin.pk)).count == 21
    tally = _tally()
    assert registry_tally_rebuild() == len(tally) and _tally() == tally


def test_a_moved_township_leaves_the_county_list_at_once(people):
    """The list's regions are kept per scope between requests; moving a township under another county
    (a change record) must change both counties' lists on the next request, not after a cache expires."""
    from jixiao.regions.services import region_update

    yiliang, fumin = people.users["county_yl"], people.users["county_fm"]
    assert person_page(user=yiliang, filters=PersonFilters()).count == 40  # read: the regions are kept now
    town = Region.objects.get(code="530125001")
    moved = set(Person.objects.filter(region__path__startswith=town.path).values_list("pk", flat=True))
    assert len(moved) == 20
    region_update(actor=people.users["admin"], region=town, parent=Region.objects.get(code="530124"))
    for user in (yiliang, fumin):  # a new request: a fresh user object, as the middleware gives
        user.__dict__.pop("_jixiao_registry_regions", None)
    after_yl = {p["pk"] for p in person_page(user=yiliang, filters=PersonFilters(), size=100).rows}
    after_fm = {p["pk"] for p in person_page(user=fumin, filters=PersonFilters(), size=100).rows}
    assert not moved & after_yl and len(after_yl) == 20
    assert moved <= after_fm and len(after_fm) == 40
    # the township keeps the partition it was created in (persons are not rewritten by a move): 富民县's list
    # now reads two partitions and checks the regions of the second; its pages still walk the whole list
    town.refresh_from_db()
    assert town.list_partition == "530125" and Region.objects.get(code="530124").list_partition == "530124"
    forward, backward, count = _walk(fumin, PersonFilters(), size=7)
    flat = [pk for page in forward for pk in page]
    assert count == 40 and set(flat) == after_fm and len(flat) == 40
    assert flat == [p.pk for p in _order(Person.objects.filter(pk__in=after_fm))]
    assert backward[1:] == forward[1:]


def test_a_cached_scope_is_used_only_for_the_list_it_was_made_for(people):
    """The per-process caches are keyed by id() of a scope's region list; a freed list's id comes back for another
    list. An entry holding another list must never place the page (here: a city-wide scope under 宜良县's key)."""
    from jixiao.registry import selectors

    city, yiliang = people.users["city"], people.users["county_yl"]
    wide = selectors._list_scope(city, None)
    regions = selectors.regions_for_list(yiliang)
    selectors._LIST_SCOPES[(id(regions), None)] = (list(regions), wide)  # same id, another list object
    selectors._REGION_NAMES[id(regions)] = (list(regions), {})
    page = person_page(user=yiliang, filters=PersonFilters(), size=100)
    assert page.count == 40 and len(page.rows) == 40
    assert all(selectors.region_names_for_list(yiliang).get(r["region_id"]) for r in page.rows)
