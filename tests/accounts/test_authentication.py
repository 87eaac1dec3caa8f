"""HTTP Basic on the API in production: only over HTTPS; session logins are unaffected."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client

from jixiao.accounts.services import user_create
from jixiao.regions.models import Region
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

HTTPS_ONLY = "生产环境中 HTTP Basic 登录只接受 HTTPS 连接：请使用 https:// 地址（密码未被检查）。"


@pytest.fixture
def county_user():
    return user_create(actor=None, username="county_api", password=PASSWORD, role="county",
                       region=Region.objects.get(code="530125"), check_password=False)


def _auth(password=PASSWORD):
    return "Basic " + base64.b64encode(f"county_api:{password}".encode()).decode()


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.SECURE_SSL_REDIRECT = False  # the proxy would redirect; here the answer itself is tested


def test_basic_auth_over_plain_http_is_refused_in_production(county_user, production):
    response = Client().get("/api/projects/", HTTP_AUTHORIZATION=_auth())
    assert response.status_code == 403 and response.json() == {"detail": HTTPS_ONLY}
    # Not even checked: a wrong password over plain HTTP counts no failure.
    assert Client().get("/api/projects/", HTTP_AUTHORIZATION=_auth("wrong")).status_code == 403
    assert not AccessAttempt.objects.exists()
    assert Client().get("/api/projects/", HTTP_AUTHORIZATION=_auth(), secure=True).status_code == 200


def test_a_claimed_https_counts_only_behind_a_configured_proxy(county_user, production, settings):
    claimed = {"HTTP_AUTHORIZATION": _auth(), "HTTP_X_FORWARDED_PROTO": "https"}
    assert Client().get("/api/projects/", **claimed).status_code == 403
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # what JIXIAO_TRUSTED_PROXY=1 sets
    assert Client().get("/api/projects/", **claimed).status_code == 200


def test_session_login_over_plain_http_still_reaches_the_api(county_user, production):
    client = Client()
    client.force_login(county_user)
    assert client.get("/api/projects/").status_code == 200


def test_basic_auth_over_plain_http_works_outside_production(county_user):
    assert Client().get("/api/projects/", HTTP_AUTHORIZATION=_auth()).status_code == 200
