"""Content-Security-Policy: sent on every answer, and no page needs more than it allows — no inline
script, no on…= handler, no style attribute or <style> block (the pages' behaviour and looks come from
jixiao's own static files). In a real browser: tests/workbench/browser/test_csp_browser.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jixiao.registry.models import Person

pytestmark = pytest.mark.django_db

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style|<[^>]+\sstyle\s*=", re.I)


def inline_code(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + HANDLER.findall(html) + STYLE.findall(html)


@pytest.fixture
def admin_client(world, tmp_path):
    from jixiao.registry.importer import registry_import
    from tests.registry.rows import make_id, row, write_csv

    rows = [row(姓名="人员甲", 身份证号=make_id(seq="101"), 户籍地区划代码="530125003004")]
    registry_import(write_csv(tmp_path / "seed.csv", rows), actor=None, parallel=False)
    client = Client()
    client.force_login(world.users["admin"])
    return client, world


def test_every_page_has_the_policy_and_nothing_inline(admin_client):
    client, world = admin_client
    project = world.projects["yiliang"]
    user = get_user_model().objects.get(username="county_yl")
    urls = ["/", "/?year=2024", "/projects/", "/projects/?q=宜良", "/projects/upload/", f"/projects/{project.pk}/",
            "/registry/", "/registry/?q=人员", f"/registry/persons/{Person.objects.get().pk}/", "/registry/import/", "/audit/", "/admin/", "/admin/auth/user/",
            f"/admin/auth/user/{user.pk}/change/", "/admin/regions/region/", "/api/docs/"]
    urls += [f"/projects/{project.pk}/?tab={tab}" for tab in
             ("basic", "funds", "targets", "scores", "survey", "interviews", "report", "changes")]
    fragments = [f"/projects/{project.pk}/tab/{tab}/" for tab in ("scores", "report", "basic")]
    for url in urls + fragments:
        response = client.get(url, HTTP_HX_REQUEST="true") if url in fragments else client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url
        assert inline_code(response.content.decode()) == [], url


def test_the_policy_is_on_other_answers_too(admin_client):
    client, world = admin_client
    assert Client().get("/login/")["Content-Security-Policy"] == POLICY
    assert inline_code(Client().get("/login/").content.decode()) == []
    for url in ("/api/projects/", "/api/docs/?script", "/projects/999999/"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == POLICY, url


def test_api_docs_start_up_script_is_a_file(admin_client):
    client, _ = admin_client
    html = client.get("/api/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[-1] == "/api/docs/?script="
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert client.get("/static/api/docs.css").status_code == 200


def test_htmx_config_switches_off_its_inline_style_and_eval(admin_client):
    client, _ = admin_client
    html = client.get("/").content.decode()
    assert ('<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false, '
            '"allowScriptTags": false}\'>') in html
    assert '<script src="/static/workbench/workbench.js" defer></script>' in html
