"""The workbench in a real browser (headless Chromium via Playwright, against the live server):
login, dashboard, workbook upload (good and broken), in-place htmx score editing with preview,
report downloads, scoping (404 for another county), a read-only role, and login throttling.

Every step leaves a full-page screenshot in artifacts/screenshots/<test name>/."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from jixiao.changelog.models import ChangeRecord
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.evaluations.rescoring import indicator_score_update
from jixiao.projects.models import Project
from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.personas import PASSWORD, VISIBLE, build_world
from tests.workbench.browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）"),
]


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()


def upload(page: Page, path: Path):
    """Submit the upload form with ``path``; the response to the POST."""
    page.set_input_files("#upload-form input[name=file]", str(path))
    with page.expect_response(lambda r: r.request.method == "POST" and "/projects/upload/" in r.url) as response:
        page.click("#upload-form button[type=submit]")
    page.wait_for_load_state()
    return response.value


def rename_sheet(source: Path, target: Path, old: str, new: str) -> None:
    """Copy an .xlsx, renaming one worksheet (only its name in xl/workbook.xml)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                assert f'name="{old}"' in text
                data = text.replace(f'name="{old}"', f'name="{new}"').encode("utf-8")
            zout.writestr(item, data)


def stored_counts() -> tuple[int, int, int]:
    return Project.objects.count(), Evaluation.objects.count(), ChangeRecord.objects.count()


def test_county_user_logs_in_and_sees_the_county_dashboard(page, shot):
    world = build_world()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    shot(page, "login")
    page.fill("input[name=username]", "county_yl")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#whoami")).to_contain_text("county_yl")
    expect(page.locator("#card-projects")).to_have_text(str(len(VISIBLE["county_yl"])))
    expect(page.locator("#card-evaluated")).to_have_text(str(len(VISIBLE["county_yl"])))
    main = page.locator("main")
    for key in VISIBLE["county_yl"]:
        expect(main).to_contain_text(f"测试项目-{key}")
    expect(main).not_to_contain_text("测试项目-fumin")
    shot(page, "dashboard")

    page.get_by_role("link", name="项目", exact=True).click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    rows = page.locator("#projects tbody tr[data-project]")
    expect(rows).to_have_count(len(VISIBLE["county_yl"]))
    listed = {int(x) for x in rows.evaluate_all("rows => rows.map(r => r.dataset.project)")}
    assert listed == {world.projects[k].pk for k in VISIBLE["county_yl"]}
    shot(page, "project-list")


def test_upload_workbook_good_and_broken(page, shot, tmp_path):
    build_world()
    good = tmp_path / "浏览器上传项目.xlsx"
    write_workbook(good, sample_project(name="浏览器上传项目", owner_unit="宜良县残疾人联合会",
                                        region_code="530125", region_name="宜良县"))
    login(page, "county_yl")
    page.get_by_role("link", name="导入工作簿").click()
    expect(page).to_have_url(re.compile(r"/projects/upload/$"))
    shot(page, "upload-form")

    response = upload(page, good)
    assert response.status == 302
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    expect(page.locator("#project-title")).to_contain_text("浏览器上传项目")
    expect(page.locator("#project-total")).to_have_text("99.50")
    expect(page.locator("#project-grade")).to_have_text("优")
    shot(page, "uploaded-detail")
    project = Project.objects.get(name="浏览器上传项目")
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert project.region.code == "530125"
    assert project.current_evaluation.total_score == Decimal("99.50")
    assert project.current_evaluation.grade == "优"

    # A workbook with a sheet renamed: every problem listed, nothing stored.
    before = stored_counts()
    written = tmp_path / "written.xlsx"
    write_workbook(written, sample_project(name="损坏的工作簿项目", owner_unit="宜良县残疾人联合会",
                                           region_code="530125", region_name="宜良县"))
    renamed = tmp_path / "改了表名.xlsx"
    rename_sheet(written, renamed, "资金来源", "资金来源（旧）")
    page.goto("/projects/upload/")
    response = upload(page, renamed)
    assert response.status == 400
    problems = page.locator("#upload-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("改了表名.xlsx")
    expect(problems).to_contain_text("缺少工作表“资金来源”")
    shot(page, "renamed-sheet-problems")

    # A text file with an .xlsx name.
    text_file = tmp_path / "不是工作簿.xlsx"
    text_file.write_text("这不是 Excel 工作簿\n", encoding="utf-8")
    response = upload(page, text_file)
    assert response.status == 400
    expect(page.locator("#upload-problems")).to_contain_text("无法读取工作簿")
    shot(page, "text-file-problems")

    assert stored_counts() == before
    assert not Project.objects.filter(name="损坏的工作簿项目").exists()


def test_edit_leaf_score_with_preview_and_save(page, shot):
    world = build_world()
    project = world.projects["yiliang"]
    login(page, "county_yl")
    page.goto(f"/projects/{project.pk}/")
    expect(page.locator("#project-total")).to_have_text("99.50")
    page.locator("nav.tabs a[data-tab=scores]").click()  # htmx tab
    expect(page).to_have_url(re.compile(r"\?tab=scores$"))
    row = page.locator("tr#row-A21")
    field = row.locator("input[name=manual_score]")
    expect(field).to_have_value("10")
    shot(page, "scores-tab")

    # Out of range: the preview says so, nothing changes.
    field.fill("12")
    expect(page.locator("#preview-A21 .error")).to_be_visible()
    shot(page, "preview-invalid")

    field.fill("2")
    expect(page.locator("#preview-total-value")).to_have_text("91.50")
    expect(page.locator("#preview-A21")).to_contain_text("2.00")
    expect(page.locator("#project-total")).to_have_text("99.50")  # not saved yet
    project.current_evaluation.refresh_from_db()
    assert project.current_evaluation.total_score == Decimal("99.50")
    shot(page, "preview")

    row.get_by_role("button", name="保存").click()
    expect(page.locator("#project-total")).to_have_text("91.50")
    expect(page.locator("#project-grade")).to_have_text("优")
    expect(page.locator("#score-A21")).to_have_text("2.00")
    expect(page.locator("tr#row-A21 input[name=manual_score]")).to_have_value("2")
    shot(page, "saved")
    evaluation = Project.objects.get(pk=project.pk).current_evaluation
    assert evaluation.total_score == Decimal("91.50")
    assert IndicatorScore.objects.get(evaluation=evaluation, code="A21").score == 2

    page.locator("nav.tabs a[data-tab=changes]").click()
    expect(page).to_have_url(re.compile(r"\?tab=changes$"))
    changes = page.locator("#changes-table")
    expect(changes).to_contain_text("A21")
    expect(changes).to_contain_text("总分：99.50 → 91.50")
    expect(changes).to_contain_text("county_yl")
    shot(page, "changes")


def test_report_downloads(page, shot, tmp_path):
    world = build_world()
    project = world.projects["yiliang"]
    indicator_score_update(actor=world.users["county_yl"], evaluation=project.current_evaluation, code="A21",
                           raw={"manual_score": "2"})
    login(page, "county_yl")
    page.goto(f"/projects/{project.pk}/?tab=report")
    expect(page.locator("#project-total")).to_have_text("91.50")
    expect(page.locator("#level1-table")).to_contain_text("91.50")
    shot(page, "report-tab")

    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename == f"{project.year}年{project.name}绩效自评报告.docx"
    report = tmp_path / "report.docx"
    download.save_as(report)
    cells = {cell.text.strip() for table in Document(str(report)).tables for row in table.rows for cell in row.cells}
    assert "91.50" in cells

    with page.expect_download() as info:
        page.click("#download-scores")
    sheet = tmp_path / "scores.xlsx"
    info.value.save_as(sheet)
    assert sheet.read_bytes()[:2] == b"PK"

    if shutil.which("soffice"):
        with page.expect_download(timeout=60_000) as info:
            page.click("#download-pdf")
        pdf = tmp_path / "report.pdf"
        info.value.save_as(pdf)
        assert pdf.read_bytes()[:4] == b"%PDF"
    shot(page, "after-downloads")


def test_other_county_project_is_not_found(page, shot):
    world = build_world()
    fumin = world.projects["fumin"]
    login(page, "county_yl")
    for url in (f"/projects/{fumin.pk}/", f"/projects/{fumin.pk}/?tab=scores", f"/projects/{fumin.pk}/report.docx"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("main")).to_contain_text("未找到")
        expect(page.locator("main")).not_to_contain_text("测试项目-fumin")
    shot(page, "not-found")


def test_finance_user_sees_scores_read_only(page, shot):
    world = build_world()
    project = world.projects["yiliang"]
    login(page, "finance_city")
    expect(page.locator("#whoami")).to_contain_text("finance_city")
    expect(page.get_by_role("link", name="导入工作簿")).to_have_count(0)
    page.goto(f"/projects/{project.pk}/?tab=scores")
    table = page.locator("#scores-table")
    expect(table).to_be_visible()
    expect(page.locator("#score-A21")).to_have_text("10.00")
    expect(table.locator("input, select, button")).to_have_count(0)
    expect(table.locator("[hx-post]")).to_have_count(0)
    shot(page, "scores-read-only")
    response = page.goto("/projects/upload/")
    assert response.status == 403
    shot(page, "upload-forbidden")


def test_login_is_locked_after_five_wrong_passwords(page, shot):
    build_world()
    for attempt in range(1, 6):
        login(page, "county_fm", "wrong-password")
        if attempt < 5:
            expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(page.locator("main h2")).to_have_text("账号已暂时锁定")
    shot(page, "locked")

    login(page, "county_fm", PASSWORD)  # the right password is refused while locked
    expect(page.locator("main")).to_contain_text("已暂时锁定")
    response = page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    assert response.ok
    shot(page, "still-logged-out")

    login(page, "county_yl")  # the lock is per account and address: another account here still logs in
    expect(page.locator("#whoami")).to_contain_text("county_yl")
    shot(page, "other-account-logs-in")
