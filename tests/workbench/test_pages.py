"""What the pages show and do: upload (validated, scoped, all or nothing), live re-scoring, downloads
that match the stored figures, the change log, the dashboard figures."""

import io
import re
import urllib.parse
from decimal import Decimal as D

import pytest
from django.test import Client
from docx import Document
from python_calamine import CalamineWorkbook

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.evaluations.models import Evaluation
from jixiao.projects.models import Project
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project

pytestmark = pytest.mark.django_db


def login(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def workbook_bytes(tmp_path, **overrides) -> io.BytesIO:
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project(**overrides))
    data = io.BytesIO(path.read_bytes())
    data.name = "宜良项目.xlsx"
    return data


def test_upload_valid_workbook_stores_and_shows_score(world, tmp_path):
    client = login(world, "county_yl")
    upload = workbook_bytes(tmp_path, name="上传项目", owner_unit="宜良县残疾人联合会", region_code="530125",
                            region_name="宜良县")
    response = client.post("/projects/upload/", {"file": upload})
    project = Project.objects.get(name="上传项目")
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    page = client.get(response.url).content.decode()
    assert re.search(r'id="project-total">99.50<', page) and re.search(r'id="project-grade"[^>]*>优<', page)
    assert changes_about(project).filter(action="create", actor_label="county_yl").count() == 1


def test_a_name_beginning_with_its_year_is_not_given_the_year_again(world, tmp_path):
    client = login(world, "county_yl")
    upload = workbook_bytes(tmp_path, name="2024年宜良县残疾人两项补贴", year=2024, owner_unit="宜良县残疾人联合会",
                            region_code="530125", region_name="宜良县")
    client.post("/projects/upload/", {"file": upload})
    project = Project.objects.get(name="2024年宜良县残疾人两项补贴")
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert '<h2 id="project-title">2024年宜良县残疾人两项补贴</h2>' in page
    assert "<title>2024年宜良县残疾人两项补贴 ·" in page and "2024年2024年" not in page
    response = client.get(f"/projects/{project.pk}/report.docx")
    quoted = urllib.parse.quote("2024年宜良县残疾人两项补贴绩效自评报告.docx")
    assert quoted in response["Content-Disposition"]


@pytest.mark.parametrize(("damage", "where"), [
    (lambda p: setattr(p.fund_sources[0], "kind", "天上掉的"), "资金来源"),  # found while reading
    (lambda p: setattr(p.indicators[2], "missing_items", None), "指标评分"),  # found while scoring
])
def test_upload_with_problems_lists_them_and_stores_nothing(world, tmp_path, damage, where):
    client = login(world, "county_yl")
    bad = sample_project(name="坏项目", region_code="530125", region_name="宜良县")
    damage(bad)
    path = tmp_path / "坏.xlsx"
    write_workbook(path, bad)
    before = (Project.objects.count(), Evaluation.objects.count(), ChangeRecord.objects.count())
    upload = io.BytesIO(path.read_bytes())
    upload.name = "坏.xlsx"
    response = client.post("/projects/upload/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="upload-problems"' in html and f"<td>{where}</td>" in html and "<td>坏.xlsx</td>" in html
    assert (Project.objects.count(), Evaluation.objects.count(), ChangeRecord.objects.count()) == before


def test_upload_survey_weights_not_100_names_file_sheet_column_and_sum(world, tmp_path):
    client = login(world, "county_yl")
    bad = sample_project(name="问卷权重", region_code="530125", region_name="宜良县")
    bad.survey.questions[1].weight = D(40)
    path = tmp_path / "问卷.xlsx"
    write_workbook(path, bad)
    upload = io.BytesIO(path.read_bytes())
    upload.name = "问卷.xlsx"
    response = client.post("/projects/upload/", {"file": upload})
    assert response.status_code == 400
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode().split('id="upload-problems"')[1], re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    assert [c for c in cells if c] == [["问卷.xlsx", "满意度问卷", "", "权重", "各题权重合计为90，应为100（满意度得分按百分制计）"]]
    assert not Project.objects.filter(name="问卷权重").exists()


def test_upload_not_an_xlsx(world):
    client = login(world, "county_yl")
    fake = io.BytesIO(b"not a workbook")
    fake.name = "名册.csv"
    response = client.post("/projects/upload/", {"file": fake})
    assert response.status_code == 400 and "不是 .xlsx" in response.content.decode()


def test_upload_outside_own_region_is_refused(world, tmp_path):
    client = login(world, "county_fm")
    upload = workbook_bytes(tmp_path, name="越权项目", region_code="530125", region_name="宜良县")
    response = client.post("/projects/upload/", {"file": upload})
    assert response.status_code == 400 and "不在您的辖区" in response.content.decode()
    assert not Project.objects.filter(name="越权项目").exists()


@pytest.mark.parametrize("persona", ["finance_city", "evaluator"])
def test_read_only_roles_cannot_upload(world, persona):
    assert login(world, persona).get("/projects/upload/").status_code == 403


def test_live_preview_then_save_changes_total_and_grade(world):
    client = login(world, "county_yl")
    project = world.projects["yiliang"]
    page = client.get(f"/projects/{project.pk}/?tab=scores").content.decode()
    assert 'id="row-A21"' in page and 'name="manual_score"' in page
    preview = client.post(f"/projects/{project.pk}/indicators/A21/preview/", {"manual_score": "0"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "89.50" in preview and "良" in preview and "尚未保存" in preview
    assert Evaluation.objects.get(pk=project.current_evaluation_id).total_score == 99.5
    bad = client.post(f"/projects/{project.pk}/indicators/A21/preview/", {"manual_score": "12"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in bad
    saved = client.post(f"/projects/{project.pk}/indicators/A21/", {"manual_score": "0", "evidence": "未设目标"},
                        HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'id="project-total">89.50<', saved) and 'hx-swap-oob="true"' in saved
    assert Evaluation.objects.get(pk=project.current_evaluation_id).grade == "良"
    changes = client.get(f"/projects/{project.pk}/tab/changes/", HTTP_HX_REQUEST="true").content.decode()
    assert "总分：99.50 → 89.50" in changes and "等级：优 → 良" in changes and "county_yl" in changes


def test_read_only_user_sees_scores_without_inputs(world):
    page = login(world, "finance_city").get(f"/projects/{world.projects['yiliang'].pk}/?tab=scores").content.decode()
    assert 'id="row-A21"' in page and 'name="manual_score"' not in page and "保存" not in page


def test_downloads_match_the_stored_figures(world):
    client = login(world, "county_yl")
    project = world.projects["yiliang"]
    client.post(f"/projects/{project.pk}/indicators/A21/", {"manual_score": "4"}, HTTP_HX_REQUEST="true")
    response = client.get(f"/projects/{project.pk}/report.docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "93.50" in cells and "99.50" not in cells
    sheet = b"".join(client.get(f"/projects/{project.pk}/scores.xlsx").streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(sheet))
    values = {str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row}
    assert any(v in values for v in ("93.5", "93.50"))
    workbook = b"".join(client.get(f"/projects/{project.pk}/workbook.xlsx").streaming_content)
    assert "指标评分" in CalamineWorkbook.from_filelike(io.BytesIO(workbook)).sheet_names
    blank = client.get("/projects/template.xlsx?indicators=昆明ABC")
    assert blank.status_code == 200
    assert client.get("/projects/template.xlsx?indicators=没有的模板").status_code == 404


def test_tabs_show_the_reports_figures(world):
    client = login(world, "admin")
    project = world.projects["kunming"]
    figures = project.current_evaluation.figures
    funds = client.get(f"/projects/{project.pk}/tab/funds/", HTTP_HX_REQUEST="true").content.decode()
    assert figures["funds"]["execution_rate"] in funds and figures["allocations"]["total_amount"] in funds
    survey = client.get(f"/projects/{project.pk}/tab/survey/", HTTP_HX_REQUEST="true").content.decode()
    assert f'id="survey-total">{figures["survey"]["total"]}<' in survey
    report = client.get(f"/projects/{project.pk}/tab/report/", HTTP_HX_REQUEST="true").content.decode()
    for row in figures["level1"]:
        assert row["rate"] in report
    targets = client.get(f"/projects/{project.pk}/tab/targets/", HTTP_HX_REQUEST="true").content.decode()
    assert all(t["name"] in targets for t in figures["targets"])
    # without htmx a tab URL sends the browser to the full page
    assert client.get(f"/projects/{project.pk}/tab/funds/").status_code == 302


def test_list_search_filters_and_pagination(world):
    client = login(world, "admin")
    page = client.get("/projects/", {"q": "yl_town"}).content.decode()
    assert re.findall(r'data-project="(\d+)"', page) == [str(world.projects["yl_town"].pk)]
    page = client.get("/projects/", {"region": world.regions["yiliang"].pk}).content.decode()
    assert len(re.findall(r'data-project="', page)) == 3
    fragment = client.get("/projects/", {"grade": "优"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and len(re.findall(r'data-project="', fragment)) == 5
    assert "共 0 个项目" in client.get("/projects/", {"grade": "差"}).content.decode()


def test_dashboard_figures_by_county(world):
    client = login(world, "city")
    html = client.get("/").content.decode()
    # every project is the same sample: 99.50, 预算执行率 100.00%, its three targets all met
    assert 'id="card-average">99.50<' in html and 'id="card-execution">100.00%<' in html
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td>", html)
    assert dict(rows) == {"昆明市": "1", "富民县": "1", "宜良县": "3"}
    assert '"targets": [100.0, 100.0, 100.0]' in html


def test_cached_dashboard_follows_changes(world):
    """The dashboard is cached per scope; a re-score, an upload or a delete shows at once."""
    client = login(world, "city")
    assert 'id="card-average">99.50<' in client.get("/").content.decode()
    top_grade = "/projects/?grade=" + urllib.parse.quote("优")
    assert "共 5 个项目" in client.get(top_grade).content.decode()  # the list's count is cached the same way
    project = world.projects["yiliang"]
    client.post(f"/projects/{project.pk}/indicators/A21/", {"manual_score": "0"}, HTTP_HX_REQUEST="true")
    html = client.get("/").content.decode()
    assert 'id="card-average">97.50<' in html  # (4 × 99.50 + 89.50) / 5
    assert f'/projects/{project.pk}/">2024年测试项目-yiliang</a>' in html.split("最近评价")[1]
    assert "共 4 个项目" in client.get(top_grade).content.decode()
    client.post(f"/projects/{world.projects['fumin'].pk}/delete/")
    assert 'id="card-projects">4<' in client.get("/").content.decode()
    assert "共 4 个项目" in client.get("/projects/").content.decode()
    assert "共 3 个项目" in client.get(top_grade).content.decode()
