"""The region filter of the project and registry lists stays short with the township and village tree
loaded: county level and above within the user's scope, a county user's own townships, and a township
someone links to when it lies inside their scope."""

import re

import pytest
from django.test import Client

from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

# options besides “全部区划”: Kunming has 1 city, 14 counties and 4 functional zones; 宜良县 has 10
# townships, 富民县 7 (NBS 2023)
OPTIONS = {"admin": 1 + 1 + 14 + 4, "city": 1 + 18, "county_yl": 1 + 10, "county_fm": 1 + 7, "town_yl": 1,
           "village_yl": 0, "finance_city": 1 + 18, "finance_fm": 1 + 7, "evaluator": 0}
REGISTRY = {"admin", "city", "county_yl", "county_fm", "town_yl", "village_yl", "finance_city", "finance_fm"}


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(1))


def _client(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_filter_lists_county_level_and_own_townships(world, persona):
    client = _client(world, persona)
    assert len(_options(client.get("/projects/").content.decode())) == OPTIONS[persona]
    response = client.get("/registry/")
    if persona in REGISTRY:
        assert len(_options(response.content.decode())) == OPTIONS[persona]


def test_a_township_inside_the_scope_can_still_be_chosen_by_link(world):
    town = world.regions["yl_town"]
    html = _client(world, "city").get("/projects/", {"region": town.pk}).content.decode()
    assert str(town.pk) in _options(html)
    assert sorted(re.findall(r'data-project="(\d+)"', html)) == sorted(
        [str(world.projects["yl_town"].pk), str(world.projects["yl_village"].pk)])
    # outside the scope it is not offered, and nothing from there is listed
    html = _client(world, "county_fm").get("/projects/", {"region": town.pk}).content.decode()
    assert str(town.pk) not in _options(html)
    assert re.findall(r'data-project="(\d+)"', html) == [str(world.projects["fumin"].pk)]
