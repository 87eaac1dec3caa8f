"""Login throttling that cannot be turned against others: failures are counted per account AND
client address (login page and HTTP Basic on the API alike), and `jixiao unlock USER` clears them."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client

from jixiao.accounts.services import user_create
from jixiao.changelog.models import ChangeRecord
from jixiao.cli import main
from jixiao.regions.models import Region
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_user():
    return user_create(actor=None, username="county_lock", password=PASSWORD, role="county",
                       region=Region.objects.get(code="530125"), check_password=False)


def _login(address: str, password: str):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": "county_lock", "password": password})


def _basic(address: str, password: str, path: str = "/api/projects/"):
    token = base64.b64encode(f"county_lock:{password}".encode()).decode()
    return Client(REMOTE_ADDR=address).get(path, HTTP_AUTHORIZATION=f"Basic {token}")


def test_five_wrong_passwords_lock_the_account_only_at_that_address(county_user):
    for _ in range(4):
        assert _login("10.1.0.5", "wrong").status_code == 200
    assert _login("10.1.0.5", "wrong").status_code == 429
    assert _login("10.1.0.5", PASSWORD).status_code == 429  # the right password too, from there
    # Another office (address) is not locked out by someone guessing elsewhere.
    assert _login("10.1.0.6", PASSWORD).status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("10.1.0.5", 6)]


def test_basic_auth_failures_count_like_the_login_page(county_user):
    for attempt in range(4):
        response = _basic("10.2.0.7", "wrong")
        assert response.status_code == 403, attempt
        assert response.json() == {"detail": "用户名或密码不正确。"}
    locked = _basic("10.2.0.7", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "已暂时锁定" in locked.json()["detail"]
    assert _basic("10.2.0.7", PASSWORD).status_code == 429  # the API refuses the right password there …
    assert _login("10.2.0.7", PASSWORD).status_code == 429  # … and so does the login page
    assert _basic("10.2.0.8", PASSWORD).status_code == 200  # another address still gets in
    assert _login("10.2.0.8", PASSWORD).status_code == 302


def test_basic_auth_failures_and_page_failures_add_up(county_user):
    for _ in range(3):
        _login("10.3.0.1", "wrong")
    assert _basic("10.3.0.1", "wrong").status_code == 403
    assert _basic("10.3.0.1", "wrong").status_code == 429
    assert _login("10.3.0.1", PASSWORD).status_code == 429


def test_a_right_basic_auth_password_resets_the_count(county_user):
    for _ in range(4):
        _basic("10.4.0.1", "wrong")
    assert _basic("10.4.0.1", PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username="county_lock").exists()
    for _ in range(4):
        assert _basic("10.4.0.1", "wrong").status_code == 403


def test_client_address_is_the_peer_unless_a_proxy_is_configured(county_user, settings):
    client = Client(REMOTE_ADDR="10.5.0.9", HTTP_X_FORWARDED_FOR="203.0.113.4")
    client.post("/login/", {"username": "county_lock", "password": "wrong"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.5.0.9"]
    AccessAttempt.objects.all().delete()
    settings.TRUSTED_PROXY_HOPS = 1  # JIXIAO_TRUSTED_PROXY=1: the proxy appends the client's address
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.4")
    client.post("/login/", {"username": "county_lock", "password": "wrong"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.4"]


def test_unlock_clears_every_address_and_is_recorded(county_user, capsys):
    for address in ("10.6.0.1", "10.6.0.2"):
        for _ in range(5):
            _login(address, "wrong")
    _login("10.6.0.3", "wrong")
    assert _login("10.6.0.1", PASSWORD).status_code == 429
    assert main(["unlock", "county_lock"]) == 0
    out = capsys.readouterr().out
    assert "10.6.0.1（输错 6 次，已锁定）" in out and "10.6.0.2（输错 5 次，已锁定）" in out
    assert "10.6.0.3（输错 1 次）" in out and "共 3 个地址" in out
    assert not AccessAttempt.objects.filter(username="county_lock").exists()
    record = ChangeRecord.objects.get(object_type="用户", subject_id=str(county_user.pk), action="update")
    assert record.actor_label == "命令行" and record.note == "解除登录锁定：3 个地址"
    assert record.changes == {"登录锁定": ["10.6.0.1、10.6.0.2、10.6.0.3", "已解除"]}
    assert _login("10.6.0.1", PASSWORD).status_code == 302


def test_unlock_of_an_unknown_user_exits_2(capsys):
    AccessAttempt.objects.create(username="ghost", ip_address="10.7.0.1", user_agent="x", failures_since_start=5,
                                 get_data="", post_data="", http_accept="", path_info="/login/")
    ChangeRecord.objects.all().delete()
    assert main(["unlock", "ghost"]) == 2
    assert "没有用户“ghost”" in capsys.readouterr().err
    assert AccessAttempt.objects.filter(username="ghost").count() == 1
    assert not ChangeRecord.objects.exists()


def test_unlock_without_failures_says_so_and_is_recorded(county_user, capsys):
    assert main(["unlock", "county_lock"]) == 0
    assert "没有输错密码的记录" in capsys.readouterr().out
    record = ChangeRecord.objects.get(subject_id=str(county_user.pk), action="update")
    assert record.changes == {} and record.note == "解除登录锁定：没有输错密码的记录"
