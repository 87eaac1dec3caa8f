"""A real `jixiao serve` (gunicorn processes, WSGI app, real database) for tests that need the whole
HTTP stack: concurrent requests, database locks, file permissions.

The server runs in a fresh JIXIAO_HOME on its own SQLite file, or — when the test run uses
PostgreSQL (JIXIAO_DATABASE_URL) — on a fresh database created on the same server and dropped
afterwards, so the test data of the pytest process and the server's never mix."""

from __future__ import annotations

import base64
import contextlib
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ADMIN = "admin"
ADMIN_PASSWORD = "Concurrent-admin-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(home: Path, database_url: str | None = None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_HOME"] = str(home)
    if database_url:
        env["JIXIAO_DATABASE_URL"] = database_url
    env.update(extra)
    return env


@contextlib.contextmanager
def fresh_database():
    """None (SQLite in the server's home) or the URL of a new, empty PostgreSQL database."""
    url = os.environ.get("JIXIAO_DATABASE_URL", "").strip()
    if not url:
        yield None
        return
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = f"jixiao_srv_{secrets.token_hex(4)}"
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_jixiao(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jixiao", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    home: Path
    env: dict
    output: list[str] = field(default_factory=list)

    def stop(self) -> str:
        if self.output:
            return "".join(self.output)
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.output.append(out or "")
        return "".join(self.output)


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError("serve did not answer in time")


@contextlib.contextmanager
def running_server(home: Path, *, workers: int = 4, database_url: str | None = None, admin: bool = True,
                   extra_env: dict | None = None, args: tuple[str, ...] = ()):
    """`jixiao serve` on a free port (migrated; with an admin login unless ``admin=False``)."""
    env = base_env(home, database_url, **(extra_env or {}))
    if admin:
        result = run_jixiao({**env, "JIXIAO_ADMIN_PASSWORD": ADMIN_PASSWORD}, "createadmin", ADMIN)
        assert result.returncode == 0, result.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers", str(workers),
                             *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = Server(base=f"http://127.0.0.1:{port}", proc=proc, home=home, env=env)
    try:
        wait_until_up(server.base, proc)
        yield server
    finally:
        server.stop()


# ---- clients ---------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, request, timeout) -> Answer:
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, dict(exc.headers), exc.read())


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = f"----jixiao{secrets.token_hex(8)}"
    parts = []
    for name, value in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A cookie-keeping client that logs in through the login page like a person (no redirects followed)."""

    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, path: str, timeout: float = 60) -> Answer:
        return _open(self.opener, urllib.request.Request(self.base + path, headers=self.headers), timeout)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def post(self, path: str, body: bytes, content_type: str, timeout: float = 120) -> Answer:
        request = urllib.request.Request(self.base + path, data=body, headers={
            **self.headers, "Content-Type": content_type, "Referer": self.base + path})
        return _open(self.opener, request, timeout)

    def login(self, username: str, password: str) -> Answer:
        token = self.csrf("/login/")
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        return self.post("/login/", body, "application/x-www-form-urlencoded")

    def upload(self, data: bytes, filename: str = "项目.xlsx", token: str | None = None) -> Answer:
        token = token or self.csrf("/projects/upload/")
        body, content_type = multipart({"csrfmiddlewaretoken": token}, {"file": (filename, data)})
        return self.post("/projects/upload/", body, content_type)


def basic_auth(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def api_upload(base: str, data: bytes, *, auth: dict, filename: str = "项目.xlsx", timeout: float = 120) -> Answer:
    body, content_type = multipart({}, {"file": (filename, data)})
    request = urllib.request.Request(f"{base}/api/projects/", data=body,
                                     headers={**auth, "Content-Type": content_type, "Accept": "application/json"})
    return _open(urllib.request.build_opener(_NoRedirect()), request, timeout)


def api_get(base: str, path: str, *, auth: dict, timeout: float = 60) -> Answer:
    request = urllib.request.Request(base + path, headers={**auth, "Accept": "application/json"})
    return _open(urllib.request.build_opener(_NoRedirect()), request, timeout)


def query(home: Path, database_url: str | None, sql: str) -> list[tuple]:
    """Rows of ``sql`` read straight from the server's database (SQLite file in ``home`` or PostgreSQL)."""
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as conn:
            return conn.execute(sql).fetchall()
    import sqlite3

    conn = sqlite3.connect(home / "jixiao.sqlite3")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
