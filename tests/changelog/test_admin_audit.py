"""Master data in Django admin (系统管理): only admins get in, every edit leaves an audit row, and the
default grade scale kept there is the one uploads use."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from jixiao.changelog.models import ChangeRecord
from jixiao.indicators.models import GradeBand, GradeScale
from jixiao.projects.models import Project
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project

pytestmark = pytest.mark.django_db


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


@pytest.mark.parametrize("persona", ["city", "county_yl", "finance_city", "evaluator"])
def test_only_admins_reach_admin(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_region_edit_in_admin_is_audited(world):
    client = _admin(world)
    town = world.regions["yl_town"]
    url = f"/admin/regions/region/{town.pk}/change/"
    form = client.get(url).content.decode()
    assert "匡远街道" in form
    response = client.post(url, {"code": town.code, "gb_code": town.gb_code, "name": "匡远镇", "short_name": "",
                                 "aliases": "[]", "level": "township", "parent": world.regions["yiliang"].pk,
                                 "city_share": "", "county_share": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ChangeRecord.objects.filter(object_type="行政区划", action="update").get()
    assert record.changes == {"名称": ["匡远街道", "匡远镇"]} and record.actor_label == "admin"


def test_region_renamed_in_admin_shows_at_once_on_cached_dashboards(world):
    city = Client()
    city.force_login(world.users["city"])
    assert "<td>宜良县</td>" in city.get("/").content.decode()  # the dashboard is now cached for this scope
    yiliang = world.regions["yiliang"]
    response = _admin(world).post(f"/admin/regions/region/{yiliang.pk}/change/", {
        "code": yiliang.code, "gb_code": "", "name": "宜良县（改）", "short_name": "", "aliases": "[]",
        "level": "county", "parent": world.regions["kunming"].pk, "city_share": "", "county_share": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    html = city.get("/").content.decode()
    assert "<td>宜良县（改）</td>" in html and "<td>宜良县</td>" not in html


def test_default_grade_scale_from_admin_applies_to_uploads(world, tmp_path, monkeypatch):
    monkeypatch.setattr("jixiao.workbooks.writer._grade_scale_text", lambda scale: "")  # 等级阈值 left blank
    scale = GradeScale.objects.get(is_default=True)
    GradeBand.objects.filter(scale=scale, grade="优").update(lower_bound=Decimal("99.6"))
    path = tmp_path / "p.xlsx"
    write_workbook(path, sample_project(name="阈值项目", region_code="530125", region_name="宜良县"))
    upload = io.BytesIO(path.read_bytes())
    upload.name = "p.xlsx"
    client = Client()
    client.force_login(world.users["county_yl"])
    client.post("/projects/upload/", {"file": upload})
    evaluation = Project.objects.get(name="阈值项目").current_evaluation
    assert str(evaluation.total_score) == "99.50" and evaluation.grade == "良"
    assert evaluation.figures["grade_scale"][0] == {"grade": "优", "from": "99.6"}
    page = client.get(f"/projects/{evaluation.project_id}/").content.decode()
    assert re.search(r"优 ≥ 99.6", page)
