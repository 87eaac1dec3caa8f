"""Everything jixiao writes under JIXIAO_HOME is its user's alone: the folder 0700, every file 0600
(the SQLite database with its -wal/-shm, the secret key, sessions, report cache, imports, demo
files). Checked by running the real commands in a fresh home and stat-ing every path."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jixiao.workbooks.writer import write_workbook
from tests.factories import sample_project
from tests.serving import ADMIN, ADMIN_PASSWORD, Browser, base_env, run_jixiao, running_server


def modes(home: Path) -> dict[str, str]:
    """Every path under ``home`` (and home itself as ".") → its permission bits, e.g. "0o600"."""
    found = {".": oct(stat.S_IMODE(home.stat().st_mode))}
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root) / name
            found[str(path.relative_to(home))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def assert_private(home: Path) -> dict[str, str]:
    found = modes(home)
    wrong = {path: mode for path, mode in found.items()
             if mode != ("0o700" if (home / path).is_dir() else "0o600")}
    assert wrong == {}, wrong
    return found


def test_migrate_in_a_fresh_home(tmp_path):
    home = tmp_path / "new" / "home"
    result = run_jixiao(base_env(home), "migrate")
    assert result.returncode == 0, result.stderr
    found = assert_private(home)
    assert "jixiao.sqlite3" in found


def test_an_older_home_left_readable_is_tightened_by_migrate(tmp_path):
    home = tmp_path / "home"
    assert run_jixiao(base_env(home), "migrate").returncode == 0
    # What an older version (umask 022) left behind: a readable folder, database and demo registry.
    (home / "demo-output").mkdir()
    (home / "demo-output" / "演示名册.csv").write_text("姓名,身份证号\n", encoding="utf-8")
    for path in [home, home / "demo-output"]:
        path.chmod(0o755)
    for path in [home / "jixiao.sqlite3", home / "demo-output" / "演示名册.csv"]:
        path.chmod(0o644)
    assert modes(home)["jixiao.sqlite3"] == "0o644"
    result = run_jixiao(base_env(home), "migrate")
    assert result.returncode == 0, result.stderr
    found = assert_private(home)
    assert {"demo-output", "demo-output/演示名册.csv", "jixiao.sqlite3"} <= set(found)


@pytest.mark.slow
def test_serve_login_upload_and_download_write_only_private_files(tmp_path):
    workbook = tmp_path / "项目.xlsx"
    write_workbook(workbook, sample_project())
    home = tmp_path / "home"
    with running_server(home, workers=1) as server:
        browser = Browser(server.base)
        assert browser.login(ADMIN, ADMIN_PASSWORD).status == 302
        uploaded = browser.upload(workbook.read_bytes())
        assert uploaded.status == 302
        project = uploaded.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        assert browser.get(f"/projects/{project}/report.docx").status == 200
        assert browser.get(f"/projects/{project}/scores.xlsx").status == 200
    found = assert_private(home)
    assert {"jixiao.sqlite3", "secret_key", "sessions"} <= set(found)
    assert any(path.startswith("sessions/") for path in found)  # the login's session file


def test_a_sqlite_file_kept_outside_the_home_is_tightened_too(tmp_path):
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    env = base_env(tmp_path / "home", JIXIAO_SQLITE_PATH=str(elsewhere / "jixiao.sqlite3"))
    assert run_jixiao(env, "migrate").returncode == 0
    (elsewhere / "jixiao.sqlite3").chmod(0o644)
    assert run_jixiao(env, "migrate").returncode == 0
    assert oct(stat.S_IMODE((elsewhere / "jixiao.sqlite3").stat().st_mode)) == "0o600"
    assert_private(tmp_path / "home")
