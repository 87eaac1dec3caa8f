"""Uploading a hostile or unreadable workbook in the workbench answers 400 with the one clear message;
a workbook with more problems than are listed shows the first ones and the counts of the rest."""

from __future__ import annotations

import dataclasses
import io

import pytest

from jixiao.projects.models import Project
from tests.bombs import encrypted_xlsx, far_cell_xlsx
from tests.workbench.test_pages import login
from tests.workbooks.sheets import many_problems_workbook

pytestmark = pytest.mark.django_db


def _post(client, path, name):
    upload = io.BytesIO(path.read_bytes())
    upload.name = name
    return client.post("/projects/upload/", {"file": upload})


@pytest.mark.parametrize(("make", "sheet", "phrase"), [
    (far_cell_xlsx, "政策依据", "超过每张工作表 5,000 行的上限"),
    (encrypted_xlsx, "", "加密（设置了打开密码）"),
])
def test_hostile_workbook_answers_400_with_its_message(world, tmp_path, make, sheet, phrase):
    before = Project.objects.count()
    response = _post(login(world, "county_yl"), make(tmp_path / "x.xlsx"), "上传的.xlsx")
    html = response.content.decode()
    assert response.status_code == 400 and 'id="upload-problems"' in html
    assert "<td>上传的.xlsx</td>" in html and f"<td>{sheet}</td>" in html and phrase in html
    assert "发现 1 个问题" in html and Project.objects.count() == before


def test_long_problem_list_is_capped_with_counts(world, tmp_path, settings):
    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, problems_max_listed=3)
    response = _post(login(world, "county_yl"), many_problems_workbook(tmp_path), "坏.xlsx")
    html = response.content.decode()
    assert response.status_code == 400 and "发现 31 个问题" in html
    assert html.count("<tr><td>坏.xlsx</td>") == 3
    assert "另有 28 个问题未列出（只列出前 3 个）" in html
    assert "<tr><td>资金来源</td><td>来源</td><td>另有 28 个问题未列出</td></tr>" in html
