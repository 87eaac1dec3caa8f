"""Login throttling, CSRF, sessions, production settings, personal data kept out of logs, no CDN."""

import io
import logging
import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import Client, override_settings

from jixiao.accounts.middleware import TOUCHED_KEY
from jixiao.accounts.services import AccountError, user_create
from jixiao.common.pii import MaskPersonalDataFilter, mask_phone, mask_resident_id, mask_text
from jixiao.evaluations.models import IndicatorScore
from jixiao.regions.models import Region
from jixiao.workbench.checks import production_settings_check
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_even_with_right_password():
    user_create(actor=None, username="county_a", password=PASSWORD, role="county",
                region=Region.objects.get(code="530125"), check_password=False)
    client = Client()
    for attempt in range(4):
        response = _login(client, "county_a", "wrong-password")
        assert response.status_code == 200, attempt
        assert "用户名或密码不正确" in response.content.decode()
    response = _login(client, "county_a", "wrong-password")
    assert response.status_code == 429 and "已暂时锁定" in response.content.decode()
    response = _login(client, "county_a", PASSWORD)
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # not logged in


def test_success_resets_the_failure_count():
    user_create(actor=None, username="county_b", password=PASSWORD, role="county",
                region=Region.objects.get(code="530125"), check_password=False)
    client = Client()
    for _ in range(4):
        _login(client, "county_b", "wrong")
    assert _login(client, "county_b", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        assert _login(client, "county_b", "wrong").status_code == 200
    assert _login(client, "county_b", PASSWORD).status_code == 302


def test_csrf_is_enforced_on_changes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_yl"])
    project = world.projects["yiliang"]
    assert client.post(f"/projects/{project.pk}/indicators/A21/", {"manual_score": "3"}).status_code == 403
    assert client.post(f"/projects/{project.pk}/delete/").status_code == 403
    assert IndicatorScore.objects.get(evaluation=project.current_evaluation, code="A21").score == 10


def test_expired_session_logs_out(world):
    client = Client()
    assert _login(client, "county_yl", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    session = client.session  # whichever session backend is configured (files on SQLite, database on PostgreSQL)
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302
    assert world.users["county_yl"].pk


def test_session_is_touched_at_most_once_a_minute(world):
    """Idle expiry counts from the last activity, but a session is not rewritten on every request."""
    client = Client()
    assert _login(client, "county_yl", PASSWORD).status_code == 302
    now = int(time.time())
    for stored, expect_rewritten in ((now - 3600, True), (now - 10, False)):
        session = client.session
        session[TOUCHED_KEY] = stored
        session.save()
        assert client.get("/").status_code == 200
        touched = client.session[TOUCHED_KEY]
        assert (touched >= now) if expect_rewritten else (touched == stored)


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_TOUCH_SECONDS == 60
    assert "jixiao.accounts.middleware.SessionIdleTouchMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_password_validators_apply():
    with pytest.raises(AccountError, match="密码"):
        user_create(actor=None, username="weak", password="12345678", role="admin")


@pytest.mark.parametrize(("overrides", "ids"), [
    ({"DEBUG": True, "SECRET_KEY": settings.DEFAULT_SECRET_KEY}, {"jixiao.E001", "jixiao.E002"}),
    ({"DEBUG": False, "SECRET_KEY": "short"}, {"jixiao.E002"}),
    ({"DEBUG": False, "SECRET_KEY": "k" * 60}, {"jixiao.E002"}),  # long but not random
    ({"DEBUG": False, "SECRET_KEY": "x8#Kq2!vLm9@Tz4$Rw7&Yp1*Nc6^Bd3(Fg5)Hj0-Qs8_Ue2+Wa9"}, set()),
])
def test_production_check(overrides, ids):
    with override_settings(PRODUCTION=True, **overrides):
        assert {e.id for e in production_settings_check()} == ids
    with override_settings(PRODUCTION=False, **overrides):
        assert production_settings_check() == []


def _settings_in_subprocess(env_extra: dict, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update({"JIXIAO_HOME": os.environ["JIXIAO_HOME"], **env_extra})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_turn_on_secure_cookies_and_hsts():
    result = _settings_in_subprocess({"JIXIAO_PRODUCTION": "1"}, (
        "import jixiao.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT)"))
    assert result.stdout.split() == ["True", "True", "31536000", "True"], result.stderr


def test_serve_refuses_to_start_in_production_with_default_key_or_debug(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update({"JIXIAO_HOME": str(tmp_path), "JIXIAO_PRODUCTION": "1", "JIXIAO_DEBUG": "1",
                "JIXIAO_SECRET_KEY": settings.DEFAULT_SECRET_KEY})
    result = subprocess.run([sys.executable, "-m", "jixiao", "serve", "--port", "1"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "拒绝启动" in result.stderr and "jixiao.E001" in result.stderr and "jixiao.E002" in result.stderr


def test_masking():
    assert mask_resident_id("530102199001011234") == "5301**********1234"
    assert mask_phone("13812345678") == "138****5678"
    text = mask_text("张三 530102199001011234，证号 53010219900101123412，旧证 530102900101123，手机 13812345678")
    assert "199001011" not in text and "12345678" not in text and "5301**********1234" in text


def test_logs_never_carry_personal_numbers():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_pii" in handler.get("filters", []), name
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    logger = logging.getLogger("jixiao.test.pii")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("导入失败：身份证号 %s，电话 %s", "53010219900101123X", "13912345678")
        try:
            raise ValueError("证件 530102199001011234 重复")
        except ValueError:
            logger.exception("行 5")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "53010219900101123X" not in output and "13912345678" not in output
    assert "530102199001011234" not in output and "5301**********123X" in output


def test_request_log_of_a_guessed_url_is_masked(world, caplog):
    """Django logs 404s with their path; an ID number typed into a URL must not reach the log."""
    client = Client()
    client.force_login(world.users["admin"])
    logger = logging.getLogger("django.request")
    handler_stream = io.StringIO()
    handler = logging.StreamHandler(handler_stream)
    handler.addFilter(MaskPersonalDataFilter())
    logger.addHandler(handler)
    try:
        client.get("/persons/530102199001011234/")
    finally:
        logger.removeHandler(handler)
    assert "530102199001011234" not in handler_stream.getvalue()


def test_pages_use_no_cdn_and_static_files_are_served(world):
    client = Client()
    client.force_login(world.users["admin"])
    project = world.projects["yiliang"]
    for url in ["/", "/projects/", f"/projects/{project.pk}/", "/projects/upload/", "/login/"]:
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], (url, external)
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            response = client.get(asset)
            assert response.status_code == 200, asset
    assert b"echarts" in b"".join(client.get("/static/vendor/echarts/echarts.min.js").streaming_content)[:2000]
