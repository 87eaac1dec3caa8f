"""The project workbook jixiao writes (download of a stored project, blank template) keeps the user's text
as text: policy titles, narrative, indicator names and evidence, interviews, targets that look like
formulas are string cells, and read back unchanged."""

from __future__ import annotations

import dataclasses

from jixiao.indicators.templates import load_template
from jixiao.scoring.inputs import Interview, PolicyDocument
from jixiao.workbooks.reader import read_workbook
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.spreadsheets import FORMULA_PAYLOADS, URL_PAYLOAD, assert_text_only, xlsx_contents

LINK, PLUS, MINUS, AT = FORMULA_PAYLOADS


def test_workbook_download_keeps_formula_like_user_text_as_text(tmp_path):
    project = sample_project(name=LINK, owner_unit=AT, balance_reason=MINUS)
    project.policies = [PolicyDocument(PLUS, AT, URL_PAYLOAD)]
    project.interviews = [Interview(MINUS, LINK, PLUS, "项目负责人", "座谈")]
    project.narrative = {**project.narrative, "存在的问题": AT}
    project.indicators = [dataclasses.replace(r, name=PLUS, evidence=LINK) if r.code == "A11" else r
                          for r in project.indicators]
    project.targets = [dataclasses.replace(project.targets[0], deviation_reason=MINUS), *project.targets[1:]]
    out = tmp_path / "项目.xlsx"
    write_workbook(out, project)
    assert_text_only(out, [LINK, PLUS, MINUS, AT, URL_PAYLOAD])
    back = read_workbook(out)
    assert (back.name, back.owner_unit, back.balance_reason) == (LINK, AT, MINUS)
    assert (back.policies[0].title, back.policies[0].number, back.policies[0].issuer) == (PLUS, AT, URL_PAYLOAD)
    assert back.narrative["存在的问题"] == AT
    assert next(r for r in back.indicators if r.code == "A11").evidence == LINK


def test_blank_template_and_indicator_template_have_no_formula(tmp_path):
    blank = tmp_path / "空白.xlsx"
    write_workbook(blank, None)
    assert xlsx_contents(blank)["formulas"] == []
    prefilled = tmp_path / "预填.xlsx"
    write_workbook(prefilled, sample_project(name="", indicators=load_template("昆明ABC")))
    contents = xlsx_contents(prefilled)
    assert contents["formulas"] == [] and contents["hyperlinks"] == 0
