"""Region codes typed in a project workbook are checked against the region table exactly (no prefix
fallback): an unknown village code is refused; a township or village is not (yet) an allocation target
now that the township and village rows are loaded."""

from decimal import Decimal as D

import pytest

from jixiao.common.problems import InputInvalid
from jixiao.regions.selectors import region_resolve
from jixiao.scoring.inputs import Allocation
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project

pytestmark = pytest.mark.django_db


def _problems(tmp_path, typed: str) -> list[str]:
    project = sample_project()
    project.allocations[1] = Allocation(typed, "", D("40"), None, 420)
    path = tmp_path / "p.xlsx"
    write_workbook(path, project)
    with pytest.raises(InputInvalid) as caught:
        read_workbook(path, region_lookup=region_resolve)
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(("typed", "message"), [
    ("530125001999", "未知区划“530125001999”，请填写县（市、区）名称或6位区划代码"),
    ("530125001", "“530125001”是乡镇/街道或村/社区（匡远街道）：资金分配到县（市、区）或功能区，"
                  "请填写县（市、区）名称或6位区划代码"),
    ("530125001002", "“530125001002”是乡镇/街道或村/社区（清远社区居民委员会）：资金分配到县（市、区）或功能区，"
                     "请填写县（市、区）名称或6位区划代码"),
])
def test_allocation_to_an_unknown_code_or_below_county_is_refused(tmp_path, typed, message):
    assert _problems(tmp_path, typed) == [("资金分配", 3, "区划", message)]


def test_allocation_to_a_county_by_code_or_name_still_reads(tmp_path):
    project = sample_project()
    project.allocations[1] = Allocation("530124", "", D("40"), None, 420)
    path = tmp_path / "p.xlsx"
    write_workbook(path, project)
    read = read_workbook(path, region_lookup=region_resolve)
    assert [(a.region_code, a.region_name) for a in read.allocations] == [("530125", "宜良县"), ("530124", "富民县")]
