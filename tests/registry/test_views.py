"""Registry pages: scoping by region subtree, masked numbers, recorded unmasked views and exports,
the web import (a background job: progress, error report) — for every role."""

import io
import re

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from jixiao.changelog.models import ChangeRecord
from jixiao.registry.models import Person, PersonChange
from tests.personas import PERSONAS
from tests.registry.rows import make_id, row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(registry_world):
    """The shared world with one registered person in each of four of its regions (tests/registry/conftest.py)."""
    return registry_world

# Which persons (by where they live) each role sees; the evaluator sees no one.
PEOPLE = {"yiliang": "530125003004", "fumin": "530124001001", "yl_town": None, "yl_village": None}
SEES = {
    "admin": {"yiliang", "fumin", "yl_town", "yl_village"}, "city": {"yiliang", "fumin", "yl_town", "yl_village"},
    "county_yl": {"yiliang", "yl_town", "yl_village"}, "county_fm": {"fumin"}, "town_yl": {"yl_town", "yl_village"},
    "village_yl": {"yl_village"}, "finance_city": {"yiliang", "fumin", "yl_town", "yl_village"},
    "finance_fm": {"fumin"}, "evaluator": set(),
}
UNMASKS = {"admin", "county_yl", "county_fm", "town_yl", "village_yl"}


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_list_detail_scoped_and_masked(world, persona):
    client = client_for(world, persona)
    response = client.get("/registry/")
    if not SEES[persona]:
        assert response.status_code == 403
    else:
        html = response.content.decode()
        shown = {int(x) for x in re.findall(r'data-person="(\d+)"', html)}
        assert shown == {world.persons[k].pk for k in SEES[persona]}
        for person in world.persons.values():
            assert person.id_number not in html and person.phone not in html  # masked in lists, for everyone
    for key, person in world.persons.items():
        detail = client.get(f"/registry/persons/{person.pk}/")
        assert detail.status_code == (200 if key in SEES[persona] else 404), (persona, key)
        if detail.status_code == 200:
            html = detail.content.decode()
            assert person.id_number not in html and f"{person.id_number[:4]}**********{person.id_number[-4:]}" in html
            assert ('id="reveal"' in html) == (persona in UNMASKS)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_reveal_only_for_allowed_roles_and_recorded(world, persona):
    client = client_for(world, persona)
    person = world.persons["yl_village"]
    response = client.post(f"/registry/persons/{person.pk}/reveal/", HTTP_HX_REQUEST="true")
    if "yl_village" not in SEES[persona]:
        assert response.status_code == 404
    elif persona not in UNMASKS:
        assert response.status_code == 403 and person.id_number not in response.content.decode()
    else:
        assert response.status_code == 200 and person.id_number in response.content.decode()
    recorded = PersonChange.objects.filter(person=person, action="view").count()
    assert recorded == (1 if response.status_code == 200 else 0)
    assert ChangeRecord.objects.filter(action="view").count() == recorded
    if recorded:
        assert PersonChange.objects.get(action="view").actor_label == persona


def _export(client, query=""):
    response = client.get(f"/registry/export.xlsx{query}")
    if response.status_code != 200:
        return response.status_code, None
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return 200, book.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("persona", ["county_yl", "finance_city", "evaluator", "city"])
def test_export_masked_and_full(world, persona):
    client = client_for(world, persona)
    status, sheet = _export(client)
    if not SEES[persona]:
        assert status == 403
        return
    ids = {r[1] for r in sheet[1:]}
    assert len(ids) == len(SEES[persona]) and all("*" in i for i in ids)
    assert ChangeRecord.objects.filter(action="export", object_label__contains="号码打码").count() == 1
    status, sheet = _export(client, "?full=1")
    if persona in UNMASKS:
        assert {r[1] for r in sheet[1:]} == {world.persons[k].id_number for k in SEES[persona]}
        assert ChangeRecord.objects.filter(action="export", object_label__contains="完整号码").count() == 1
    else:
        assert status == 403 and not ChangeRecord.objects.filter(object_label__contains="完整号码").exists()


def test_filters(world):
    client = client_for(world, "admin")
    html = client.get("/registry/", {"q": world.persons["fumin"].id_number.lower()}).content.decode()
    assert re.findall(r'data-person="(\d+)"', html) == [str(world.persons["fumin"].pk)]
    html = client.get("/registry/", {"q": "人员yl"}).content.decode()
    assert len(re.findall(r'data-person="', html)) == 2
    html = client.get("/registry/", {"region": world.regions["yl_town"].pk}).content.decode()
    assert len(re.findall(r'data-person="', html)) == 2
    assert "共 0 人" in client.get("/registry/", {"category": 1}).content.decode()
    assert len(re.findall(r'data-person="', client.get("/registry/", {"level": 3}).content.decode())) == 4


def test_web_import_is_a_job_scoped_with_progress_and_error_report(world, tmp_path, run_jobs_here):
    from jixiao.jobs.models import Job
    from jixiao.jobs.storage import job_folder

    client = client_for(world, "county_fm")
    rows = [row(姓名="新人甲", 身份证号=make_id(seq="201"), 户籍地区划代码="530124001003"),
            row(姓名="新人乙", 身份证号=make_id(seq="202"), 户籍地区划代码="530125002003"),  # 宜良：not theirs
            row(姓名="新人丙", 身份证号="坏号", 户籍地区划代码="530124001003")]
    path = write_csv(tmp_path / "新名册.csv", rows)
    with run_jobs_here(), open(path, "rb") as handle:
        response = client.post("/registry/import/", {"file": handle})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.kind, job.owner, job.region, job.title) == ("registry.import", world.users["county_fm"],
                                                            world.regions["fumin"], "导入残疾人名册：新名册.csv")
    html = client.get(response.url).content.decode()
    assert 'id="job-result"' in html and "新增 1" in html and "拒绝 2" in html and 'id="job-status"' in html
    assert "已完成" in html and 'hx-trigger="every 1s"' not in html  # finished: no more polling
    assert Person.objects.filter(name="新人甲").exists() and not Person.objects.filter(name="新人乙").exists()
    assert [f["name"] for f in Job.objects.get().files] == ["错误报告.csv", "错误报告.xlsx"]
    errors = client.get(f"/jobs/{job.pk}/files/错误报告.csv")
    text = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert "不在您的辖区" in text and "身份证号" in text
    # the uploaded copy (personal data) is not kept once imported; the reports are private files
    assert not (job_folder(job.pk) / "input").exists()
    assert (job_folder(job.pk) / "错误报告.csv").stat().st_mode & 0o777 == 0o600
    # another user cannot see this job or its files
    other = client_for(world, "county_yl")
    assert other.get(response.url).status_code == 404
    assert other.get(f"/jobs/{job.pk}/files/错误报告.csv").status_code == 404
    # read-only roles cannot import
    assert client_for(world, "finance_city").get("/registry/import/").status_code == 403


def test_web_import_unreadable_file_job_failed(world, tmp_path, run_jobs_here):
    client = client_for(world, "county_yl")
    path = write_csv(tmp_path / "缺列.csv", [row()], header=["姓名", "身份证号"])
    with run_jobs_here(), open(path, "rb") as handle:
        response = client.post("/registry/import/", {"file": handle})
    html = client.get(response.url).content.decode()
    assert "失败" in html and "无法导入" in html and "缺少必需的列" in html


@pytest.mark.parametrize("persona", ["county_yl", "finance_city"])
def test_history_shows_changed_phone_numbers_masked(world, tmp_path, persona):
    from jixiao.registry.importer import registry_import

    person = world.persons["yiliang"]
    changed = row(姓名=person.name, 身份证号=person.id_number, 户籍地区划代码="530125003004", 联系电话="13812345678")
    result = registry_import(write_csv(tmp_path / "更新.csv", [changed]), actor=None, parallel=False)
    assert result.updated == 1
    assert PersonChange.objects.get(person=person, action="update").changes["联系电话"] == ["13900000000", "13812345678"]
    html = client_for(world, persona).get(f"/registry/persons/{person.pk}/").content.decode()
    assert 'id="person-history"' in html and "联系电话：139****0000 → 138****5678" in html
    assert "13900000000" not in html and "13812345678" not in html
