"""The REST API's project detail carries a department-level project's groups, totals and 民生实事 as printed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jixiao.demo.seeds import load_seed
from tests.personas import store

pytestmark = pytest.mark.django_db


def test_detail_shows_the_department_as_printed(world):
    seed = load_seed("004")
    seed.region_code = "530102"  # 开福区 is not in the shipped tree (demo.seeds.NOT_STORED)
    project = store(seed)
    client = APIClient()
    client.force_login(world.users["admin"])
    data = client.get(f"/api/projects/{project.pk}/").json()
    dep = data["department"]
    assert dep["total"] == {"budget": "977.58", "budget_own": "977.58", "spent": "1616.99", "spent_own": "830.075",
                            "work_funds": "82.8", "special_funds": "1534.19", "budget_count": 5, "spent_count": 5}
    assert dep["groups"][4]["spent_text"] == "328.187（含调指标23.075万元）"
    assert [t["completion"] for t in dep["tasks"]] == ["110.00%", "113.89%"]
    assert dep["own_level"] == "区级"
    plain = client.get(f"/api/projects/{world.projects['yiliang'].pk}/").json()
    assert plain["department"] is None
