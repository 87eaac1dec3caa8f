"""kind "per_capita": the allocation table of a 三、四级残疾人 pension-subsidy report, row by row against the
rule's city share per person (tests/audit/planted.py: a clean report and its planted twins), on seed 001
(石林县 and 东川区, as .txt and laid out as .docx) and through `jixiao audit`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.audit.services import audit_annotate, audit_file
from jixiao.cli import main
from tests.audit.planted import PENSION_CLEAN, PENSION_PLANTED, plant_pension

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
POLICY = "昆人社通〔2022〕18号、昆残联发〔2016〕10号"


def audit_text(tmp_path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = audit_file(path)
    assert report.errors == []
    return report


def test_clean_pension_report_has_no_findings(tmp_path):
    report = audit_text(tmp_path, PENSION_CLEAN)
    assert report.findings == [], report.as_text()


@pytest.mark.parametrize("key", sorted(PENSION_PLANTED))
def test_each_planted_per_capita_error_is_found_alone(tmp_path, key):
    _, _, kind, found = PENSION_PLANTED[key]
    report = audit_text(tmp_path, plant_pension(key))
    assert [f.kind for f in report.findings] == [kind], report.as_text()
    (f,) = report.findings
    assert f.found == found and f.location.column_label == "下拨资金（万元）"
    assert f.location.describe().startswith("表1（2023年三、四级残疾人城乡居民养老保险补助经费…）")


def test_the_message_names_county_figures_documents_and_year(tmp_path):
    (f,) = audit_text(tmp_path, plant_pension("per_capita_high")).findings
    assert (f.expected, f.found, f.excerpt) == ("100.00元/人", "320.00元/人", "石林县｜下拨资金（万元）：32")
    assert f.message == ("石林县人均320.00元/人（下拨32万元÷实际补助1000人），按2023年补助标准和市级承担比例应为"
                         f"100.00元/人（{POLICY}），高出220.00%，超过允许偏差50%。")
    (f,) = audit_text(tmp_path, plant_pension("per_capita_low")).findings
    assert f.expected == "140.00元/人" and "低于64.29%" in f.message
    (f,) = audit_text(tmp_path, plant_pension("per_capita_people")).findings  # the zone: the region list's 5:5
    assert f.expected == "100.00元/人" and "阳宗海" in f.message and "区划目录（市:县 5:5）" in f.message


@pytest.mark.parametrize(("amount", "flagged"), [("15", False), ("5", False), ("15.1", True), ("4.9", True)])
def test_the_tolerance_boundary(tmp_path, amount, flagged):
    """石林县, 1000 people, 100 元 expected, 50 %: 150 and 50 元/人 are inside, 151 and 49 outside."""
    text = PENSION_CLEAN.replace("\t石林县\n\t10\n", f"\t石林县\n\t{amount}\n", 1)
    assert [f.kind for f in audit_text(tmp_path, text).findings] == (["per_capita"] if flagged else [])


def test_a_table_of_another_programme_is_not_checked(tmp_path):
    text = plant_pension("per_capita_high").replace("三、四级残疾人城乡居民养老保险个人缴费补助", "残疾儿童康复救助")
    text = text.replace("三、四级残疾人城乡居民养老保险补助经费使用情况表", "残疾儿童康复救助资金分配情况表")
    assert audit_text(tmp_path, text).findings == []


def test_the_programme_by_its_document_when_the_names_omit_the_levels(tmp_path):
    text = (plant_pension("per_capita_high").replace("三、四级残疾人城乡居民养老保险个人缴费补助", "残疾人社会养老保险补助经费")
            .replace("三、四级残疾人城乡居民养老保险补助经费使用情况表", "残疾人养老保险补助经费使用情况表")
            .replace("〈某市三、四级残疾人参加", "〈某市残疾人参加"))
    assert [f.found for f in audit_text(tmp_path, text).findings] == ["320.00元/人"]  # cites 昆残联发〔2016〕10号
    assert audit_text(tmp_path, text.replace("昆残联发〔2016〕10号", "某残联发〔2016〕3号")).findings == []


def test_the_year_from_the_report_when_the_caption_has_none(tmp_path):
    """A 2021 report: the amount was 100 元 (昆残联发〔2016〕10号), so the city pays 50 元 in 石林县, 70 in 东川区."""
    text = (PENSION_CLEAN.replace("某市残疾人联合会2023年", "某市残疾人联合会2021年")
            .replace("2023年三、四级残疾人城乡居民养老保险补助经费使用情况表", "三、四级残疾人城乡居民养老保险补助经费使用情况表")
            .replace("2024年4月10日", "2022年4月10日"))
    findings = audit_text(tmp_path, text).findings
    assert [(f.excerpt.split("｜")[0], f.expected) for f in findings] == [
        ("石林县", "50.00元/人"), ("东川区", "70.00元/人"), ("阳宗海", "50.00元/人")]
    assert all("按2021年补助标准" in f.message and "昆残联发〔2016〕10号" in f.message for f in findings)
    text = text.replace("\t石林县\n\t10\n", "\t石林县\n\t5\n").replace("\t东川区\n\t14\n", "\t东川区\n\t7\n")
    assert [f.found for f in audit_text(tmp_path, text).findings] == ["100.00元/人"]  # 阳宗海 left as it was


def test_amounts_in_yuan(tmp_path):
    text = PENSION_CLEAN.replace("下拨资金（万元）", "下拨资金（元）").replace("\t石林县\n\t10\n", "\t石林县\n\t100000\n")
    text = text.replace("\t东川区\n\t14\n", "\t东川区\n\t140000\n").replace("\t5\n\t500\n", "\t50000\n\t500\n")
    assert audit_text(tmp_path, text).findings == []
    (f,) = audit_text(tmp_path, text.replace("\t100000\n", "\t320000\n")).findings
    assert f.found == "320.00元/人" and "下拨32万元" in f.message


def test_townships_and_unknown_places_are_not_checked(tmp_path):
    """A table of a county's townships is its own spending, not the city's transfer; unknown names are left."""
    text = plant_pension("per_capita_high").replace("\t石林县\n", "\t鹿阜街道\n").replace("\t东川区\n", "\t某某乡\n")
    assert audit_text(tmp_path, text).findings == []


def test_cli_prints_the_per_capita_finding(tmp_path, capsys):
    path = tmp_path / "养老.txt"
    path.write_text(plant_pension("per_capita_high"), encoding="utf-8")
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert "【人均补助不符】" in out and "应为：100.00元/人　报告中为：320.00元/人" in out
    assert main(["audit", str(path), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["kind"] == "per_capita" and finding["location"]["column_label"] == "下拨资金（万元）"
    clean = tmp_path / "干净.txt"
    clean.write_text(PENSION_CLEAN, encoding="utf-8")
    assert main(["audit", str(clean)]) == 0


# ---- seed 001 -----------------------------------------------------------------------------------------

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the source reports (../shared/seeds) are not here")


def _seed_001() -> Path:
    (path,) = SEEDS.glob("001_*.txt")
    return path


def _per_capita(report) -> list[tuple[str, str, str]]:
    return [(f.excerpt, f.found, f.expected) for f in report.findings if f.kind == "per_capita"]


@needs_seeds
def test_seed_001_flags_shilin_and_dongchuan():
    report = audit_file(_seed_001())
    assert _per_capita(report) == [("石林县｜下拨资金（万元）：32", "320.00元/人", "100.00元/人"),
                                   ("东川区｜下拨资金（万元）：75.5", "214.55元/人", "140.00元/人")]
    dongchuan = [f for f in report.findings if f.kind == "per_capita"][1]
    assert dongchuan.message == ("东川区人均214.55元/人（下拨75.5万元÷实际补助3519人），按2022年补助标准和市级承担比例"
                                 f"应为140.00元/人（{POLICY}），高出53.25%，超过允许偏差50%。")


@needs_seeds
def test_seed_001_as_docx_flags_the_same_rows(tmp_path):
    """The .txt laid out as a .docx (the marked copy: a comment on each flagged figure) reads back the same."""
    report = audit_file(_seed_001())
    docx = audit_annotate(report, tmp_path / "001.docx")
    again = audit_file(docx)
    assert again.errors == [] and _per_capita(again) == _per_capita(report)
