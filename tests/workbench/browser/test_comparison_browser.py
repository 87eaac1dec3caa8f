"""The roster comparison in a real browser: a county user uploads two rosters, runs the comparison (a background
job, run at once here), sees the counts, marks a finding 属实 and downloads a village's 走访清单; a user of another
county sees none of it. Screenshots under artifacts/screenshots/<test name>/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from jixiao.rosters.models import ComparisonRun, Finding
from tests.personas import build_world
from tests.rosters.world import DEATHS, PENSION, UNINSURED, VILLAGE, registry_load, roster_bytes
from tests.workbench.browser import CHROMIUM
from tests.workbench.browser.test_workbench_browser import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）"),
]


def upload_roster(page, kind: str, path: Path) -> None:
    page.select_option("#roster-kind", kind)
    page.set_input_files("#roster-file", str(path))
    page.click("#roster-upload button[type=submit]")
    page.wait_for_load_state()


def test_county_compares_checks_and_downloads_a_visit_list_other_county_sees_nothing(page, shot, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    world = build_world()
    registry_load(world, tmp_path)
    for kind, rows in (("pension", PENSION), ("deaths", DEATHS)):
        (tmp_path / f"{kind}.csv").write_bytes(roster_bytes(kind, rows))

    login(page, "county_yl")
    page.goto("/rosters/")
    shot(page, "comparison-page")
    upload_roster(page, "pension", tmp_path / "pension.csv")
    expect(page.locator("main")).to_contain_text("已上传城乡居民养老保险参保缴费名册：pension.csv（2 行）")
    upload_roster(page, "deaths", tmp_path / "deaths.csv")
    expect(page.locator("#roster-table tbody tr")).to_have_count(2)
    shot(page, "rosters-uploaded")

    page.fill("#comparison-start input[name=year]", "2024")
    page.select_option("#start-roster_pension", index=1)  # the one uploaded
    page.select_option("#start-roster_deaths", index=1)
    page.click("#comparison-start button[type=submit]")
    expect(page.locator("#job-status")).to_have_text("已完成", timeout=60_000)
    expect(page.locator("#job-figures")).to_contain_text("发现合计")
    shot(page, "job-done")
    page.click("#job-link")
    expect(page.locator("#run-total")).to_have_text("4")
    expect(page.locator("#run-counts tr[data-kind=uninsured] td")).to_have_text("2")
    expect(page.locator("#run-rules")).to_have_text("2024.1")
    shot(page, "run-counts")

    page.click("#run-worklist")
    row = page.locator("#finding-table tr[data-kind=uninsured]:has-text('宜良甲')")
    row.locator("a").click()
    expect(page.locator("#finding-status")).to_have_text("待核实")
    page.select_option("#finding-status-select", "confirmed")
    page.fill("#finding-status-input", "入户核实：未参保")
    page.click("#finding-status-submit")
    expect(page.locator("#finding-status")).to_have_text("属实")
    expect(page.locator("#finding-history")).to_contain_text("待核实 → 属实")
    shot(page, "finding-confirmed")
    assert Finding.objects.get(id_number=UNINSURED).status == "confirmed"

    run = ComparisonRun.objects.get()
    page.goto(f"/rosters/runs/{run.pk}/")
    with page.expect_download() as info:
        page.click(f"#visit-lists a[data-region='{VILLAGE}']")
    target = tmp_path / "visits.xlsx"
    info.value.save_as(target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("走访清单").to_python()
    assert sorted((r[3], r[7]) for r in rows[4:]) == [("宜良乙", "待核实"), ("宜良甲", "属实")]
    shot(page, "visit-list-downloaded")

    page.context.clear_cookies()
    login(page, "county_fm")
    page.goto("/rosters/")
    expect(page.locator("main")).to_contain_text("还没有比对")
    expect(page.locator("main")).not_to_contain_text("pension.csv")
    page.goto("/rosters/findings/")
    expect(page.locator("#no-findings")).to_be_visible()
    assert page.goto(f"/rosters/runs/{run.pk}/").status == 404
    finding = Finding.objects.get(id_number=UNINSURED)
    assert page.goto(f"/rosters/findings/{finding.pk}/").status == 404
    shot(page, "other-county-sees-nothing")
