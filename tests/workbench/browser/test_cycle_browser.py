"""A benefit cycle in a real browser: a county user creates and computes a cycle (the background job, run at once
here) and submits it; a second user of the same county approves it (the one who computed may not); the first makes
the payment batch, downloads the bank list, uploads a return in which every payment succeeded and sees the cycle
reconciled — everybody 已到账, then 确认全部到账 → 已发放. Screenshots under artifacts/screenshots/<test name>/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from jixiao.benefits.models import Cycle, Payment
from tests.benefits.world import YEAR, A, B, C, build, pension_roster, return_csv
from tests.personas import build_world
from tests.workbench.browser import CHROMIUM
from tests.workbench.browser.test_workbench_browser import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）"),
]


def test_county_computes_another_approves_bank_list_downloaded_return_reconciles(page, shot, tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    settings.JIXIAO_HOME = home
    w = build(build_world(), tmp_path)
    roster = pension_roster(w)

    login(page, "county_sl")
    page.click("#nav-cycles")
    expect(page.locator("#no-cycles")).to_be_visible()
    page.click("#link-rules")
    expect(page.locator("#programme-pension_subsidy")).to_contain_text("昆人社通〔2022〕18号")
    expect(page.locator("main mark.example").first).to_have_text("示例值")
    shot(page, "rules")
    page.go_back()
    page.select_option("#create-programme", "pension_subsidy")
    page.fill("#create-year", str(YEAR))
    page.check(f"#create-rosters input[value='{roster.pk}']")
    shot(page, "new-cycle")
    page.click("#cycle-create button[type=submit]")
    expect(page.locator("#cycle-state")).to_have_text("草稿")
    cycle = Cycle.objects.get()

    page.click("#move-compute button")
    expect(page.locator("#cycle-state")).to_have_text("已计算", timeout=60_000)
    expect(page.locator("#total-persons")).to_have_text("3")
    expect(page.locator("#cycle-reasons tr[data-reason=unpaid] td")).to_have_text("1")
    expect(page.locator("#cycle-computed-by")).to_contain_text("county_sl")
    shot(page, "computed")
    page.click("#move-submit button")
    expect(page.locator("#cycle-state")).to_have_text("审核中")
    expect(page.locator("#move-approve")).to_have_count(0)  # not the one who computed it

    page.context.clear_cookies()
    login(page, "county_sl2")
    page.goto(f"/cycles/{cycle.pk}/")
    shot(page, "to-approve")
    page.click("#move-approve button")
    expect(page.locator("#cycle-state")).to_have_text("已批准")
    expect(page.locator("#cycle-approved-by")).to_contain_text("county_sl2")

    page.context.clear_cookies()
    login(page, "county_sl")
    page.goto(f"/cycles/{cycle.pk}/")
    page.click("#batch-create button")
    expect(page.locator("#batch-1 .n-pending")).to_have_text("3")
    shot(page, "batch-made")
    with page.expect_download() as info:
        page.click("#batch-1 .batch-files a[data-list=bank]")
    target = tmp_path / "bank.xlsx"
    info.value.save_as(target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("清单").to_python()
    listed = {r[2]: r for r in rows if len(r) > 2 and r[2] in (A, B, C)}
    assert set(listed) == {A, B, C} and listed[A][1] == "石林甲"

    returned = return_csv(tmp_path / "银行回盘.csv", [["石林甲", A, "200", "成功", "", ""],
                                                   ["石林乙", B, "200", "成功", "", ""],
                                                   ["石林丙", C, "100", "成功", "", ""]])
    page.set_input_files("#return-form-1 input[type=file]", str(returned))
    page.click("#return-form-1 button[type=submit]")
    expect(page.locator("main")).to_contain_text("到账 3 人，失败 0 人")
    expect(page.locator("#batch-1 .n-paid")).to_have_text("3")
    expect(page.locator("#payment-counts tr[data-status=paid] td").first).to_have_text("3")
    expect(page.locator("#payment-counts tr[data-status=pending] td").first).to_have_text("0")
    shot(page, "reconciled")
    page.click("#link-payments")
    expect(page.locator("#payment-table tbody tr[data-status=paid]")).to_have_count(3)
    expect(page.locator("#payment-table")).not_to_contain_text(A)  # masked
    page.goto(f"/cycles/{cycle.pk}/")
    page.click("#move-pay button")
    expect(page.locator("#cycle-state")).to_have_text("已发放")
    shot(page, "paid")
    assert set(Payment.objects.values_list("status", flat=True)) == {"paid"}
