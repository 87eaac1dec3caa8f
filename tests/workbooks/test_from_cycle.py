"""A cycle's per-county totals written into a project workbook's 资金分配: the city's share in 万元, the cycle's paid
persons as 实际受益人数 — and the evaluation's beneficiary target reads them instead of a typed figure."""

import json
from decimal import Decimal
from fractions import Fraction

from jixiao.cli import main
from jixiao.demo.seeds import load_seed
from jixiao.scoring.engine import evaluate
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.writer import write_workbook
from tests.entitlements.cases import DONGCHUAN, SHILIN, cycle, pension, person, pid


def _cycle(tmp_path):
    shilin = [pid(SHILIN, seq=f"{n:03d}") for n in range(1, 4)]
    dongchuan = [pid(DONGCHUAN, seq=f"{n:03d}") for n in range(4, 6)]
    registry = [person(f"人{n}", i) for n, i in enumerate(shilin + dongchuan)]
    rows = [pension(i, year=2022) for i in shilin + dongchuan]
    result, _ = cycle(tmp_path / "cycle", "pension_subsidy", year=2022, registry=registry, pension=rows)
    return result.out


def test_the_allocation_table_comes_from_the_cycle(tmp_path):
    cycle_dir = _cycle(tmp_path)
    workbook = tmp_path / "seed001.xlsx"
    write_workbook(workbook, load_seed("001"))
    out = tmp_path / "with-cycle.xlsx"
    assert main(["cycle", "allocation", str(cycle_dir), "--workbook", str(workbook), "--out", str(out)]) == 0
    project = read_workbook(out)
    rows = {a.region_code: a for a in project.allocations}
    assert set(rows) == {SHILIN, DONGCHUAN}
    # 3 persons × 200 元 × 5:5 and 2 × 200 × 7:3, in 万元
    assert rows[SHILIN].amount == Decimal("0.03") and rows[SHILIN].actual_beneficiaries == 3
    assert rows[DONGCHUAN].amount == Decimal("0.028") and rows[DONGCHUAN].actual_beneficiaries == 2
    assert "按补助发放批次计算" in rows[SHILIN].note
    result = evaluate(project)
    target = next(t for t in result.targets if t.target.name == project.beneficiary_target)
    assert target.actual == 5  # 实际受益人数 summed from the cycle, not typed
    assert target.completion == Fraction(5, 20000)


def test_a_cycle_without_counties_is_refused(tmp_path, capsys):
    workbook = tmp_path / "seed001.xlsx"
    write_workbook(workbook, load_seed("001"))
    empty = tmp_path / "summary.json"
    empty.write_text(json.dumps({"counties": []}), encoding="utf-8")
    assert main(["cycle", "allocation", str(empty), "--workbook", str(workbook), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "没有按县的合计" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
