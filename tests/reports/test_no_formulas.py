"""The score sheet stores the user's text as text: a project, indicator, evidence or survey text that
looks like a formula is a string cell in 评分表.xlsx, never a formula or a link."""

from __future__ import annotations

import dataclasses

from jixiao.reports.scoresheet import write_score_sheet
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from jixiao.scoring.inputs import Allocation
from tests.factories import sample_project
from tests.spreadsheets import FORMULA_PAYLOADS, URL_PAYLOAD, assert_text_only

LINK, PLUS, MINUS, AT = FORMULA_PAYLOADS


def test_score_sheet_keeps_formula_like_user_text_as_text(tmp_path):
    project = sample_project(name=LINK)
    project.indicators = [
        dataclasses.replace(r, name=PLUS, evidence=MINUS) if r.code == "A11" else
        dataclasses.replace(r, evidence=URL_PAYLOAD) if r.code == "A21" else
        dataclasses.replace(r, name=AT) if r.code == "A" else r
        for r in project.indicators
    ]
    project.survey = dataclasses.replace(project.survey, title=AT)
    project.allocations = [Allocation("宜良县", "530125", project.allocations[0].amount, None, 600, note=MINUS),
                           *project.allocations[1:]]
    out = write_score_sheet(build_figures(evaluate(project)), tmp_path / "评分表.xlsx")
    # the title rows begin with the project's name and the survey's title (merged cells)
    assert_text_only(out, [(LINK, "prefix"), PLUS, MINUS, AT, URL_PAYLOAD])


def test_score_sheet_survey_title_alone_is_text(tmp_path):
    project = sample_project(survey=dataclasses.replace(sample_project().survey, title=LINK))
    out = write_score_sheet(build_figures(evaluate(project)), tmp_path / "评分表.xlsx")
    assert_text_only(out, [LINK])
