"""What a cycle writes: summary.json in the shape of ../shared/formats.md, the payment lists per county with their
totals in figures and capitals, entitlements.csv safe for Excel, and the frozen cycle that replays byte for byte."""

import json
import shutil
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from jixiao.cli import main
from jixiao.entitlements.output import capitals, json_number
from jixiao.entitlements.parameters import rulebook_load
from jixiao.entitlements.run import FrozenCycleInvalid, cycle_replay
from tests.comparison.files import write
from tests.entitlements.cases import DONGCHUAN, SHILIN, cycle, pension, person, pid

YEAR = 2024


def _sheet(path, name):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_summary_has_the_published_shape(tmp_path):
    a, b, c = pid(SHILIN, seq="101"), pid(SHILIN, seq="102"), pid(DONGCHUAN, seq="103")
    registry = [person("甲", a), person("乙", b), person("丙", c)]
    rows = [pension(a, year=YEAR), pension(b, year=YEAR, personal="150"), pension(c, year=YEAR)]
    result, _ = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry, pension=rows)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["programme"] == "pension_subsidy" and summary["year"] == YEAR and "month" not in summary
    assert summary["counties"] == [
        {"code": DONGCHUAN, "name": "东川区", "persons": 1, "amount_yuan": 200, "city_yuan": 140, "county_yuan": 60,
         "considered": 1},
        {"code": SHILIN, "name": "石林彝族自治县", "persons": 2, "amount_yuan": 350, "city_yuan": 175,
         "county_yuan": 175, "considered": 2}]
    assert summary["totals"] == {"amount_yuan": 550, "city_yuan": 315, "county_yuan": 235, "persons": 3,
                                 "considered": 3}
    assert summary["rules"]["version"] == rulebook_load().version
    assert summary["rules"]["values"]["amount"][""]["policy"] == "昆人社通〔2022〕18号"
    assert summary == result.summary | {"seconds": summary["seconds"]}


def test_odd_amounts_stay_exact():
    assert json_number(Decimal("75.25")) == 75.25
    assert json.dumps(json_number(Decimal("3173950.05"))) == "3173950.05"
    assert capitals(Decimal("3173950.50")) == "叁佰壹拾柒万叁仟玖佰伍拾元伍角"
    assert capitals(0) == "零元整"


def test_bank_list_per_county_with_totals_and_missing_accounts(tmp_path):
    a, b = pid(SHILIN, seq="201"), pid(SHILIN, seq="202")
    registry = [person("甲", a), person("=乙", b, card="")]
    result, found = cycle(tmp_path, "pension_subsidy", year=YEAR, registry=registry,
                          pension=[pension(a, year=YEAR), pension(b, year=YEAR, personal="150")])
    (listed,) = result.summary["payment_lists"]
    assert listed == {"file": f"payments/{SHILIN}_石林彝族自治县_银行发放清单.xlsx", "county_code": SHILIN,
                      "county_name": "石林彝族自治县", "list": "bank", "persons": 2, "amount_yuan": 350,
                      "without_account": 1}
    rows = _sheet(tmp_path / "out" / listed["file"], "清单")
    assert rows[0][:7] == ["序号", "姓名", "身份证号", "账户类型", "账号", "开户行", "金额(元)"]
    assert [r[1] for r in rows[1:3]] == ["甲", "=乙"]  # text, never a formula
    assert rows[2][8] == "缺少账号，请补录后再发放"
    assert rows[3][1:3] == ["合计", "2人"] and rows[3][6] == 350
    assert rows[4][1:3] == ["金额大写", "叁佰伍拾元整"]
    cover = dict(r[:2] for r in _sheet(tmp_path / "out" / listed["file"], "汇总")[1:])
    assert cover["缺少账号的人数"] == "1" and cover["期间"] == f"{YEAR}年度"
    csv_text = (tmp_path / "out" / "entitlements.csv").read_text(encoding="utf-8-sig")
    assert ",'=乙," in csv_text


def test_frozen_cycle_replays_byte_for_byte_and_refuses_a_changed_copy(tmp_path):
    a = pid(SHILIN, seq="301")
    folder = tmp_path / "c"
    folder.mkdir()
    reg = write(folder, "registry", [person("甲", a)])
    pen = write(folder, "pension", [pension(a, year=YEAR)])
    code = main(["cycle", "run", "--programme", "pension_subsidy", "--year", str(YEAR), "--registry", str(reg),
                 "--roster", f"pension={pen}", "--out", str(folder / "out"), "--freeze"])
    assert code == 0
    # the files it was computed from change afterwards: the frozen copies do not
    write(folder, "pension", [pension(a, year=YEAR, personal="50")])
    result = cycle_replay(folder / "out" / "frozen", out=tmp_path / "again")
    assert result.identical
    assert (tmp_path / "again" / "entitlements.csv").read_bytes() == (folder / "out" / "entitlements.csv").read_bytes()
    assert main(["cycle", "replay", str(folder / "out"), "--out", str(tmp_path / "again2")]) == 0
    shutil.copyfile(folder / "pension.csv", folder / "out" / "frozen" / "pension.csv")
    with pytest.raises(FrozenCycleInvalid, match="已被改动"):
        cycle_replay(folder / "out" / "frozen", out=tmp_path / "again3")
    assert main(["cycle", "replay", str(folder / "out"), "--out", str(tmp_path / "again4")]) == 2


def test_cli_exit_2_and_nothing_written_for_an_unusable_input(tmp_path, capsys):
    reg = write(tmp_path, "registry", [person("甲", pid())])
    bad = tmp_path / "pension.csv"
    bad.write_text("姓名,身份证号\n甲,1\n", encoding="utf-8")
    code = main(["cycle", "run", "--programme", "pension_subsidy", "--year", "2024", "--registry", str(reg),
                 "--roster", f"pension={bad}", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "缺少必需的列" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["cycle", "run", "--programme", "care_subsidy", "--year", "2024", "--registry", str(reg),
                 "--out", str(tmp_path / "out")]) == 2
    assert "请给出月份" in capsys.readouterr().err
