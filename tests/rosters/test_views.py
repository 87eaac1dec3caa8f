"""The 比对 pages for every persona: what each may open (200), is sent on from (302), may not see (404) or may see
but not do (403); uploads, a run started from the page, the work list's forms."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.registry.models import Person
from jixiao.rosters.models import ComparisonRun, Finding, RosterFile
from tests.personas import PERSONAS
from tests.rosters.world import (
    DEAD,
    DEATHS,
    PENSION,
    UNINSURED,
    compare_now,
    registry_load,
    roster_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

# persona → expected status of: home, work list, run page, run file, village 走访清单, the village's finding,
# the person's findings (registry page), the 走访清单 page
EXPECTED = {
    "admin": (200, 200, 200, 200, 200, 200, 200, 200),
    "city": (200, 200, 200, 200, 200, 200, 200, 200),
    "county_yl": (200, 200, 200, 200, 200, 200, 200, 200),
    "county_fm": (200, 200, 404, 404, 404, 404, 404, 200),
    "town_yl": (302, 200, 404, 404, 200, 200, 200, 200),
    "village_yl": (302, 200, 404, 404, 200, 200, 200, 200),
    "finance_city": (200, 200, 200, 200, 200, 200, 200, 200),
    "finance_fm": (302, 200, 404, 404, 404, 404, 404, 200),
    "evaluator": (403, 403, 404, 404, 404, 404, 404, 403),
}
CHANGES = {"admin", "city", "county_yl", "town_yl", "village_yl"}  # the work list's moves on the village's finding


def client_for(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def run(world, tmp_path, run_jobs_here):
    registry_load(world, tmp_path)
    county = world.users["county_yl"]
    return compare_now(county, [upload(county, "pension", PENSION), upload(county, "deaths", DEATHS)], run_jobs_here)


def test_every_persona_gets_what_its_role_and_region_allow(world, run):
    village = world.regions["yl_village"]
    finding = run.findings.get(id_number=UNINSURED)
    person = Person.objects.get(id_number=UNINSURED)
    urls = ["/rosters/", "/rosters/findings/", f"/rosters/runs/{run.pk}/", f"/rosters/runs/{run.pk}/files/findings.csv",
            f"/rosters/runs/{run.pk}/visits/{village.pk}.xlsx", f"/rosters/findings/{finding.pk}/",
            f"/rosters/persons/{person.pk}/findings/", "/rosters/visits/"]
    assert set(EXPECTED) == set(PERSONAS)
    for persona, expected in EXPECTED.items():
        client = client_for(world, persona)
        got = tuple(client.get(url).status_code for url in urls)
        assert got == expected, persona
    assert Client().get("/rosters/").status_code == 302  # not logged in: the login page


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_changing_a_finding(world, run, persona):
    finding = run.findings.get(id_number=UNINSURED)
    response = client_for(world, persona).post(f"/rosters/findings/{finding.pk}/status/", {"status": "confirmed"})
    visible = EXPECTED[persona][5] == 200
    assert response.status_code == (302 if persona in CHANGES else 403 if visible else 404)
    assert Finding.objects.get(pk=finding.pk).status == ("confirmed" if persona in CHANGES else "pending")


def test_the_work_list_shows_the_village_its_findings_masked(world, run):
    html = client_for(world, "village_yl").get("/rosters/findings/").content.decode()
    kinds = re.findall(r'data-kind="(\w+)"', html)
    assert sorted(kinds) == ["deceased_active", "uninsured"]
    assert UNINSURED not in html and UNINSURED[:4] in html  # masked in lists
    html = client_for(world, "county_yl").get("/rosters/findings/", {"kind": "invalid_id"}).content.decode()
    assert re.findall(r'data-kind="(\w+)"', html) == ["invalid_id"]


def test_a_note_is_required_to_reject_and_the_page_says_so(world, run):
    finding = run.findings.get(id_number=UNINSURED)
    client = client_for(world, "village_yl")
    response = client.post(f"/rosters/findings/{finding.pk}/status/", {"status": "rejected", "note": ""},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "为什么不属实" in response.content.decode()
    response = client.post(f"/rosters/findings/{finding.pk}/status/", {"status": "rejected", "note": "已外省参保"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="finding-status">不属实<' in response.content.decode()


def test_cancel_certificate_form_only_for_the_county(world, run):
    finding = run.findings.get(id_number=DEAD)
    assert "finding-cancel-form" in client_for(world, "county_yl").get(f"/rosters/findings/{finding.pk}/").content.decode()
    assert "finding-cancel-form" not in client_for(world, "village_yl").get(f"/rosters/findings/{finding.pk}/").content.decode()
    assert client_for(world, "village_yl").post(f"/rosters/findings/{finding.pk}/cancel-certificate/").status_code == 403
    response = client_for(world, "county_yl").post(f"/rosters/findings/{finding.pk}/cancel-certificate/", {"on": ""})
    assert response.status_code == 302
    assert Person.objects.get(id_number=DEAD).certificate.status == "cancelled"


def test_upload_and_start_from_the_page(world, tmp_path, run_jobs_here):
    registry_load(world, tmp_path)
    client = client_for(world, "county_yl")
    bad = SimpleUploadedFile("死亡.csv", "姓名,死亡日期\r\n甲,2024-01-01\r\n".encode())
    response = client.post("/rosters/upload/", {"kind": "deaths", "file": bad})
    assert response.status_code == 400 and "身份证号" in response.content.decode()
    assert RosterFile.objects.count() == 0
    good = SimpleUploadedFile("死亡.csv", roster_bytes("deaths", DEATHS))
    assert client.post("/rosters/upload/", {"kind": "deaths", "file": good}).status_code == 302
    roster = RosterFile.objects.get()
    with run_jobs_here():
        response = client.post("/rosters/start/", {"year": "2024", "roster_deaths": str(roster.pk)})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run = ComparisonRun.objects.get()
    job_page = client.get(response["Location"]).content.decode()
    assert f'href="/rosters/runs/{run.pk}/"' in job_page
    page = client.get(f"/rosters/runs/{run.pk}/").content.decode()
    assert re.search(r'id="run-total">2<', page)  # deceased_active and the invalid ID
    assert "下载走访清单" in page
    assert client_for(world, "county_fm").post("/rosters/start/", {"year": "2024", "roster_deaths": str(roster.pk)}
                                               ).status_code == 400  # not a choice for 富民县
    assert client_for(world, "town_yl").post("/rosters/upload/", {"kind": "deaths"}).status_code == 403


def test_a_roster_over_the_size_limit_is_refused_before_it_is_read(world, settings):
    import dataclasses

    settings.JIXIAO_LIMITS = dataclasses.replace(settings.JIXIAO_LIMITS, roster_max_bytes=64)
    upload = SimpleUploadedFile("死亡.csv", roster_bytes("deaths", DEATHS))
    response = client_for(world, "county_yl").post("/rosters/upload/", {"kind": "deaths", "file": upload})
    assert response.status_code == 400 and "“死亡.csv”超过 1 KB 的上限" in response.content.decode()  # 64 bytes, rounded up as sizes are shown
    assert RosterFile.objects.count() == 0
