"""POST /api/projects/ with a hostile or unreadable workbook answers 400 with the one clear message
(naming the file the user sent); a long problem list ends with one count per sheet and column."""

from __future__ import annotations

import dataclasses

import pytest

from tests.api.test_views import _client, _upload, world  # noqa: F401 (fixture)
from tests.bombs import far_cell_xlsx, inflating_xlsx
from tests.workbooks.sheets import many_problems_workbook

pytestmark = pytest.mark.django_db


def test_hostile_workbooks_answer_400_with_their_message(world, tmp_path):  # noqa: F811
    response = _upload(_client(world["yiliang"]), far_cell_xlsx(tmp_path / "远.xlsx"))
    assert response.status_code == 400
    [problem] = response.json()
    assert (problem["file"], problem["sheet"], problem["row"]) == ("远.xlsx", "政策依据", None)
    assert "超过每张工作表 5,000 行的上限" in problem["message"]
    assert problem["text"].startswith("远.xlsx，工作表“政策依据”：")
    response = _upload(_client(world["yiliang"]), inflating_xlsx(tmp_path / "炸弹.xlsx", inflated_mb=60))
    assert response.status_code == 400
    assert response.json() == [{"sheet": "", "row": None, "column": None, "message": "解压后有 60 MB，超过 50 MB 的上限",
                                "file": "炸弹.xlsx", "text": "炸弹.xlsx：解压后有 60 MB，超过 50 MB 的上限"}]


def test_long_problem_list_ends_with_counts(world, tmp_path, settings):  # noqa: F811
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, problems_max_listed=2)
    response = _upload(_client(world["yiliang"]), many_problems_workbook(tmp_path))
    assert response.status_code == 400
    problems = response.json()
    assert len(problems) == 3 and all(p["file"] == "坏.xlsx" for p in problems)
    assert (problems[2]["sheet"], problems[2]["column"], problems[2]["message"]) == ("资金来源", "来源", "另有 29 个问题未列出")
