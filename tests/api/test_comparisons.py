"""The comparison in the REST API: rosters uploaded, a run started as a job, runs and findings scoped like the
pages, a finding checked and assigned, and all of it in the OpenAPI document."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from jixiao.rosters.models import ComparisonRun, Finding
from tests.rosters.world import DEATHS, PENSION, UNINSURED, compare_now, registry_load, roster_bytes, upload

pytestmark = pytest.mark.django_db


def api(world, persona) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[persona])
    return client


@pytest.fixture
def run(world, tmp_path, run_jobs_here):
    registry_load(world, tmp_path)
    county = world.users["county_yl"]
    return compare_now(county, [upload(county, "pension", PENSION), upload(county, "deaths", DEATHS)], run_jobs_here)


def test_upload_and_start_a_run_through_the_api(world, tmp_path, run_jobs_here):
    registry_load(world, tmp_path)
    client = api(world, "county_yl")
    bad = client.post("/api/rosters/", {"kind": "deaths", "file": SimpleUploadedFile("d.csv", b"a,b\r\n1,2\r\n")},
                      format="multipart")
    assert bad.status_code == 400 and "身份证号" in bad.json()[0]["message"]
    answer = client.post("/api/rosters/", {"kind": "deaths", "file": SimpleUploadedFile("d.csv", roster_bytes(
        "deaths", DEATHS))}, format="multipart")
    assert answer.status_code == 201 and answer.json()["rows"] == 2
    roster_id = answer.json()["id"]
    assert api(world, "county_fm").post("/api/comparisons/", {"year": 2024, "rosters": [roster_id]},
                                        format="json").status_code == 403  # another county's roster
    assert api(world, "village_yl").post("/api/comparisons/", {"year": 2024, "rosters": [roster_id]},
                                         format="json").status_code == 403
    with run_jobs_here():
        started = client.post("/api/comparisons/", {"year": 2024, "rosters": [roster_id]}, format="json")
    assert started.status_code == 202 and started.json()["job"]["kind"] == "rosters.compare"
    run = client.get(f"/api/comparisons/{started.json()['run']['id']}/").json()
    assert run["status"] == "done" and run["counts"]["total"] == 2 and run["rules_version"] == "2024.1"
    assert [i["kind"] for i in run["inputs"]] == ["registry", "deaths"]


def test_runs_and_findings_are_scoped_like_the_pages(world, run):
    finding = run.findings.get(id_number=UNINSURED)
    expected_runs = {"admin": 1, "city": 1, "county_yl": 1, "county_fm": 0, "town_yl": 0, "village_yl": 0,
                     "finance_city": 1, "finance_fm": 0}
    for persona, n in expected_runs.items():
        assert api(world, persona).get("/api/comparisons/").json()["count"] == n, persona
    counts = {p: api(world, p).get("/api/findings/").json()["count"] for p in expected_runs}
    assert counts == {"admin": 4, "city": 4, "county_yl": 4, "county_fm": 0, "town_yl": 3, "village_yl": 2,
                      "finance_city": 4, "finance_fm": 0}
    assert api(world, "evaluator").get("/api/findings/").status_code == 403
    assert api(world, "county_fm").get(f"/api/findings/{finding.pk}/").status_code == 404
    assert api(world, "county_fm").get(f"/api/comparisons/{run.pk}/").status_code == 404
    one = api(world, "village_yl").get(f"/api/findings/{finding.pk}/").json()
    assert one["id_number"] != UNINSURED and one["id_number"].startswith(UNINSURED[:4])  # masked
    assert one["moves"] == ["confirmed", "rejected"]
    assert api(world, "finance_city").get(f"/api/findings/{finding.pk}/").json()["moves"] == []
    kinds = api(world, "county_yl").get("/api/findings/", {"kind": "invalid_id"}).json()["results"]
    assert [f["kind"] for f in kinds] == ["invalid_id"]
    assert api(world, "county_yl").get("/api/findings/", {"kind": "nonsense"}).status_code == 400


def test_check_and_assign_through_the_api(world, run):
    finding = run.findings.get(id_number=UNINSURED)
    village = api(world, "village_yl")
    refused = village.post(f"/api/findings/{finding.pk}/status/", {"status": "rejected"}, format="json")
    assert refused.status_code == 400 and "为什么不属实" in refused.json()["detail"]
    assert api(world, "finance_city").post(f"/api/findings/{finding.pk}/status/", {"status": "confirmed"},
                                           format="json").status_code == 403
    assert api(world, "county_fm").post(f"/api/findings/{finding.pk}/status/", {"status": "confirmed"},
                                        format="json").status_code == 404
    done = village.post(f"/api/findings/{finding.pk}/status/", {"status": "confirmed", "note": "属实"}, format="json")
    assert done.status_code == 200 and done.json()["status_label"] == "属实"
    assigned = api(world, "county_yl").post(f"/api/findings/{finding.pk}/assign/",
                                            {"assignee": world.users["village_yl"].pk}, format="json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "village_yl"
    wrong = api(world, "county_yl").post(f"/api/findings/{finding.pk}/assign/",
                                         {"assignee": world.users["county_fm"].pk}, format="json")
    assert wrong.status_code == 400
    assert Finding.objects.get(pk=finding.pk).assignee == world.users["village_yl"]
    assert api(world, "village_yl").get("/api/findings/", {"mine": "true"}).json()["count"] == 1


def test_the_comparison_is_in_the_openapi_document(world):
    document = api(world, "county_yl").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = set(document["paths"])
    assert {"/api/rosters/", "/api/comparisons/", "/api/comparisons/{id}/", "/api/findings/", "/api/findings/{id}/",
            "/api/findings/{id}/status/", "/api/findings/{id}/assign/"} <= paths
    assert set(document["paths"]["/api/comparisons/"]) >= {"get", "post"}
    assert {"200", "400", "403", "404"} <= set(document["paths"]["/api/findings/{id}/status/"]["post"]["responses"])
    assert ComparisonRun.objects.count() == 0


def test_card_numbers_the_comparison_reads_whole_never_reach_the_api(world, tmp_path, run_jobs_here):
    """The registry gives a comparison 银行卡号 and 社保卡号 whole (``registry_table_for_comparison``); no answer of
    the REST API — runs, findings — nor the run's files carries them, for a role that sees IDs masked or whole."""
    from jixiao.registry.importer import registry_import
    from jixiao.registry.models import Person
    from jixiao.rosters.storage import run_folder
    from tests.registry.rows import HEADER, row, write_csv
    from tests.rosters.world import DEAD

    registry_load(world, tmp_path)
    cards = {UNINSURED: ("6222021234567890123", "A12345678"), DEAD: ("6217000012345678", "B98765432")}
    rows = [{**row(姓名=p.name, 身份证号=p.id_number, 户籍地区划代码=p.region_code, 联系电话=p.phone, 户籍地址=p.address),
             "银行卡号": cards[p.id_number][0], "社保卡号": cards[p.id_number][1]}
            for p in Person.objects.filter(id_number__in=cards)]
    assert registry_import(write_csv(tmp_path / "卡号.csv", rows, header=[*HEADER, "银行卡号", "社保卡号"]),
                           actor=None, parallel=False).updated == 2
    county = world.users["county_yl"]
    run = compare_now(county, [upload(county, "pension", PENSION), upload(county, "deaths", DEATHS)], run_jobs_here)
    assert run.status == "done" and run.findings.filter(id_number__in=cards).count() == 2
    numbers = [n for pair in cards.values() for n in pair]
    for persona in ("city", "finance_city", "county_yl", "admin"):
        client = api(world, persona)
        for answer in (client.get("/api/findings/"), client.get(f"/api/comparisons/{run.pk}/"),
                       *(client.get(f"/api/findings/{f.pk}/") for f in run.findings.filter(id_number__in=cards))):
            assert answer.status_code == 200, (persona, answer.status_code)
            body = answer.content.decode()
            assert not any(n in body for n in numbers), persona
    files = [p for p in run_folder(run.pk).iterdir() if p.suffix in (".csv", ".json")]
    assert {"findings.csv", "summary.json"} <= {p.name for p in files}
    for path in files:
        assert not any(n in path.read_text(encoding="utf-8-sig") for n in numbers), path.name
