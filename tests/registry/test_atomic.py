"""A registry import killed with SIGKILL at any moment leaves the registry as before the run or as
after it, never between — on the embedded SQLite and, in the PostgreSQL run, on PostgreSQL."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import uuid
from urllib.parse import urlparse

import pytest

from jixiao.registry.synth import write_registry

ROWS = 60_000


class Target:
    """A private database the import subprocess writes to (SQLite file, or a throw-away PG database)."""

    def __init__(self, tmp_path):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
        self.env["JIXIAO_HOME"] = str(tmp_path / "home")
        (tmp_path / "tmp").mkdir()
        self.env["TMPDIR"] = str(tmp_path / "tmp")  # a killed import cannot remove its temporary files
        self.pg_url = os.environ.get("JIXIAO_DATABASE_URL")
        self.pg_name = None
        if self.pg_url:
            import psycopg

            self.pg_name = f"jixiao_kill_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {self.pg_name}")
            self.env["JIXIAO_DATABASE_URL"] = urlparse(self.pg_url)._replace(path=f"/{self.pg_name}").geturl()

    def count(self, table: str) -> int:
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.env["JIXIAO_DATABASE_URL"]) as conn:
                return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        with sqlite3.connect(os.path.join(self.env["JIXIAO_HOME"], "jixiao.sqlite3")) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def jixiao(self, *args, **kwargs):
        return subprocess.Popen([sys.executable, "-m", "jixiao", *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, **kwargs)

    def close(self):
        if self.pg_name:
            import psycopg

            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")


@pytest.fixture
def target(tmp_path):
    t = Target(tmp_path)
    assert t.jixiao("migrate").wait(timeout=300) == 0
    yield t
    t.close()


def _kill_when(target, path, rows_done: int) -> int:
    """Start an import, SIGKILL it once ``rows_done`` rows have been written; returns rows seen.
    The command prints a progress line per chunk when its output is not a terminal."""
    process = target.jixiao("import", "registry", str(path), start_new_session=True)
    seen = 0
    while seen < rows_done:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"已处理 (\d+)", line)
        if found:
            seen = int(found.group(1))
    assert process.poll() is None, f"import ended before it could be killed: {process.stdout.read()}"
    os.killpg(process.pid, signal.SIGKILL)  # the importer and its reader process, mid-transaction
    process.wait(timeout=30)
    return seen


@pytest.mark.slow
def test_kill_during_import_leaves_registry_unchanged(target, tmp_path):
    first = write_registry(tmp_path / "first.csv", ROWS, 11)
    for threshold in (0, 20_000, 50_000):  # right at the start, early, near the end
        seen = _kill_when(target, first, threshold)
        assert seen >= threshold
        assert target.count("registry_person") == 0, threshold
        assert target.count("registry_certificate") == 0
        assert target.count("registry_importbatch") == 0
    done = target.jixiao("import", "registry", str(first))
    assert done.wait(timeout=600) == 0, done.stdout.read()
    assert target.count("registry_person") == ROWS
    # a second file that changes people: killed mid-way, the first import's state stays whole
    second = write_registry(tmp_path / "second.csv", ROWS + 20_000, 11)  # the same people, and 20,000 more
    _kill_when(target, second, 40_000)
    assert target.count("registry_person") == ROWS and target.count("registry_importbatch") == 1
    again = target.jixiao("import", "registry", str(second))
    assert again.wait(timeout=600) == 0
    assert target.count("registry_person") == ROWS + 20_000 and target.count("registry_importbatch") == 2
