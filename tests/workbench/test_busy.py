"""The busy answer in-process: a view whose database write cannot get the lock answers 503 with
Retry-After (a Chinese page, JSON on the API) instead of 500. The same with real processes and a
real lock: tests/workbench/test_concurrency.py."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _locked(**kwargs):
    exc = OperationalError("database is locked")
    exc.__cause__ = sqlite3.OperationalError("database is locked")
    raise exc


def _broken(**kwargs):
    raise OperationalError("no such table: projects_project")


@pytest.fixture
def county_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["county_yl"])
    return client


def _upload(client, url):
    return client.post(url, {"file": SimpleUploadedFile("项目.xlsx", b"PK\x03\x04")})


def test_page_and_api_answer_busy_when_the_database_is_locked(county_client, monkeypatch):
    monkeypatch.setattr("jixiao.workbench.views.workbook_import", _locked)
    monkeypatch.setattr("jixiao.api.views.workbook_import", _locked)
    page = _upload(county_client, "/projects/upload/")
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "系统繁忙，请稍后重试" in page.content.decode() and page["Content-Type"].startswith("text/html")
    api = _upload(county_client, "/api/projects/")
    assert api.status_code == 503 and api["Retry-After"] == "10"
    assert api.json() == {"detail": "系统繁忙，请稍后重试"}


def test_other_database_errors_stay_server_errors(county_client, monkeypatch):
    monkeypatch.setattr("jixiao.workbench.views.workbook_import", _broken)
    assert _upload(county_client, "/projects/upload/").status_code == 500
