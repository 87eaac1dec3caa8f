"""The Jinja2 pages render what people typed safely and show times as Django's templates did."""

import datetime as dt

import pytest
from django.test import Client

from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.selectors import changes_about
from jixiao.changelog.services import change_record
from jixiao.workbench.jinja2env import default, default_if_none
from tests.factories import sample_project
from tests.personas import store

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_from_users_is_escaped_on_every_page_that_shows_it(world):
    project = store(sample_project(name=f"项目{MARKUP}", owner_unit=f"单位{MARKUP}", region_code="530125",
                                   region_name="宜良县"))
    record = change_record(actor=None, action=ChangeRecord.Action.UPDATE, obj=project, object_label=MARKUP,
                           changes={"名称": [MARKUP, "新"]}, note=MARKUP)
    ChangeRecord.objects.filter(pk=record.pk).update(actor_label=MARKUP)
    client = Client()
    client.force_login(world.users["county_yl"])
    pages = [client.get("/projects/"), client.get("/projects/?q=script"), client.get(f"/projects/{project.pk}/"),
             client.get(f"/projects/{project.pk}/?tab=changes"), client.get("/")]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[3].content.decode()  # shown, harmless
    assert "项目&lt;script&gt;" in pages[0].content.decode()


def test_times_are_shown_in_china_standard_time(world):
    project = world.projects["yiliang"]
    record = changes_about(project).first()
    ChangeRecord.objects.filter(pk=record.pk).update(at=dt.datetime(2024, 1, 1, 16, 30, 5, tzinfo=dt.UTC))
    client = Client()
    client.force_login(world.users["county_yl"])
    html = client.get(f"/projects/{project.pk}/?tab=changes").content.decode()
    assert "<td>2024-01-02 00:30:05</td>" in html  # 16:30 UTC is 00:30 the next day in Asia/Shanghai


def test_filters_keep_django_meaning():
    assert default(0, "—") == "—" and default("", "—") == "—" and default(None, "—") == "—"
    assert default("98.50", "—") == "98.50"
    assert default_if_none(0, "—") == 0 and default_if_none(None, "—") == "—"
