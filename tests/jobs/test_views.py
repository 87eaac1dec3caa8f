"""The jobs pages and the jobs API for every role: the owner sees their jobs, a 系统管理员 all of them,
everybody else gets 404 on the page, the result download and the API. Progress while a job runs,
cancelling, and a registry import started through the API."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from rest_framework.test import APIClient

from jixiao.jobs import storage
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_start
from jixiao.registry.models import Person
from tests.personas import PERSONAS
from tests.registry.rows import make_id, row, write_csv

pytestmark = pytest.mark.django_db

SEES_JOB = {"county_yl", "admin"}  # the owner and the administrator


@pytest.fixture
def world(world, test_kinds, run_jobs_here):
    """The shared world with a finished job of a 县级 user and one of a 乡镇 user."""
    with run_jobs_here():
        world.job = job_start(actor=world.users["county_yl"], kind="test.count", params={"n": 3},
                              files={"数据.txt": b"x"})
        world.town_job = job_start(actor=world.users["town_yl"], kind="test.count", params={"n": 2},
                                   files={"数据.txt": b"y"})
    world.job.refresh_from_db()
    assert world.job.status == "done" and world.job.files == [{"name": "结果.csv", "label": "结果（csv）"}]
    return world


def _client(world, persona, api=False):
    client = APIClient() if api else Client()
    client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_pages_scoped_to_owner_and_admin(world, persona):
    client = _client(world, persona)
    job = world.job
    listed = {int(x) for x in re.findall(r'data-job="(\d+)"', client.get("/jobs/").content.decode())}
    expected = {"county_yl": {job.pk}, "town_yl": {world.town_job.pk}, "admin": {job.pk, world.town_job.pk}}
    assert listed == expected.get(persona, set())
    detail = client.get(f"/jobs/{job.pk}/")
    assert detail.status_code == (200 if persona in SEES_JOB else 404)
    download = client.get(f"/jobs/{job.pk}/files/结果.csv")
    assert download.status_code == (200 if persona in SEES_JOB else 404)
    if persona in SEES_JOB:
        html = detail.content.decode()
        assert "已完成" in html and "数到 3" in html and f'href="/jobs/{job.pk}/files/' in html
        assert b"".join(download.streaming_content).decode("utf-8") == "序号\n1\n2\n3\n"
    assert client.get(f"/jobs/{job.pk}/files/数据.txt").status_code == 404  # inputs are not results
    assert client.get(f"/jobs/{job.pk}/files/..%2Fjixiao.sqlite3").status_code == 404
    assert 'href="/jobs/"' in client.get("/").content.decode()  # in the navigation of every role


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_api_scoped_to_owner_and_admin(world, persona):
    client = _client(world, persona, api=True)
    job = world.job
    listed = {item["id"] for item in client.get("/api/jobs/").json()["results"]}
    expected = {"county_yl": {job.pk}, "town_yl": {world.town_job.pk}, "admin": {job.pk, world.town_job.pk}}
    assert listed == expected.get(persona, set())
    detail = client.get(f"/api/jobs/{job.pk}/")
    assert detail.status_code == (200 if persona in SEES_JOB else 404)
    download = client.get(f"/api/jobs/{job.pk}/files/结果.csv")
    assert download.status_code == (200 if persona in SEES_JOB else 404)
    if persona in SEES_JOB:
        data = detail.json()
        assert (data["status"], data["status_label"], data["owner"], data["region"]["code"]) == (
            "done", "已完成", "county_yl", "530125")
        assert data["progress"] == {"done": 3, "total": 3, "percent": 100, "message": "数到 3", "stalled": False}
        assert data["files"][0]["url"] == f"http://testserver/api/jobs/{job.pk}/files/%E7%BB%93%E6%9E%9C.csv"
    cancel = client.post(f"/api/jobs/{job.pk}/cancel/")
    assert cancel.status_code == (409 if persona in SEES_JOB else 404)


def test_not_logged_in(world):
    assert Client().get("/jobs/").status_code == 302
    assert Client().get(f"/jobs/{world.job.pk}/").status_code == 302
    assert APIClient().get("/api/jobs/").status_code == 403
    assert APIClient().get(f"/api/jobs/{world.job.pk}/").status_code == 403


def test_running_job_page_polls_shows_progress_and_cancels(world, settings):
    """A job the worker is running: the page reads progress.json, polls it, and 取消 asks the work to stop."""
    owner = world.users["county_yl"]
    job = Job.objects.create(owner=owner, owner_label="county_yl", kind="test.count", title="数到 400",
                             status="running", params={"n": 400})
    storage.folder_create(job.pk)
    storage.json_write_atomic(storage.job_folder(job.pk) / "progress.json",
                              {"done": 100, "total": 400, "message": "第 100 步", "beat": time.time(), "pid": 1})
    client = _client(world, "county_yl")
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/" hx-trigger="every 1s"' in html
    assert '<progress id="job-bar" value="25" max="100">' in html and "已处理 100 / 400（25%）" in html
    assert 'id="job-cancel"' in html
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"') and "<html" not in partial
    assert f'data-job="{job.pk}"' in client.get("/jobs/").content.decode()
    assert 'hx-trigger="every 2s"' in client.get("/jobs/").content.decode()  # the list polls while a job runs
    # somebody else cannot cancel it (they do not see it); the owner can
    assert _client(world, "county_fm").post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert storage.cancel_request_read(job.pk) is None
    response = client.post(f"/jobs/{job.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已请求取消" in response.content.decode()
    assert storage.cancel_request_read(job.pk)["label"] == "county_yl"
    job.refresh_from_db()
    assert job.status == "running"  # the running work stops itself and records the cancellation
    # a heartbeat that stopped is shown as such
    storage.json_write_atomic(storage.job_folder(job.pk) / "progress.json",
                              {"done": 100, "total": 400, "message": "", "beat": time.time() - 60, "pid": 1})
    assert "后台工作进程暂时没有响应" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_api_registry_import(world, tmp_path, run_jobs_here):
    client = _client(world, "county_fm", api=True)
    rows = [row(姓名="接口甲", 身份证号=make_id(seq="301"), 户籍地区划代码="530124001003"),
            row(姓名="接口乙", 身份证号=make_id(seq="302"), 户籍地区划代码="530125002003")]  # 宜良：not theirs
    path = write_csv(tmp_path / "接口名册.csv", rows)
    with run_jobs_here(), open(path, "rb") as handle:
        response = client.post("/api/registry/imports/", {"file": handle}, format="multipart")
    assert response.status_code == 202
    job = Job.objects.get(kind="registry.import")
    assert response["Location"] == f"http://testserver/api/jobs/{job.pk}/"
    assert (response.json()["status"], response.json()["title"]) == ("queued", "导入残疾人名册：接口名册.csv")
    data = client.get(f"/api/jobs/{job.pk}/").json()
    assert data["status"] == "done" and data["result"]["figures"] == {
        "数据行数": 2, "新增": 1, "更新": 0, "无变化": 0, "拒绝的行": 1, "问题数": 1}
    assert "error_files" not in data["result"]  # no server paths in the answer
    assert [f["name"] for f in data["files"]] == ["错误报告.csv", "错误报告.xlsx"]
    report = client.get(data["files"][0]["url"])
    assert "不在您的辖区" in b"".join(report.streaming_content).decode("utf-8-sig")
    assert Person.objects.filter(name="接口甲").exists() and not Person.objects.filter(name="接口乙").exists()
    assert _client(world, "county_yl", api=True).get(f"/api/jobs/{job.pk}/").status_code == 404
    assert _client(world, "county_yl", api=True).get(data["files"][0]["url"]).status_code == 404
    # read-only roles cannot import; a request without a file or with another kind of file is refused
    with open(path, "rb") as handle:
        assert _client(world, "finance_city", api=True).post(
            "/api/registry/imports/", {"file": handle}, format="multipart").status_code == 403
    missing = client.post("/api/registry/imports/", {}, format="multipart")
    assert missing.status_code == 400 and missing.json()[0]["column"] == "file"
    (tmp_path / "名册.txt").write_text("x", encoding="utf-8")
    with open(tmp_path / "名册.txt", "rb") as handle:
        wrong = client.post("/api/registry/imports/", {"file": handle}, format="multipart")
    assert wrong.status_code == 400 and "不是 .xlsx、.xls 或 .csv 文件" in wrong.json()[0]["message"]
    assert Job.objects.filter(kind="registry.import").count() == 1


def test_openapi_documents_the_job_endpoints(world):
    schema = _client(world, "admin", api=True).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/registry/imports/", "/api/jobs/", "/api/jobs/{id}/", "/api/jobs/{id}/cancel/",
            "/api/jobs/{id}/files/{name}"} <= set(schema["paths"])
    assert "202" in schema["paths"]["/api/registry/imports/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/jobs/{id}/"]["get"]["responses"]
