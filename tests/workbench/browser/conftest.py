"""Fixtures for the browser tests: one headless Chromium per session (Debian's /usr/bin/chromium,
never a downloaded browser), a fresh context per test pointed at the live server, and full-page
screenshots of every step under artifacts/screenshots/<test name>/ for CI to keep."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.workbench.browser import CHROMIUM

# Playwright's sync API runs an asyncio event loop in this thread; without this Django refuses the
# ORM calls the tests make around the browser (building the world, checking the database).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# Django's serialized rollback restores rows one save() at a time: ~2 s per test for the 1,908 regions of
# Kunming's tree (bench/bench_regions.py). The region table is left out of it; a copy taken from the
# migrated database (a plain table the flush does not touch) is put back with one INSERT … SELECT.
# Nothing in these tests changes regions.
settings.TEST_NON_SERIALIZED_APPS = [*settings.TEST_NON_SERIALIZED_APPS, "jixiao.regions"]
REGION_COPY = "test_region_copy"
_copied: list[bool] = []


def restore_regions() -> None:
    from django.db import connection

    from jixiao.regions.models import Region

    table = connection.ops.quote_name(Region._meta.db_table)
    with connection.cursor() as cursor:
        if not _copied:  # the first test starts from the migrated database
            cursor.execute(f"DROP TABLE IF EXISTS {REGION_COPY}")
            cursor.execute(f"CREATE TABLE {REGION_COPY} AS SELECT * FROM {table}")
            _copied.append(True)
        if not Region.objects.exists():
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {REGION_COPY}")


@pytest.fixture
def live_db(django_db_serialized_rollback):
    """Transactional database shared with the live server; the regions, indicator templates and
    grade scales the data migrations seed are restored before each test (a flush removes them)."""
    restore_regions()


@pytest.fixture
def browser(live_db):
    """A headless Chromium with a fresh temporary profile, one per test.

    Started only after the database is set up for the test, and stopped before it is flushed: while
    Playwright's event loop runs, Django's thread-critical ``connections`` hand out a separate
    connection object (asgiref keys them by context when a loop is running), and only the one used
    outside the loop carries the serialized seed data the rollback restores."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 软件包（apt-get install chromium）")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        # launch() gives the browser a fresh temporary profile, removed on close.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        connections.close_all()  # the connections the test opened while the loop ran (PostgreSQL)
        playwright.stop()


@pytest.fixture
def page(request, live_server, browser):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        folder = SCREENSHOTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(folder / "99-failure.png"), full_page=True)
        except Exception:  # best effort: the test's own error is what matters
            pass
    context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step") saves artifacts/screenshots/<test name>/<NN-step>.png (full page); the
    test's folder is emptied first, so every run leaves exactly its own screenshots."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = itertools.count(1)

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
