"""The per-capita check on the pages: the project's 资金 tab lists its allocations against the rule's city
share per person and marks those beyond the tolerance; the dashboard counts and lists them — only for users
who may see the project (404 / absent for another region's users)."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.test import Client

from jixiao.scoring.inputs import Allocation, Expenditure, FundSource
from tests.factories import sample_project
from tests.personas import store

pytestmark = pytest.mark.django_db


def login(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def pension(world):
    """A city project of 2022 whose allocation to 石林县 is 320 元/人 (the rule: 200 元 × 5:5 = 100)."""
    return store(sample_project(
        name="三、四级残疾人城乡居民养老保险个人缴费补助", year=2022, owner_unit="测试市残疾人联合会",
        fund_sources=[FundSource("市级", D("46"), D("46"))], expenditures=[Expenditure("下拨各县区", D("46"))],
        allocations=[Allocation("石林县", "530126", D("32"), None, 1000),
                     Allocation("东川区", "530113", D("14"), None, 1000)]))


def test_funds_tab_flags_the_allocation(world, pension):
    client = login(world, "city")
    html = client.get(f"/projects/{pension.pk}/tab/funds/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="per-capita-table"' in html and "1 个区划超出允许偏差" in html
    flagged = re.findall(r'<tr class="per-capita-flagged"><td>([^<]+)</td>', html)
    assert flagged == ["石林县"]
    assert "<td class=\"num\">320.00元/人</td><td class=\"num\">100.00元/人</td><td class=\"num\">+220.00%</td>" in html
    assert ("石林县人均320.00元/人（下拨32万元÷实际补助1000人），按2022年补助标准和市级承担比例应为100.00元/人"
            "（昆人社通〔2022〕18号、昆残联发〔2016〕10号），高出220.00%，超过允许偏差50%。") in html
    assert "东川区" in html and html.count("超出</span>") == 1  # 东川区 140 元/人: as the rule says
    page = client.get(f"/projects/{pension.pk}/", {"tab": "funds"}).content.decode()  # the full page, same tab
    assert 'class="per-capita-flagged"' in page


def test_funds_tab_of_another_programme_has_no_check(world):
    client = login(world, "city")
    html = client.get(f"/projects/{world.projects['kunming'].pk}/tab/funds/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="allocation-table"' in html and 'id="per-capita' not in html


def test_dashboard_lists_the_flag_for_who_may_see_it(world, pension):
    html = login(world, "city").get("/").content.decode()
    assert 'id="per-capita-count">1<' in html
    table = html.split('id="per-capita-flags"')[1].split("</table>")[0]
    assert f'href="/projects/{pension.pk}/?tab=funds">2022年三、四级残疾人城乡居民养老保险个人缴费补助</a>' in table
    assert "<td>石林县</td>" in table and "320.00元/人" in table and "东川区" not in table
    assert 'id="per-capita-count">1<' in login(world, "admin").get("/", {"year": "2022"}).content.decode()
    assert 'id="per-capita' not in login(world, "admin").get("/", {"year": "2024"}).content.decode()


@pytest.mark.parametrize("persona", ["county_fm", "county_yl", "town_yl"])
def test_other_regions_see_neither_tab_nor_flag(world, pension, persona):
    client = login(world, persona)
    assert client.get(f"/projects/{pension.pk}/tab/funds/", HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(f"/projects/{pension.pk}/", {"tab": "funds"}).status_code == 404
    html = client.get("/").content.decode()
    assert 'id="per-capita' not in html and "石林县" not in html
