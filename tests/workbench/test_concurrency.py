"""Simultaneous writes through the real HTTP stack (gunicorn processes, the WSGI app, a real SQLite
file or PostgreSQL database): every user gets their result or a clear "busy" answer, never a 500,
and concurrent uploads of one project never make two projects."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.serving import (
    ADMIN,
    ADMIN_PASSWORD,
    Browser,
    api_get,
    api_upload,
    basic_auth,
    fresh_database,
    query,
    running_server,
)

pytestmark = pytest.mark.slow

BUSY_TEXT = "系统繁忙，请稍后重试"


def _workbook(tmp_path, **overrides) -> bytes:
    path = tmp_path / "项目.xlsx"
    write_workbook(path, sample_project(**overrides))  # 昆明市: inside the admin's scope
    return path.read_bytes()


def test_ten_simultaneous_uploads_of_one_workbook(tmp_path):
    """5 uploads through the page and 5 through the API, released at the same instant. The unit is
    already known (an earlier project of it), so the ten race for the new project itself."""
    earlier = _workbook(tmp_path, name="测试市残疾人康复项目")
    data = _workbook(tmp_path)
    with fresh_database() as url, running_server(tmp_path / "home", workers=4, database_url=url) as server:
        assert api_upload(server.base, earlier, auth=basic_auth(ADMIN, ADMIN_PASSWORD)).status == 201
        page_users = []
        for _ in range(5):
            browser = Browser(server.base)
            assert browser.login(ADMIN, ADMIN_PASSWORD).status == 302
            page_users.append((browser, browser.csrf("/projects/upload/")))
        auth = basic_auth(ADMIN, ADMIN_PASSWORD)
        assert api_get(server.base, "/api/projects/", auth=auth).status == 200
        barrier = threading.Barrier(10)
        answers: dict[str, object] = {}

        def page(i):
            browser, token = page_users[i]
            barrier.wait()
            answers[f"page{i}"] = browser.upload(data, token=token)

        def api(i):
            barrier.wait()
            answers[f"api{i}"] = api_upload(server.base, data, auth=auth)

        threads = [threading.Thread(target=page, args=(i,)) for i in range(5)]
        threads += [threading.Thread(target=api, args=(i,)) for i in range(5)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        elapsed = time.monotonic() - started
        statuses = {key: answer.status for key, answer in sorted(answers.items())}
        # With the lock taken up front and waited for, all ten finish; the busy answer (503) is what a
        # user gets only when the lock is held longer than the wait (tested below).
        assert statuses == {**{f"page{i}": 302 for i in range(5)}, **{f"api{i}": 201 for i in range(5)}}, (
            statuses, [line for line in server.stop().splitlines() if "Error" in line][:20])
        projects = query(server.home, url, "SELECT id, current_evaluation_id FROM projects_project "
                                           "WHERE name = '测试县残疾人生活补助项目'")
        assert len(projects) == 1
        (project_id, current), = projects
        evaluations = query(server.home, url, f"SELECT id FROM evaluations_evaluation WHERE project_id = {project_id}")
        assert len(evaluations) == 10 and current in {e for (e,) in evaluations}
        # Each stored evaluation replaced the project's children: one set, not two runs' interleaved.
        assert query(server.home, url, "SELECT COUNT(*) FROM projects_allocation "
                                       f"WHERE project_id = {project_id}") == [(2,)]
        actions = query(server.home, url, "SELECT action, COUNT(*) FROM changelog_changerecord "
                                          f"WHERE object_type = '项目' AND subject_id = '{project_id}' GROUP BY action ORDER BY action")
        assert actions == [("create", 1), ("import", 9)]
        assert query(server.home, url, "SELECT COUNT(*) FROM organizations_unit WHERE name = '测试市残疾人联合会'") == [(1,)]
        print(f"10 simultaneous uploads: {elapsed:.1f} s")


def test_a_write_while_the_sqlite_lock_is_held_gets_the_busy_answer(tmp_path):
    """A registry import holds SQLite's write lock for its whole run; a page or API request that must
    write meanwhile waits the busy timeout (2 s here) and then gets 503 with Retry-After — a Chinese
    page in the workbench, JSON on the API — instead of hanging or failing with 500. Reading works."""
    data = _workbook(tmp_path)
    home = tmp_path / "home"
    with running_server(home, workers=2, extra_env={"JIXIAO_SQLITE_TIMEOUT": "2"}) as server:
        browser = Browser(server.base)
        assert browser.login(ADMIN, ADMIN_PASSWORD).status == 302
        token = browser.csrf("/projects/upload/")
        auth = basic_auth(ADMIN, ADMIN_PASSWORD)
        holder = sqlite3.connect(home / "jixiao.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # what the registry importer's one transaction does
        try:
            assert browser.get("/projects/").status == 200
            started = time.monotonic()
            page = browser.upload(data, token=token)
            waited = time.monotonic() - started
            assert page.status == 503, (page.status, page.text[:500])
            assert page.headers.get("Retry-After") == "10" and BUSY_TEXT in page.text
            assert page.headers["Content-Type"].startswith("text/html")
            assert 1.5 < waited < 15, waited
            api = api_upload(server.base, data, auth=auth)
            assert api.status == 503 and api.headers.get("Retry-After") == "10"
            assert api.headers["Content-Type"].startswith("application/json")
            assert json.loads(api.body) == {"detail": BUSY_TEXT}
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert query(home, None, "SELECT COUNT(*) FROM projects_project") == [(0,)]
        assert browser.upload(data).status == 302
        assert api_upload(server.base, data, auth=auth).status == 201
        assert query(home, None, "SELECT COUNT(*) FROM evaluations_evaluation") == [(2,)]
    output = server.stop()
    assert "Traceback" not in output  # the busy answers were not 500s in disguise
