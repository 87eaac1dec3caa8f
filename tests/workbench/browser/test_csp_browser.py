"""The Content-Security-Policy in a real browser: every main page — workbench, registry, audit, admin
and the API documentation (Swagger UI) — loads and works under it, and Chromium reports no violation
(neither a `securitypolicyviolation` event nor a "Refused to …" console message). The behaviour that
used to sit in inline attributes (confirm dialogs, the year selector, tab highlighting) still works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jixiao.projects.models import Project
from jixiao.registry.models import Person
from tests.personas import build_world
from tests.workbench.browser import CHROMIUM
from tests.workbench.browser.test_workbench_browser import login
from tests.workbench.test_csp import POLICY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）"),
]

# Runs before any page script, outside the page's policy (Playwright injects it through DevTools).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watch:
    """Console messages, page errors, violation events and the policy header of every document."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.documents: list[tuple[str, str | None]] = []
        self.violations: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self._response)
        page.on("framenavigated", lambda frame: self._collect())

    def _response(self, response):
        if response.request.resource_type == "document":
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def _collect(self):
        try:
            self.violations += self.page.evaluate("window.__cspViolations.splice(0)")
        except Exception:  # the page is navigating; collected again at the next check
            pass

    def check(self, where: str):
        self._collect()
        refused = [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]
        assert (self.violations, refused, self.errors) == ([], [], []), where
        missing = [url for url, policy in self.documents if policy != POLICY]
        assert missing == [], where


@pytest.fixture
def world(live_db, tmp_path):
    world = build_world()
    from jixiao.registry.importer import registry_import
    from tests.registry.rows import make_id, row, write_csv

    rows = [row(姓名=f"浏览器人员{i}", 身份证号=make_id(seq=f"{300 + i}"), 户籍地区划代码="530125003004",
                联系电话=f"1390000{i:04d}") for i in range(3)]
    registry_import(write_csv(tmp_path / "seed.csv", rows), actor=None, parallel=False)
    return world


def test_workbench_pages_work_under_the_policy(page, shot, world):
    watch = Watch(page)
    page.goto("/login/")
    watch.check("login")
    login(page, "admin")
    expect(page.locator("#whoami")).to_contain_text("admin")
    # Dashboard: ECharts draws four charts; a tooltip (drawn on the canvas) shows on hover.
    for chart in ("chart-execution", "chart-targets", "chart-scores", "chart-grades"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    box = page.locator("#chart-scores canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    shot(page, "dashboard")
    watch.check("dashboard")
    # The year selector submits itself (was onchange=).
    page.select_option("#year-filter select", "2024")
    expect(page).to_have_url(re.compile(r"\?year=2024$"))
    watch.check("dashboard year")

    # Project list: htmx search.
    page.goto("/projects/")
    with page.expect_response(lambda r: "/projects/?q=" in r.url):
        page.fill("input[name=q]", "yiliang")
    expect(page.locator("#project-table tbody tr")).to_have_count(1)
    expect(page.locator("#project-table")).to_contain_text("测试项目-yiliang")
    shot(page, "project-list")
    watch.check("project list")

    # Project page: every tab through htmx, the clicked one highlighted (was onclick=).
    project = world.projects["yiliang"]
    page.goto(f"/projects/{project.pk}/")
    for tab in ("funds", "targets", "scores", "survey", "interviews", "changes", "report", "basic"):
        page.locator(f"nav.tabs a[data-tab={tab}]").click()
        expect(page).to_have_url(re.compile(rf"\?tab={tab}$"))
        expect(page.locator(f"nav.tabs a[data-tab={tab}]")).to_have_class("active")
        expect(page.locator("nav.tabs a.active")).to_have_count(1)
    watch.check("project tabs")

    # Delete asks first (was onsubmit=): dismissed, nothing happens; accepted, the project goes.
    page.locator("nav.tabs a[data-tab=report]").click()
    expect(page.locator("#delete-form")).to_be_attached()  # the report tab swapped in
    page.locator("#tab-content details summary", has_text="删除项目").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#delete-form button").click()
    page.wait_for_timeout(300)
    assert Project.objects.filter(pk=project.pk).exists()
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.locator("#delete-form button").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    assert messages == ["确定删除该项目及其全部评价吗？删除记录会保留在变更记录中。"]
    assert not Project.objects.filter(pk=project.pk).exists()
    watch.check("delete")

    page.goto("/projects/upload/")
    expect(page.locator("#upload-form")).to_be_visible()
    watch.check("upload")


def test_registry_audit_admin_and_api_docs_work_under_the_policy(page, shot, world):
    watch = Watch(page)
    login(page, "admin")
    # Registry: list, the full export asks first (was onclick=), person page with htmx reveal.
    page.goto("/registry/")
    expect(page.locator("#person-table")).to_contain_text("浏览器人员0")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#export-full").click()
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/registry/$"))
    shot(page, "registry")
    person = Person.objects.get(name="浏览器人员0")
    page.goto(f"/registry/persons/{person.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#reveal").click()
    expect(page.locator("#person-id")).to_have_text(person.id_number)
    page.goto("/registry/import/")
    watch.check("registry")

    page.goto("/audit/")
    expect(page.locator("#audit-form")).to_be_visible()
    watch.check("audit")

    # Django admin: index, a list with its actions and filters, a change form with its widgets.
    page.goto("/admin/")
    expect(page.locator("#content")).to_contain_text("用户")
    page.goto("/admin/auth/user/")
    expect(page.locator("#result_list")).to_contain_text("county_yl")
    user_pk = world.users["county_yl"].pk
    page.goto(f"/admin/auth/user/{user_pk}/change/")
    expect(page.locator("#user_form")).to_be_visible()
    shot(page, "admin-user")
    watch.check("admin")

    # API documentation: Swagger UI (vendored) starts from its script file and lists the operations.
    page.goto("/api/docs/")
    expect(page.locator("#swagger-ui .opblock-summary").first).to_be_visible()
    expect(page.locator("#swagger-ui .opblock-summary-path", has_text="/api/projects/").first).to_be_visible()
    page.locator("#swagger-ui .opblock-summary").first.click()
    expect(page.locator("#swagger-ui .opblock-body").first).to_be_visible()
    shot(page, "api-docs")
    watch.check("api docs")
