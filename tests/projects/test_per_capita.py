"""The per-capita check of stored projects (``projects.selectors.project_per_capita`` / ``per_capita_flags``):
a pension-subsidy project's county allocations against the rule's city share per person, in the user's scope."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.projects.models import Allocation as StoredAllocation
from jixiao.projects.selectors import per_capita_flags, project_per_capita
from jixiao.scoring.inputs import Allocation, Expenditure, FundSource, PolicyDocument
from tests.factories import sample_project
from tests.personas import store

pytestmark = pytest.mark.django_db

PENSION_NAME = "三、四级残疾人城乡居民养老保险个人缴费补助"


def pension_project(**overrides):
    """A city project of 2022: 石林县 320 元/人 (100 expected), 东川区 140 (as expected), 阳宗海 (a zone) 100."""
    fields = dict(
        name=PENSION_NAME, year=2022, owner_unit="测试市残疾人联合会",
        fund_sources=[FundSource("市级", D("51"), D("51"))],
        allocations=[Allocation("石林县", "530126", D("32"), None, 1000),
                     Allocation("东川区", "530113", D("14"), None, 1000),
                     Allocation("阳宗海", "KM-YZH", D("5"), None, 500)],
        expenditures=[Expenditure("下拨各县区", D("51"))],
    )
    fields.update(overrides)
    return store(sample_project(**fields))


def test_a_pension_project_is_checked_row_by_row(world):
    view = project_per_capita(pension_project())
    assert (view.programme, view.year, view.tolerance, view.notes) == (
        "三、四级残疾人城乡居民养老保险个人缴费补助", 2022, "50%", [])
    assert [(r.region, r.per_capita, r.expected, r.flagged) for r in view.rows] == [
        ("石林县", "320.00元/人", "100.00元/人", True),
        ("东川区", "140.00元/人", "140.00元/人", False),
        ("阳宗海", "100.00元/人", "100.00元/人", False),  # the zone's 5:5 from the region list
    ]
    (flagged,) = view.flagged
    assert flagged.message.startswith("石林县人均320.00元/人（下拨32万元÷实际补助1000人），按2022年补助标准")
    assert "昆人社通〔2022〕18号、昆残联发〔2016〕10号" in flagged.message


def test_recognised_by_its_document_when_the_name_omits_the_levels(world):
    """Seed 001's demo project is called 残疾人社会养老保险补助经费 and cites 昆残联发〔2016〕10号."""
    named = "残疾人社会养老保险补助经费"
    assert project_per_capita(pension_project(name=named)) is None  # the sample's only document: 测财社〔2024〕1号
    project = pension_project(name=named, owner_unit="另一单位", policies=[
        PolicyDocument("关于印发〈昆明市三、四级残疾人参加城乡居民社会养老保险个人缴费补助办法（试行）〉的通知",
                       "昆残联发〔2016〕10号")])
    assert [r.region for r in project_per_capita(project).flagged] == ["石林县"]


def test_other_projects_and_rows_without_people_are_not_checked(world):
    assert project_per_capita(world.projects["kunming"]) is None  # 测试项目-kunming: not the programme
    project = pension_project(allocations=[Allocation("石林县", "530126", D("32"), None, 1000),
                                           Allocation("东川区", "530113", D("19"), None, 1000)])
    # a stored row may lack its count (the model allows it; a workbook then gives the target's actual)
    StoredAllocation.objects.filter(project=project, region__code="530126").update(actual_beneficiaries=None)
    view = project_per_capita(project)
    assert [r.region for r in view.rows] == ["东川区"] and view.flagged == [] and view.rows[0].per_capita == "190.00元/人"
    assert view.notes == ["石林县未填实际补助人数，未核对人均"]


def test_flags_follow_the_users_scope_and_year(world):
    project = pension_project()
    flags = per_capita_flags(user=world.users["city"])
    assert [(f.project_id, f.project, f.row.region, f.row.per_capita) for f in flags] == [
        (project.pk, "2022年三、四级残疾人城乡居民养老保险个人缴费补助", "石林县", "320.00元/人")]
    assert per_capita_flags(user=world.users["city"], year=2022) == flags
    assert per_capita_flags(user=world.users["city"], year=2024) == []
    assert per_capita_flags(user=world.users["county_fm"]) == []  # a city project: outside 富民县's scope
    assert per_capita_flags(user=world.users["county_yl"]) == []


def test_the_demo_project_of_seed_001_flags_shilin_and_dongchuan(world):
    from jixiao.demo.seeds import load_seed

    view = project_per_capita(store(load_seed("001")))
    assert len(view.rows) == 9 and view.notes == []
    assert [(r.region, r.per_capita, r.expected, r.difference) for r in view.flagged] == [
        ("石林县", "320.00元/人", "100.00元/人", "+220.00%"), ("东川区", "214.55元/人", "140.00元/人", "+53.25%")]
