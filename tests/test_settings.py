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
