"""`jixiao serve --demo` end to end: the README's main command on the embedded SQLite, served by
gunicorn with WhiteNoise; logins for every role; a second start does not load the demo twice."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from jixiao.demo.workbench import DEMO_LOGINS, DEMO_PASSWORD
from tests.test_private_files import assert_private


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(home, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}  # SQLite, even in the PG run
    env["JIXIAO_HOME"] = str(home)
    return subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--demo", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait(url, proc, timeout=240):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError("serve did not answer in time")


def _stop(proc) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def _web_registry_import(opener, base, tmp_path):
    """Upload a registry through the page: the import is a background job run by the worker that
    `jixiao serve` started; its page (/jobs/<id>/) shows the progress and then the result."""
    from tests.registry.rows import make_id, row, write_csv

    rows = [row(姓名=f"网页导入{i}", 身份证号=make_id(seq=f"{700 + i}"), 户籍地区划代码="530125001005") for i in range(30)]
    rows.append(row(姓名="外县", 身份证号=make_id(seq="799"), 户籍地区划代码="530124001004"))
    path = write_csv(tmp_path / "网页名册.csv", rows)
    form = opener.open(f"{base}/registry/import/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    boundary = "----jixiaotest"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"registry.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base}/registry/import/", data=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": f"{base}/registry/import/"})
    page = opener.open(request, timeout=30)
    status_url = page.geturl()
    assert re.fullmatch(rf"{base}/jobs/\d+/", status_url), status_url
    deadline = time.time() + 120
    while time.time() < deadline:
        html = opener.open(status_url, timeout=30).read().decode()
        if 'id="job-result"' in html:
            break
        time.sleep(0.5)
    assert "已完成" in html and "新增 30" in html and "拒绝 1" in html, html[-2000:]
    link = re.search(r'<a href="([^"]+)" data-file="错误报告.csv">', html).group(1)
    errors = opener.open(base + link, timeout=30).read().decode("utf-8-sig")
    assert "不在您的辖区" in errors


@pytest.mark.slow
def test_serve_demo_end_to_end(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    home = tmp_path / "home"
    proc = _start(home, port)
    try:
        assert _wait(f"{base}/healthz", proc) == b"ok"
        static = urllib.request.urlopen(f"{base}/static/vendor/echarts/echarts.min.js", timeout=10)
        assert static.status == 200 and len(static.read()) > 500_000
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(f"{base}/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        data = urllib.parse.urlencode({"username": "county_yl", "password": DEMO_PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"})
        dashboard = opener.open(request, timeout=30).read().decode()
        assert "宜良县绩效工作台" in dashboard and "county_yl" in dashboard
        listing = opener.open(f"{base}/projects/", timeout=30).read().decode()
        assert "宜良县" in listing and "昆明市残疾人联合会" not in listing  # the city's seed projects stay hidden
        registry = opener.open(f"{base}/registry/", timeout=30).read().decode()
        assert 'data-person="' in registry and "宜良县" in registry
        _web_registry_import(opener, base, tmp_path)
    finally:
        output = _stop(proc)
    assert "演示账号" in output and DEMO_PASSWORD in output and "后台任务：工作进程已启动" in output
    for login in DEMO_LOGINS:
        assert login.username in output
    # The home holds the demo registry's 5,000 invented ID numbers, the database, sessions, the web
    # import's files: every one private (0600, folders 0700).
    found = assert_private(home)
    assert {"secret_key", "jixiao.sqlite3", "demo-output", "sessions"} <= set(found)
    assert any(path.startswith("demo-output/") for path in found)
    # second start: the demo is already there, nothing loaded twice
    proc = _start(home, port)
    try:
        _wait(f"{base}/healthz", proc)
    finally:
        output = _stop(proc)
    assert "首次启动演示" not in output and "演示账号" in output


@pytest.mark.slow
def test_production_basic_auth_needs_https_and_the_proxy_header_needs_a_configured_proxy(tmp_path):
    """Through gunicorn: in production a Basic-auth password over plain HTTP is refused, and a client
    cannot claim HTTPS with X-Forwarded-Proto unless JIXIAO_TRUSTED_PROXY says a proxy sets it
    (gunicorn itself believed the header from 127.0.0.1)."""
    from tests.serving import ADMIN, ADMIN_PASSWORD, api_get, basic_auth, running_server

    auth = basic_auth(ADMIN, ADMIN_PASSWORD)
    forged = {**auth, "X-Forwarded-Proto": "https"}
    production = {"JIXIAO_PRODUCTION": "1", "JIXIAO_SSL_REDIRECT": "0"}
    home = tmp_path / "home"
    with running_server(home, workers=1, extra_env=production) as server:
        plain = api_get(server.base, "/api/projects/", auth=auth)
        assert plain.status == 403 and "只接受 HTTPS" in plain.text
        claimed = api_get(server.base, "/api/projects/", auth=forged)
        assert claimed.status == 403 and "只接受 HTTPS" in claimed.text
    with running_server(home, workers=1, admin=False, extra_env={**production, "JIXIAO_TRUSTED_PROXY": "1"}) as server:
        assert api_get(server.base, "/api/projects/", auth=forged).status == 200
        assert api_get(server.base, "/api/projects/", auth=auth).status == 403  # the proxy said: plain HTTP
