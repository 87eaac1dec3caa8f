"""One 关于… title issued by two bodies, each with its own number, is two documents (seed 003); the same
issuer with two numbers, or an unnamed issuer, is still one document cited two ways."""

from __future__ import annotations

from jixiao.audit.services import audit_file
from tests.audit.planted import CLEAN

PROVINCE = "《云南省人民政府关于进一步健全特困人员救助供养制度的实施意见》（云政发〔2016〕73号）"
CITY = "《昆明市人民政府关于进一步健全特困人员救助供养制度的实施意见》（昆政发〔2018〕32号）"


def _findings(tmp_path, line: str):
    path = tmp_path / "report.txt"
    path.write_text(CLEAN.replace("二、评价结论\n", line + "\n二、评价结论\n"), encoding="utf-8")
    report = audit_file(path)
    assert report.errors == []
    return report.findings


def test_two_issuers_of_one_title_are_two_documents(tmp_path):
    assert _findings(tmp_path, f"认真落实{PROVINCE}、{CITY}精神。") == []


def test_one_issuer_with_two_numbers_is_reported(tmp_path):
    wrong = CITY.replace("昆政发〔2018〕32号", "昆政发〔2018〕23号")
    (f,) = _findings(tmp_path, f"认真落实{CITY}精神。依据{CITY}，{wrong}执行。")
    assert (f.kind, f.expected, f.found) == ("reference", "昆政发〔2018〕32号", "昆政发〔2018〕23号")


def test_an_unnamed_issuer_is_still_the_same_document(tmp_path):
    bare = "《关于进一步健全特困人员救助供养制度的实施意见》（昆政发〔2018〕23号）"
    (f,) = _findings(tmp_path, f"认真落实{CITY}、{CITY}、{bare}精神。")
    assert (f.kind, f.found) == ("reference", "昆政发〔2018〕23号")
