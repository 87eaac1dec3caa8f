"""A stored cycle replays from its frozen folder byte for byte (`jixiao cycle replay --cycle ID`), also after the rule
book has changed; a new cycle uses the new version."""

import json

import pytest

from jixiao.benefits import selectors, services, storage
from jixiao.cli import main
from tests.benefits.test_rulebook import raised_book
from tests.benefits.world import B, compute_now, pension_cycle, pension_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_ready(monkeypatch):
    """The command sets Django up itself; here the test database already is."""
    from jixiao import bootstrap

    monkeypatch.setattr(bootstrap, "setup_django", lambda migrate=False: None)


def amounts(cycle) -> dict[str, str]:
    import csv

    with (storage.run_folder(cycle.pk) / "entitlements.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {r["身份证号"]: r["金额(元)"] for r in csv.DictReader(handle)}


def test_replay_after_a_rule_change_is_identical_and_a_new_cycle_uses_the_new_amount(w, run_jobs_here, db_ready,
                                                                                   capsys, tmp_path):
    county = w.users["county_sl"]
    roster = pension_roster(w)
    old = pension_cycle(w, run_jobs_here, roster=roster)
    assert old.rules.number == 1 and amounts(old)[B] == "200.00" and old.summary["totals"]["amount_yuan"] == 500
    services.rulebook_version_create(actor=w.users["admin"], data=raised_book(amount="300"), note="2024年起提高标准")
    assert selectors.rulebook_version_current().version == "2026.2"

    assert main(["cycle", "replay", "--cycle", str(old.pk)]) == 0
    out = capsys.readouterr().out
    assert "逐字节相同" in out and old.summary["entitlements_sha256"] in out and "规则 第1版（2026.1）" in out
    assert main(["cycle", "replay", "--cycle", str(old.pk), "--out", str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "entitlements.csv").read_bytes() == \
        (storage.run_folder(old.pk) / "entitlements.csv").read_bytes()
    old.refresh_from_db()
    assert old.rules.number == 1  # the stored cycle keeps its version

    services.cycle_void(actor=county, cycle=old, reason="标准调整，重新建立")
    new = pension_cycle(w, run_jobs_here, roster=roster)
    assert new.rules.version == "2026.2" and amounts(new)[B] == "300.00"  # paid 300, the standard is now 300
    assert new.summary["totals"]["amount_yuan"] == 600 and new.summary["rules"]["version"] == "2026.2"
    assert main(["cycle", "replay", "--cycle", str(new.pk)]) == 0
    assert main(["cycle", "replay", "--cycle", str(old.pk)]) == 0  # a voided cycle still replays as it was


def test_a_recomputation_uses_the_current_version_and_replaces_the_frozen_folder(w, run_jobs_here, db_ready, capsys):
    cycle = pension_cycle(w, run_jobs_here)
    first = json.loads((storage.frozen_folder(cycle.pk) / "manifest.json").read_text(encoding="utf-8"))
    services.rulebook_version_create(actor=w.users["admin"], data=raised_book(amount="300"))
    cycle = compute_now(w.users["county_sl"], cycle, run_jobs_here)
    manifest = json.loads((storage.frozen_folder(cycle.pk) / "manifest.json").read_text(encoding="utf-8"))
    assert (first["rules_version"], manifest["rules_version"], cycle.rules.version) == ("2026.1", "2026.2", "2026.2")
    assert manifest["entitlements_sha256"] == cycle.summary["entitlements_sha256"] != first["entitlements_sha256"]
    assert sorted(p.name for p in storage.cycle_folder(cycle.pk).iterdir()) == ["run"]  # no staging left behind
    assert main(["cycle", "replay", "--cycle", str(cycle.pk)]) == 0


def test_replay_exit_status_different_and_unusable(w, run_jobs_here, db_ready, capsys, tmp_path):
    cycle = pension_cycle(w, run_jobs_here)
    frozen = storage.frozen_folder(cycle.pk)
    manifest = json.loads((frozen / "manifest.json").read_text(encoding="utf-8"))
    tampered = {**manifest, "entitlements_sha256": "0" * 64}
    (frozen / "manifest.json").write_text(json.dumps(tampered), encoding="utf-8")
    assert main(["cycle", "replay", "--cycle", str(cycle.pk)]) == 1
    assert "不符" in capsys.readouterr().err
    (frozen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (frozen / "pension.csv").write_text("changed", encoding="utf-8")
    assert main(["cycle", "replay", "--cycle", str(cycle.pk)]) == 2
    assert "已被改动" in capsys.readouterr().err
    assert main(["cycle", "replay", "--cycle", "99999"]) == 2
    assert "没有第 99999 号" in capsys.readouterr().err
    draft = services.cycle_create(actor=w.users["county_sl"], programme="care_subsidy", year=2024, month=1)
    assert main(["cycle", "replay", "--cycle", str(draft.pk)]) == 2
    assert "还没有计算结果" in capsys.readouterr().err
    assert main(["cycle", "replay"]) == 2 and "二者选一" in capsys.readouterr().err
    assert main(["cycle", "replay", str(tmp_path)]) == 2 and "--out" in capsys.readouterr().err
