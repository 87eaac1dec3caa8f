"""The REST API: scoped exactly like the web pages, writes only through the services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.projects.models import Project
from jixiao.regions.models import Region
from jixiao.scoring.inputs import Target
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.personas import store

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(world):
    """The shared persona world, plus a second 宜良县 project of 2023 (a year and a name to filter by), as
    the names these tests use."""
    old = store(sample_project(name="宜良县残疾人康复项目", owner_unit="测试单位-yiliang", year=2023,
                               region_code="530125", region_name="宜良县"))
    return {
        "yl": world.projects["yiliang"], "yl_old": old, "fm": world.projects["fumin"],
        "yl_all": {world.projects[k].pk for k in ("yiliang", "yl_town", "yl_village")} | {old.pk},
        "all": {p.pk for p in world.projects.values()} | {old.pk},
        "yiliang": world.users["county_yl"], "fumin": world.users["county_fm"], "city": world.users["city"],
        "finance": world.users["finance_city"], "evaluator": world.users["evaluator"],
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def _snapshot():
    """Everything a write could change."""
    return (
        Project.objects.count(), Evaluation.objects.count(), ChangeRecord.objects.count(),
        sorted(IndicatorScore.objects.values_list("id", "score", "manual_score", "evidence")),
        sorted(Evaluation.objects.values_list("id", "total_score", "grade")),
    )


# ---- reading -----------------------------------------------------------------------------------

def test_anonymous_gets_no_data(world, tmp_path):
    client = _client()
    pk = world["yl"].pk
    for url in ("/api/projects/", f"/api/projects/{pk}/", f"/api/projects/{pk}/evaluation/",
                f"/api/projects/{pk}/changes/", "/api/schema/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 403, url  # session authentication first: 403, not 401
        assert "宜良县" not in response.content.decode(), url
    before = _snapshot()
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(name="匿名上传", region_code="530125", region_name="宜良县"))
    with path.open("rb") as fh:
        assert client.post("/api/projects/", {"file": fh}, format="multipart").status_code == 403
    assert client.patch(f"/api/projects/{pk}/indicators/A21/", {"manual_score": "0"}, format="json").status_code \
        == 403
    assert client.delete(f"/api/projects/{pk}/").status_code == 403
    assert _snapshot() == before


def test_county_user_lists_only_their_county(world):
    client = _client(world["yiliang"])
    assert _ids(client.get("/api/projects/")) == world["yl_all"]
    assert _ids(client.get("/api/projects/?year=2023")) == {world["yl_old"].pk}
    assert _ids(client.get("/api/projects/", {"q": "康复"})) == {world["yl_old"].pk}
    fumin = Region.objects.get(code="530124")
    # Asking for another county's region narrows, never widens.
    assert _ids(client.get(f"/api/projects/?region={fumin.pk}")) == set()
    assert client.get("/api/projects/?year=abc").status_code == 400

    city = _client(world["city"])
    assert _ids(city.get("/api/projects/")) == world["all"]
    assert _ids(city.get(f"/api/projects/?region={fumin.pk}")) == {world["fm"].pk}
    assert _ids(city.get("/api/projects/", {"grade": "优", "project_type": "对下补助"})) == world["all"]
    assert _ids(city.get("/api/projects/", {"grade": "差"})) == set()


def test_list_item_carries_printed_figures(world):
    response = _client(world["yiliang"]).get("/api/projects/", {"year": 2024, "q": "测试项目-yiliang"})
    (item,) = response.json()["results"]
    project = world["yl"]
    assert set(item) == {"id", "name", "year", "project_type", "owner_unit", "region", "total_score", "grade",
                         "evaluated_at", "url"}
    assert item["name"] == "测试项目-yiliang" and item["year"] == 2024 and item["project_type"] == "对下补助"
    assert item["owner_unit"] == "测试单位-yiliang"
    assert item["region"] == {"id": project.region_id, "code": "530125", "name": "宜良县"}
    assert (item["total_score"], item["grade"]) == ("99.50", "优")
    assert item["evaluated_at"] and item["url"].endswith(f"/api/projects/{project.pk}/")
    assert response.json()["count"] == 1


def test_detail_shows_what_the_report_prints(world):
    project = world["yl"]
    data = _client(world["yiliang"]).get(f"/api/projects/{project.pk}/").json()
    figures = Evaluation.objects.get(pk=project.current_evaluation_id).figures
    assert data["id"] == project.pk and data["total_score"] == figures["total_score"] == "99.50"
    for key in ("funds", "targets", "level1", "survey", "policies"):
        assert data[key] == figures[key], key
    assert data["funds"]["arrival_rate"] == "100.00%" and data["level1"][0]["score"] == "19.50"


def test_evaluation_tree_with_editable_fields(world):
    data = _client(world["yiliang"]).get(f"/api/projects/{world['yl'].pk}/evaluation/").json()
    assert (data["project"], data["total_score"], data["full_marks"], data["grade"]) == (
        world["yl"].pk, "99.50", "100.00", "优")
    nodes = {n["code"]: n for n in data["indicators"]}
    assert [n["code"] for n in data["indicators"]] == [
        "A", "A1", "A11", "A12", "A2", "A21", "B", "B1", "B2", "C", "C1", "C2", "C3"]
    assert (nodes["A"]["parent"], nodes["A"]["level"], nodes["A"]["is_leaf"], nodes["A"]["editable"]) == (
        None, 1, False, [])
    assert (nodes["A12"]["parent"], nodes["A12"]["level"], nodes["A12"]["score"], nodes["A12"]["weight"]) == (
        "A1", 3, "4.50", "5.00")
    assert nodes["A21"]["rule"] == "manual" and nodes["A21"]["rule_label"] == "手工"
    assert nodes["A21"]["editable"] == ["manual_score", "evidence"]
    assert nodes["A12"]["editable"] == ["band", "manual_score", "evidence"]
    assert nodes["A11"]["editable"] == ["missing_items", "evidence"] and nodes["A11"]["evidence"] == "文件齐全"
    assert "无缺项" in nodes["A11"]["basis"]
    assert nodes["B1"]["rule"] == "computed_ratio" and nodes["B1"]["editable"] == ["evidence"]
    assert nodes["A12"]["inputs"]["band"] == "达成" and nodes["A12"]["inputs"]["manual_score"] == "4.5"


def test_project_without_evaluation(world):
    Project.objects.filter(pk=world["yl"].pk).update(current_evaluation=None)
    client = _client(world["yiliang"])
    response = client.get(f"/api/projects/{world['yl'].pk}/evaluation/")
    assert response.status_code == 404 and "还没有评价" in response.json()["detail"]
    item = next(i for i in client.get("/api/projects/").json()["results"] if i["id"] == world["yl"].pk)
    assert (item["total_score"], item["grade"], item["evaluated_at"]) == (None, None, None)


def test_other_county_is_not_found(world):
    client = _client(world["yiliang"])
    pk = world["fm"].pk
    before = _snapshot()
    for response in (
        client.get(f"/api/projects/{pk}/"),
        client.get(f"/api/projects/{pk}/evaluation/"),
        client.get(f"/api/projects/{pk}/changes/"),
        client.patch(f"/api/projects/{pk}/indicators/A21/", {"manual_score": "0"}, format="json"),
        client.delete(f"/api/projects/{pk}/"),
    ):
        assert response.status_code == 404
        assert "富民县" not in response.content.decode()
    assert client.get("/api/projects/999999/").status_code == 404
    assert _snapshot() == before


def test_finance_reads_but_cannot_write(world, tmp_path):
    client = _client(world["finance"])
    pk = world["yl"].pk
    assert _ids(client.get("/api/projects/")) == world["all"]
    assert client.get(f"/api/projects/{pk}/").status_code == 200
    assert client.get(f"/api/projects/{pk}/evaluation/").status_code == 200
    before = _snapshot()
    response = client.patch(f"/api/projects/{pk}/indicators/A21/", {"manual_score": "0"}, format="json")
    assert response.status_code == 403 and "不能修改" in response.json()["detail"]
    assert client.delete(f"/api/projects/{pk}/").status_code == 403
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(name="财政上传", region_code="530125", region_name="宜良县"))
    with path.open("rb") as fh:
        response = client.post("/api/projects/", {"file": fh}, format="multipart")
    assert response.status_code == 403 and "财政审核" in response.json()["detail"]
    assert _snapshot() == before


def test_evaluator_sees_only_assigned_projects_and_may_score_them(world):
    client = _client(world["evaluator"])  # the shared world entrusts the 富民县 project to them
    assert _ids(client.get("/api/projects/")) == {world["fm"].pk}
    assert client.get(f"/api/projects/{world['yl'].pk}/").status_code == 404
    assert client.patch(f"/api/projects/{world['yl'].pk}/indicators/A21/", {"manual_score": "0"},
                        format="json").status_code == 404

    response = client.patch(f"/api/projects/{world['fm'].pk}/indicators/A21/", {"manual_score": "8"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["total_score"] == "97.50"
    # A form post (as a browser sends it, token included) works the same way.
    response = client.patch(f"/api/projects/{world['fm'].pk}/indicators/A21/",
                            {"manual_score": "8", "csrfmiddlewaretoken": "x"}, format="multipart")
    assert response.status_code == 200 and response.json()["score"] == "8.00"
    score = IndicatorScore.objects.get(evaluation_id=world["fm"].current_evaluation_id, code="A21")
    assert str(score.manual_score) == "8.0000" and str(score.score) == "8.00"
    # Scoring is what they are engaged for; the project itself stays the owners'.
    assert client.delete(f"/api/projects/{world['fm'].pk}/").status_code == 403
    assert Project.objects.filter(pk=world["fm"].pk).exists()


# ---- changing a leaf ---------------------------------------------------------------------------

def test_patch_manual_leaf_rescores_and_records_one_change(world):
    client = _client(world["yiliang"])
    project = world["yl"]
    records_before = ChangeRecord.objects.count()
    response = client.patch(f"/api/projects/{project.pk}/indicators/A21/",
                            {"manual_score": "0", "evidence": "绩效目标不明确"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"code": "A21", "name": "绩效目标合理性", "score": "0.00", "total_score": "89.50",
                               "full_marks": "100.00", "grade": "良"}

    evaluation = Evaluation.objects.get(pk=project.current_evaluation_id)
    assert (str(evaluation.total_score), evaluation.grade, evaluation.figures["total_score"]) == ("89.50", "良", "89.50")
    scores = dict(IndicatorScore.objects.filter(evaluation=evaluation).values_list("code", "score"))
    assert (str(scores["A21"]), str(scores["A2"]), str(scores["A"])) == ("0.00", "0.00", "9.50")
    leaf = IndicatorScore.objects.get(evaluation=evaluation, code="A21")
    assert leaf.manual_score == 0 and leaf.evidence == "绩效目标不明确"

    assert ChangeRecord.objects.count() == records_before + 1
    record = ChangeRecord.objects.latest("id")
    assert (record.action, record.about_id, record.actor_label) == ("update", str(project.pk), "county_yl")
    assert (record.object_type, record.subject_id, record.region.code) == ("指标得分", str(leaf.pk), "530125")
    assert record.changes["总分"] == ["99.50", "89.50"] and record.changes["等级"] == ["优", "良"]

    # The list, the detail and the audit trail show the new state.
    item = next(i for i in client.get("/api/projects/").json()["results"] if i["id"] == project.pk)
    assert (item["total_score"], item["grade"]) == ("89.50", "良")
    assert client.get(f"/api/projects/{project.pk}/").json()["level1"][0]["score"] == "9.50"
    changes = client.get(f"/api/projects/{project.pk}/changes/").json()["results"]
    assert changes[0]["id"] == record.pk and changes[0]["action_label"] == "修改"
    assert changes[0]["changes"]["等级"] == ["优", "良"] and changes[0]["actor_label"] == "county_yl"
    assert [c["action"] for c in changes] == ["update", "create"]


@pytest.mark.parametrize(("code", "body", "words"), [
    ("B1", {"manual_score": "5"}, "由系统计算"),  # computed_ratio
    ("A", {"manual_score": "5"}, "下级"),  # a parent: sum of its children
    ("A12", {"band": "优秀"}, "定性等级"),
    ("A21", {"manual_score": "很多"}, "A21"),
    ("A21", {"score": "5"}, "不能修改"),
    ("ZZ9", {"manual_score": "5"}, "不存在"),
    ("A21", {}, "至少"),
    ("A21", {"manual_score": ["5"]}, "字符串"),  # DRF's own validation, answered as problems too
])
def test_patch_rejects_what_may_not_be_typed(world, code, body, words):
    before = _snapshot()
    response = _client(world["yiliang"]).patch(f"/api/projects/{world['yl'].pk}/indicators/{code}/", body,
                                               format="json")
    assert response.status_code == 400, response.content
    problems = response.json()
    assert isinstance(problems, list) and problems
    assert any(words in p["message"] for p in problems), problems
    assert all(set(p) == {"sheet", "row", "column", "message", "file", "text"} for p in problems)
    assert _snapshot() == before


# ---- uploading and deleting --------------------------------------------------------------------

def _upload(client, path):
    with path.open("rb") as fh:
        return client.post("/api/projects/", {"file": fh}, format="multipart")


def test_upload_valid_workbook_creates_project(world, tmp_path):
    path = tmp_path / "宜良县新项目.xlsx"
    write_workbook(path, sample_project(region_code="530125", region_name="宜良县"))
    projects_before = set(Project.objects.values_list("pk", flat=True))
    response = _upload(_client(world["yiliang"]), path)
    assert response.status_code == 201, response.content
    data = response.json()
    (new_pk,) = set(Project.objects.values_list("pk", flat=True)) - projects_before
    project = Project.objects.get(pk=new_pk)
    assert data["id"] == new_pk and data["name"] == project.name == "测试县残疾人生活补助项目"
    assert project.region.code == "530125" and data["region"]["code"] == "530125"
    assert (data["total_score"], data["grade"]) == ("99.50", "优")
    assert project.current_evaluation.source_file == "宜良县新项目.xlsx"
    assert changes_about(project).filter(action="create").count() == 1
    # It is now in the uploader's list.
    assert new_pk in _ids(_client(world["yiliang"]).get("/api/projects/"))


def test_upload_broken_workbook_lists_problems_and_stores_nothing(world, tmp_path):
    broken = sample_project(region_code="530125", region_name="宜良县")
    broken.targets = [Target("不存在的类别", "补助人数", "≥", None, "人"), *broken.targets[1:]]
    path = tmp_path / "有错的工作簿.xlsx"
    write_workbook(path, broken)
    before = _snapshot()
    response = _upload(_client(world["yiliang"]), path)
    assert response.status_code == 400, response.content
    problems = response.json()
    category = next(p for p in problems if p["column"] == "指标类别")
    assert category["sheet"] == "绩效目标" and category["row"] == 2 and category["file"] == "有错的工作簿.xlsx"
    assert "不存在的类别" in category["message"] and "第2行" in category["text"]
    assert _snapshot() == before

    junk = tmp_path / "不是表格.xlsx"
    junk.write_bytes(b"not a workbook")
    response = _upload(_client(world["yiliang"]), junk)
    assert response.status_code == 400 and "无法读取工作簿" in response.json()[0]["message"]
    response = _client(world["yiliang"]).post("/api/projects/", {}, format="multipart")
    assert response.status_code == 400 and response.json()[0]["column"] == "file"
    assert _snapshot() == before


@pytest.mark.parametrize(("damage", "text"), [
    (lambda p: setattr(p.indicators[0], "weight", D(30)),
     "权重有误.xlsx，工作表“指标评分”，“权重分”列：一级指标权重分合计为110，应为100"),
    (lambda p: setattr(p.survey.questions[1], "weight", D(40)),
     "权重有误.xlsx，工作表“满意度问卷”，“权重”列：各题权重合计为90，应为100（满意度得分按百分制计）"),
], ids=["indicator-weights", "survey-weights"])
def test_upload_scoring_problems_name_the_file_as_sent(world, tmp_path, damage, text):
    bad = sample_project(region_code="530125", region_name="宜良县")
    damage(bad)  # found while scoring, after the workbook was read
    path = tmp_path / "权重有误.xlsx"
    write_workbook(path, bad)
    before = _snapshot()
    response = _upload(_client(world["yiliang"]), path)
    assert response.status_code == 400, response.content
    first = response.json()[0]
    assert first["file"] == "权重有误.xlsx" and first["text"] == text
    assert _snapshot() == before


def test_upload_into_another_county_is_refused(world, tmp_path):
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(name="越权项目", region_code="530125", region_name="宜良县"))
    before = _snapshot()
    response = _upload(_client(world["fumin"]), path)
    assert response.status_code == 400
    assert [p["message"] for p in response.json()] == ["项目所属区划“宜良县”不在您的辖区（富民县）内"]
    assert _snapshot() == before
    assert not Project.objects.filter(name="越权项目").exists()


def test_owner_deletes_project(world):
    client = _client(world["yiliang"])
    pk = world["yl_old"].pk
    response = client.delete(f"/api/projects/{pk}/")
    assert response.status_code == 204
    assert not Project.objects.filter(pk=pk).exists()
    assert not Evaluation.objects.filter(project_id=pk).exists()
    record = ChangeRecord.objects.latest("id")
    assert record.action == "delete" and "宜良县残疾人康复项目" in record.note
    assert client.get(f"/api/projects/{pk}/").status_code == 404
    assert _ids(client.get("/api/projects/")) == world["yl_all"] - {pk}


# ---- the OpenAPI document ----------------------------------------------------------------------

def test_schema_and_docs_for_logged_in_users(world):
    client = _client(world["finance"])
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/projects/", "/api/projects/{id}/", "/api/projects/{id}/evaluation/",
            "/api/projects/{id}/indicators/{code}/", "/api/projects/{id}/changes/"} <= set(document["paths"])
    operations = document["paths"]["/api/projects/{id}/indicators/{code}/"]["patch"]
    assert {"200", "400", "403", "404"} <= set(operations["responses"])
    assert set(document["paths"]["/api/projects/"]) >= {"get", "post"}

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "drf_spectacular_sidecar" in html and "cdn.jsdelivr" not in html
