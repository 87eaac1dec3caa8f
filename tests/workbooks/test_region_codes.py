"""Region codes typed in a project workbook are checked against the region table exactly (no prefix
fallback): an unknown village code is refused. An allocation may go to a township (街道/乡镇) or village
within the project's 所属区划 — a county project's own, or a city project's counties' — or, as before, to a
county-level unit; all rows at one level; a township or village outside it is refused where it is typed. The
database and the shipped catalog (no database: ``jixiao evaluate --no-store``) decide alike."""

from decimal import Decimal as D

import pytest

from jixiao.common.problems import InputInvalid
from jixiao.regions.catalog import resolve_region
from jixiao.regions.selectors import region_resolve
from jixiao.scoring.inputs import Allocation
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project

pytestmark = pytest.mark.django_db

LOOKUPS = pytest.mark.parametrize("lookup", [region_resolve, resolve_region], ids=["database", "catalog"])
YILIANG = {"region_code": "530125", "region_name": "宜良县"}


def _write(tmp_path, allocations, **overrides):
    project = sample_project(allocations=allocations, **overrides)
    path = tmp_path / "p.xlsx"
    write_workbook(path, project)
    return path


def _problems(tmp_path, allocations, lookup=region_resolve, **overrides) -> list[tuple]:
    with pytest.raises(InputInvalid) as caught:
        read_workbook(_write(tmp_path, allocations, **overrides), region_lookup=lookup)
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


def _with_second(typed: str) -> list[Allocation]:
    return [Allocation("宜良县", "", D("60"), None, 600), Allocation(typed, "", D("40"), None, 420)]


@LOOKUPS
def test_allocation_to_an_unknown_code_is_refused(tmp_path, lookup):
    assert _problems(tmp_path, _with_second("530125001999"), lookup) == [
        ("资金分配", 3, "区划", "未知区划“530125001999”，请填写县（市、区）名称或6位区划代码")]


@LOOKUPS
@pytest.mark.parametrize(("typed", "level"), [("530125001", "街道（乡镇）"), ("530125001002", "村（社区）")])
def test_a_city_project_may_not_mix_counties_and_townships(tmp_path, lookup, typed, level):
    # 昆明市's project: 宜良县 and a township (village) of 宜良县 itself would count the money twice
    assert _problems(tmp_path, _with_second(typed), lookup) == [
        ("资金分配", 3, "区划", f"“{typed}”是{level}，第2行是县（市、区）：资金分配表各行须为同一层级的区划")]


@LOOKUPS
def test_allocation_to_a_county_by_code_or_name_still_reads(tmp_path, lookup):
    path = _write(tmp_path, _with_second("530124"))
    read = read_workbook(path, region_lookup=lookup)
    assert [(a.region_code, a.region_name, a.region_level) for a in read.allocations] == [
        ("530125", "宜良县", "county"), ("530124", "富民县", "county")]


@LOOKUPS
def test_a_county_project_allocates_to_its_townships_by_code_or_name(tmp_path, lookup):
    allocations = [Allocation("530125001", "", D("50"), None, 500), Allocation("汤池街道", "", D("30"), None, 300),
                   Allocation("南羊街道", "", D("20"), None, 200)]
    read = read_workbook(_write(tmp_path, allocations, **YILIANG), region_lookup=lookup)
    assert [(a.region_code, a.region_name, a.region_level) for a in read.allocations] == [
        ("530125001", "匡远街道", "township"), ("530125002", "汤池街道", "township"),
        ("530125003", "南羊街道", "township")]


@LOOKUPS
def test_a_county_project_allocates_to_its_villages(tmp_path, lookup):
    read = read_workbook(_write(tmp_path, [Allocation("530125001002", "", D("100"), None, 1020)], **YILIANG),
                         region_lookup=lookup)
    assert [(a.region_name, a.region_level) for a in read.allocations] == [("清远社区居民委员会", "village")]


@LOOKUPS
def test_a_township_of_another_county_is_refused(tmp_path, lookup):
    # 530124001 永定街道 belongs to 富民县
    allocations = [Allocation("匡远街道", "", D("60"), None, 600), Allocation("530124001", "", D("40"), None, 420)]
    assert _problems(tmp_path, allocations, lookup, **YILIANG) == [
        ("资金分配", 3, "区划", "“530124001”（永定街道）不在项目所属区划“宜良县”内：资金分配的街道（乡镇）、"
                             "村（社区）须是宜良县所辖的")]


@LOOKUPS
def test_county_level_units_read_as_before_in_a_county_project(tmp_path, lookup):
    # before townships could be listed, a county project's workbook listed county-level units: still read
    read = read_workbook(_write(tmp_path, _with_second("富民县"), **YILIANG), region_lookup=lookup)
    assert [a.region_code for a in read.allocations] == ["530125", "530124"]


@LOOKUPS
def test_a_township_needs_the_projects_region(tmp_path, lookup):
    allocations = [Allocation("530125001", "", D("100"), None, 1020)]
    assert _problems(tmp_path, allocations, lookup, region_code="", region_name="") == [
        ("资金分配", 2, "区划", "“530125001”是乡镇/街道或村/社区（匡远街道）：分配到街道（乡镇）或村（社区）时，"
                             "请在“项目信息”表填写项目的所属区划（如宜良县）")]


@LOOKUPS
def test_a_city_project_allocates_to_townships_of_its_counties(tmp_path, lookup):
    allocations = [Allocation("匡远街道", "", D("60"), None, 600), Allocation("530124001", "", D("40"), None, 420)]
    read = read_workbook(_write(tmp_path, allocations), region_lookup=lookup)  # 昆明市
    assert [(a.region_name, a.region_level) for a in read.allocations] == [("匡远街道", "township"),
                                                                         ("永定街道", "township")]
