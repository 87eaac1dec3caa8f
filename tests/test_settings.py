import os
from datetime import date

import pytest
from django import forms
from django.db import connection
from django.utils import translation


@pytest.mark.django_db
def test_database_backend_matches_environment():
    expected = "postgresql" if os.environ.get("JIXIAO_DATABASE_URL") else "sqlite"
    assert connection.vendor == expected


def test_chinese_date_input_formats():
    class F(forms.Form):
        d = forms.DateField()

    with translation.override("zh-hans"):
        for text in ("2025年3月5日", "2025-03-05", "2025/3/5"):
            form = F({"d": text})
            assert form.is_valid(), (text, form.errors)
            assert form.cleaned_data["d"] == date(2025, 3, 5)


def test_locale_and_timezone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def _settings_in_subprocess(env_extra: dict, code: str):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update({"JIXIAO_HOME": os.environ["JIXIAO_HOME"], **env_extra})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


PROXY_SETTINGS = ("import jixiao.settings as s; print(s.TRUSTED_PROXY_HOPS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
                  "s.AXES_LOCKOUT_PARAMETERS)")


def test_forwarded_proto_is_trusted_only_with_a_configured_proxy():
    result = _settings_in_subprocess({"JIXIAO_PRODUCTION": "1"}, PROXY_SETTINGS)
    assert result.stdout.strip() == "0 None [['username', 'ip_address']]", result.stderr
    result = _settings_in_subprocess({"JIXIAO_PRODUCTION": "1", "JIXIAO_TRUSTED_PROXY": "1"}, PROXY_SETTINGS)
    assert result.stdout.strip() == "1 ('HTTP_X_FORWARDED_PROTO', 'https') [['username', 'ip_address']]", result.stderr
    result = _settings_in_subprocess({"JIXIAO_TRUSTED_PROXY": "yes"}, PROXY_SETTINGS)
    assert result.returncode == 1 and "JIXIAO_TRUSTED_PROXY 应为反向代理的层数" in result.stderr


def test_sqlite_writers_take_the_lock_up_front_and_wait():
    result = _settings_in_subprocess({"JIXIAO_SQLITE_TIMEOUT": "7"}, (
        "import jixiao.settings as s; o = s.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], o['timeout'])"))
    assert result.stdout.split() == ["IMMEDIATE", "7.0"], result.stderr
