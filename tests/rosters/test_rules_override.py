"""A region's override of the comparison rules, made by the administrator in 系统管理: checked before it is saved,
recorded, and used by the runs of that region and below (the nearest region's override wins)."""

import pytest
from django.test import Client

from jixiao.changelog.models import ChangeRecord
from jixiao.rosters.models import RulesOverride
from jixiao.rosters.selectors import rules_override_for
from jixiao.rosters.services import rules_for_region
from tests.rosters.world import DEATHS, PENSION, UNINSURED, compare_now, registry_load, upload

pytestmark = pytest.mark.django_db


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.users["admin"])
    return client


def test_admin_saves_a_checked_override_and_it_is_recorded(world):
    yiliang = world.regions["yiliang"]
    client = admin_client(world)
    bad = client.post("/admin/rosters/rulesoverride/add/", {
        "region": yiliang.pk, "text": "[programmes.pension]\nage_max = 10", "basis": "宜残联〔2024〕1号"})
    assert bad.status_code == 200 and RulesOverride.objects.count() == 0  # age_max below age_min: refused
    assert "age_min（16）大于 age_max（10）" in bad.content.decode()
    broken = client.post("/admin/rosters/rulesoverride/add/", {"region": yiliang.pk, "text": "[x", "basis": "a"})
    assert "TOML 格式错误" in broken.content.decode()
    ok = client.post("/admin/rosters/rulesoverride/add/", {
        "region": yiliang.pk, "text": "[programmes.pension]\nage_max = 39", "basis": "宜残联〔2024〕1号"})
    assert ok.status_code == 302
    override = RulesOverride.objects.get()
    record = ChangeRecord.objects.get(subject_id=str(override.pk), object_type="比对规则（地区覆盖）")
    assert record.actor_label == "admin" and record.region == yiliang
    assert Client().get("/admin/rosters/rulesoverride/").status_code == 302
    county = Client()
    county.force_login(world.users["county_yl"])
    assert county.get("/admin/rosters/rulesoverride/").status_code == 302  # not an administrator


def test_the_nearest_override_applies_to_a_run(world, tmp_path, run_jobs_here):
    registry_load(world, tmp_path)
    RulesOverride.objects.create(region=world.regions["kunming"], text="[programmes.pension]\nage_max = 45",
                                 basis="市级")
    RulesOverride.objects.create(region=world.regions["yiliang"], text="[programmes.pension]\nage_max = 39",
                                 basis="宜残联〔2024〕1号")
    assert rules_override_for(world.regions["yl_village"]).basis == "宜残联〔2024〕1号"
    assert rules_override_for(world.regions["fumin"]).basis == "市级"
    assert rules_override_for(None) is None
    rules, _ = rules_for_region(world.regions["yiliang"])
    assert rules.programmes["pension"].age_max == 39
    county = world.users["county_yl"]
    run = compare_now(county, [upload(county, "pension", PENSION), upload(county, "deaths", DEATHS)], run_jobs_here)
    assert run.rules_override.basis == "宜残联〔2024〕1号"
    # 宜良甲 is 40 in 2024: above this county's 39, so not eligible and not reported as uninsured
    assert not run.findings.filter(kind="uninsured", id_number=UNINSURED).exists()
    assert run.rules_version == "2024.1" and run.rules_digest != rules_for_region(None)[0].digest
