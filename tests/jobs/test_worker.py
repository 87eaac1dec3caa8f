"""Real processes on the real task backend (django-tasks-db), on the embedded SQLite and, in the
PostgreSQL run, on PostgreSQL: `jixiao serve` starts a worker that runs an import sent to the API
and stops with the server; a worker killed with SIGKILL in the middle of a registry import leaves
the registry as it was and the job reads 失败 — whether its supervisor survives (it marks the job at
once and starts a new runner) or the whole worker dies (the next `jixiao worker` marks it)."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from jixiao.jobs.services import pid_alive
from jixiao.registry.synth import write_registry
from tests.registry.rows import make_id, row, write_csv
from tests.registry.test_atomic import Target

pytestmark = pytest.mark.slow
PASSWORD = "Worker-test-2026"
ROWS = 80_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`jixiao serve` on the target database; its output (and its worker's) goes to a file."""

    def __init__(self, target, tmp_path, *args):
        self.target = target
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"serve-{self.port}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jixiao", "serve", "--port", str(self.port), "--workers", "1", *args],
            env=target.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise AssertionError(f"serve did not answer: {self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        auth = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers={"Authorization": f"Basic {auth}", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def job(self, pk: int) -> dict:
        status, body = self.request("GET", f"/api/jobs/{pk}/")
        assert status == 200, body
        return json.loads(body)

    def import_file(self, path) -> dict:
        boundary = "----jixiao-worker-test"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        status, answer = self.request("POST", "/api/registry/imports/", body=body,
                                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status == 202, answer
        return json.loads(answer)

    def wait(self, pk: int, until, timeout: float = 300) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.job(pk)
            if until(job):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {pk} still {job}: {self.output()[-3000:]}")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.output()


def _query(target, sql: str, *params):
    """One value from the target database, read beside the running processes."""
    if target.pg_name:
        import psycopg

        with psycopg.connect(target.env["JIXIAO_DATABASE_URL"]) as conn:
            return conn.execute(sql, params).fetchone()[0]
    with sqlite3.connect(os.path.join(target.env["JIXIAO_HOME"], "jixiao.sqlite3")) as conn:
        return conn.execute(sql.replace("%s", "?"), params).fetchone()[0]


def _worker_pid(target, job_id: int) -> int:
    """The runner process recorded on the job (what an operator would find with `ps`)."""
    return _query(target, "SELECT worker_pid FROM jobs_job WHERE id = %s", job_id)


def _task_status(target, job_id: int) -> str:
    """The task framework's own record of the job's task (django-tasks-db's table)."""
    task_id = _query(target, "SELECT task_id FROM jobs_job WHERE id = %s", job_id)
    return _query(target, "SELECT status FROM django_tasks_database_dbtaskresult "
                          "WHERE REPLACE(CAST(id AS TEXT), '-', '') = %s", task_id.replace("-", ""))


@pytest.fixture
def target(tmp_path):
    t = Target(tmp_path)
    assert t.jixiao("migrate").wait(timeout=300) == 0
    t.env["JIXIAO_ADMIN_PASSWORD"] = PASSWORD
    assert t.jixiao("createadmin", "admin").wait(timeout=120) == 0
    yield t
    t.close()


def _pids_in(text: str, pattern: str) -> list[int]:
    return [int(p) for p in re.findall(pattern, text)]


def test_serve_runs_an_api_import_with_its_worker_and_stops_it(target, tmp_path):
    rows = [row(姓名=f"后台{i}", 身份证号=make_id(seq=f"{400 + i}"), 户籍地区划代码="530125003004") for i in range(40)]
    rows.append(row(姓名="坏号", 身份证号="12345", 户籍地区划代码="530125003004"))
    path = write_csv(tmp_path / "后台名册.csv", rows)
    server = Server(target, tmp_path)
    try:
        started = server.import_file(path)
        assert started["status"] == "queued"  # answered before the worker takes it
        done = server.wait(started["id"], lambda j: j["status"] not in ("queued", "running"))
        assert done["status"] == "done", done
        assert done["result"]["figures"]["新增"] == 40 and done["result"]["figures"]["拒绝的行"] == 1
        status, report = server.request("GET", done["files"][0]["url"].replace(server.base, ""))
        assert status == 200 and "身份证号" in report.decode("utf-8-sig")
        assert _task_status(target, started["id"]) == "SUCCESSFUL"
    finally:
        output = server.stop()
    assert target.count("registry_person") == 40
    supervisor = _pids_in(output, r"已启动 jixiao worker（进程号 (\d+)）")
    runners = _pids_in(output, r"工作进程已启动（进程号 (\d+)")
    assert len(supervisor) == 1 and len(runners) == 1, output
    assert "后台任务：工作进程已停止" in output
    for pid in supervisor + runners:  # stopped with the server
        assert not pid_alive(pid), output


def _import_under_way(server, target, source) -> tuple[dict, int]:
    """Start importing ``source`` and wait until 10,000 rows are written: (the job, its runner's pid)."""
    started = server.import_file(source)
    running = server.wait(started["id"], lambda j: j["status"] != "queued" and j["progress"]["done"] >= 10_000
                          or j["status"] not in ("queued", "running"))
    assert running["status"] == "running", f"the import ended before it could be killed: {running}"
    return running, _worker_pid(target, started["id"])


def test_killed_worker_rolls_back_and_the_job_fails(target, tmp_path):
    source = write_registry(tmp_path / "大名册.csv", ROWS, 13)
    server = Server(target, tmp_path)
    try:
        running, pid = _import_under_way(server, target, source)
        assert abs(running["progress"]["total"] - ROWS) < ROWS // 50  # the bar had its (estimated) total
        os.killpg(pid, signal.SIGKILL)  # the runner and its reader process, mid-transaction
        failed = server.wait(running["id"], lambda j: j["status"] != "running", timeout=60)
        assert failed["status"] == "failed" and failed["status_label"] == "失败"
        assert failed["message"] == (f"后台工作进程（进程号 {pid}）意外停止，任务未完成。"
                                     "导入在一个事务中进行，登记库没有任何改变，可重新导入。")
        for table in ("registry_person", "registry_certificate", "registry_importbatch"):
            assert target.count(table) == 0, table
        assert _task_status(target, running["id"]) == "FAILED"
        # the supervisor started a new runner: the next import runs
        small = write_csv(tmp_path / "小名册.csv", [row(姓名="之后", 身份证号=make_id(seq="501"),
                                                       户籍地区划代码="530125003004")])
        after = server.wait(server.import_file(small)["id"], lambda j: j["status"] not in ("queued", "running"))
        assert after["status"] == "done" and target.count("registry_person") == 1
    finally:
        output = server.stop()
    assert f"工作进程 {pid} 意外退出（信号 SIGKILL）" in output


def test_cancel_a_running_import(target, tmp_path):
    """取消 while the worker imports (on SQLite it holds the only write lock): answered at once, the import
    stops at its next chunk and rolls back, the job reads 已取消."""
    source = write_registry(tmp_path / "大名册.csv", ROWS, 19)
    server = Server(target, tmp_path)
    try:
        running, _ = _import_under_way(server, target, source)
        asked = time.monotonic()
        status, body = server.request("POST", f"/api/jobs/{running['id']}/cancel/")
        answered = time.monotonic() - asked
        assert status == 200 and json.loads(body)["cancel_requested"] is True and answered < 10, (status, answered)
        cancelled = server.wait(running["id"], lambda j: j["status"] != "running", timeout=60)
        assert cancelled["status"] == "cancelled" and cancelled["message"] == (
            "已按 admin 的请求取消。导入在一个事务中进行，登记库没有任何改变，可重新导入。")
        assert target.count("registry_person") == 0 and target.count("registry_importbatch") == 0
        assert _task_status(target, running["id"]) == "SUCCESSFUL"  # the task did its work: it stopped the job
    finally:
        server.stop()


def test_whole_worker_killed_next_worker_marks_the_job_failed(target, tmp_path):
    source = write_registry(tmp_path / "大名册.csv", ROWS, 17)
    server = Server(target, tmp_path, "--no-worker")
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "jixiao", "worker"], env=target.env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        running, pid = _import_under_way(server, target, source)
        os.killpg(worker.pid, signal.SIGKILL)  # the supervisor first: nobody is left to notice …
        os.killpg(pid, signal.SIGKILL)  # … that the runner and its reader die mid-transaction
        worker.wait(timeout=30)
        time.sleep(1)
        assert server.job(running["id"])["status"] == "running"
        assert target.count("registry_person") == 0
        again = subprocess.Popen([sys.executable, "-m", "jixiao", "worker"], env=target.env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        try:
            failed = server.wait(running["id"], lambda j: j["status"] != "running", timeout=120)
        finally:
            again.send_signal(signal.SIGTERM)
            assert again.wait(timeout=60) == 0
        assert failed["status"] == "failed" and f"进程号 {pid}）意外停止" in failed["message"]
        assert target.count("registry_person") == 0 and target.count("registry_importbatch") == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        server.stop()
    assert "1 个任务的工作进程已停止，已标为失败" in (tmp_path / "worker.log").read_text()
