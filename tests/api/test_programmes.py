"""The REST API's project detail carries the programmes of a multi-programme project as printed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jixiao.demo.seeds import load_seed
from tests.personas import store

pytestmark = pytest.mark.django_db


def test_detail_shows_programmes_as_printed(world):
    project = store(load_seed("003"))
    client = APIClient()
    client.force_login(world.users["admin"])
    data = client.get(f"/api/projects/{project.pk}/").json()
    figures = project.current_evaluation.figures
    assert [(p["name"], p["total"], p["spent"], p["balance"]) for p in data["programmes"]] == [
        ("城市居民最低生活保障", "113.23", "70.32", "42.91"), ("涉诉特困人员救助", "30", "30", "0"),
        ("城乡临时救助", "28.09", "7.03", "21.06"), ("特困人员供养", "20.7", "18.22", "2.48"),
        ("六十年代精减退职职工生活补助", "4.3", "3.79", "0.51")]
    assert data["programmes"][0]["sources"] == [
        {k: s[k] for k in ("kind", "words", "amount", "document", "note")} for s in figures["programmes"][0]["sources"]]
    assert data["programmes"][0]["monthly_persons"] == "101"
    plain = client.get(f"/api/projects/{world.projects['yiliang'].pk}/").json()
    assert plain["programmes"] is None
