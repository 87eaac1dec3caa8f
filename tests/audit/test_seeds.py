"""The audit on the five source reports: every finding below was checked by hand (docs/audit.md
explains each one); nothing else may be reported. Seed 004's 就业率 is the one finding that is a
matter of reading (see docs/audit.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.audit.services import audit_file

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# seed → sorted (kind, where, found, expected)
EXPECTED = {
    "000": [
        ("reference", "第18段", "《关于对昆明市残疾人参加城乡居民基本医疗保险个人缴费部分给予全额补助工作的通知》",
         "《关于对昆明市残疾人参加城乡居民基本医疗保险个人缴费部分给予全额补助的通知》"),
    ],
    "001": [
        ("consistency", "第144段", "23196名", "23186人"),
        ("consistency", "第54段", "晋宁县", "晋宁区"),
        ("consistency", "第79段", "晋宁县", "晋宁区"),
        ("consistency", "第8段", "晋宁县", "晋宁区"),
        ("date", "第111段", "2023年5月31日", "不晚于2023年5月19日"),
        ("date", "第46段", "2023年5月31日", "不晚于2023年5月19日"),
        ("per_capita", "表2（2022年三、四级残疾人城乡社会养老保险补助经费…）第11行第3列（下拨资金（万元））", "214.55元/人",
         "140.00元/人"),
        ("per_capita", "表2（2022年三、四级残疾人城乡社会养老保险补助经费…）第6行第3列（下拨资金（万元））", "320.00元/人",
         "100.00元/人"),
        ("unit", "第11段", "13.075元", "13.075万元"),
        ("unit", "第57段", "13.075元", "13.075万元"),
    ],
    "002": [
        ("date", "第109段", "2022年4月21日至5月20日", "晚于2022年11月16日"),
        ("derived", "表2（项目绩效指标体系得分情况）第3行第5列（得分率）", "99.50%", "93.00%"),
        ("rate", "第119段", "97.66%", "97.76%"),
        ("rate", "第152段", "97.66%", "97.76%"),
        ("rate", "第48段", "97.66%", "97.76%"),
        ("reference", "第157段", "昆财社〔2022〕31号", "昆财社〔2022〕30号"),
    ],
    "003": [
        ("count", "第25段", "六个", "5"),
        ("sum", "第20段", "20.07万元", "20.70万元"),
    ],
    "004": [
        ("rate", "第10段", "75%", "5/7=71.43%或6/7=85.71%"),
    ],
}


def seed_path(key: str) -> Path:
    (path,) = SEEDS.glob(f"{key}_*.txt")
    return path


pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the source reports (../shared/seeds) are not here")


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_findings_are_exactly_the_confirmed_ones(key):
    report = audit_file(seed_path(key))
    assert report.errors == []
    got = sorted((f.kind, f.location.describe(), f.found, f.expected) for f in report.findings)
    assert got == sorted(EXPECTED[key]), report.as_text()


def test_seed_001_survey_rounding_is_not_a_finding():
    """Ten question scores printed to 0.01 add up to 97.98 against 98.00: rounding (11 × 0.005 > 0.02)."""
    report = audit_file(seed_path("001"))
    assert not [f for f in report.findings if f.location.table == 3]


def test_seed_002_messages_show_the_arithmetic():
    report = audit_file(seed_path("002"))
    derived = next(f for f in report.findings if f.kind == "derived")
    assert "18.60÷权重分20.00=93.00%" in derived.message and derived.location.as_json() == {
        "table": 2, "row": 3, "column": 5, "caption": "项目绩效指标体系得分情况", "column_label": "得分率",
        "text": "表2（项目绩效指标体系得分情况）第3行第5列（得分率）"}
    rate = next(f for f in report.findings if f.kind == "rate")
    assert "158210" in rate.message and "3627" in rate.message
