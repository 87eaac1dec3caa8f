"""The workbench page: upload a report, see the findings, download the marked copy (the uploader
only, for half an hour); the report itself is not kept."""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from django.test import Client
from docx import Document

from jixiao.audit import services
from jixiao.reports.docx_report import render_report
from jixiao.scoring.engine import evaluate
from jixiao.scoring.figures import build_figures
from tests.audit.planted import CLEAN, plant
from tests.factories import sample_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_home(settings, tmp_path):
    settings.JIXIAO_HOME = tmp_path / "home"


def login(world, persona) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture(scope="module")
def broken_docx(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("web") / "r.docx"
    render_report(build_figures(evaluate(sample_project())), path, charts={"level1": None, "allocation": None})
    doc = Document(str(path))
    conclusion = next(p for p in doc.paragraphs if "评定等级为优" in p.text)
    for run in conclusion.runs:
        run.text = run.text.replace("评定等级为优", "评定等级为差")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _token(html: str) -> str:
    """The marked copy's token, from the page's download link."""
    return re.search(r'href="/audit/copies/([^"./]+)\.docx"', html).group(1)


def test_page_needs_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login/" in response.url


def test_page_in_navigation_for_every_role(world):
    for persona in ("admin", "county_yl", "finance_fm", "evaluator"):
        page = login(world, persona).get("/audit/").content.decode()
        assert 'href="/audit/"' in page and 'id="audit-form"' in page


def test_upload_shows_findings_and_the_uploader_downloads_the_marked_copy(world, broken_docx):
    client = login(world, "finance_fm")
    response = client.post("/audit/", {"file": upload("某县报告.docx", broken_docx)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="audit-findings"' in html and "等级不符" in html and "<td>差</td>" in html and "<td>优</td>" in html
    link = _token(html)
    download = client.get(f"/audit/copies/{link}.docx")
    assert download.status_code == 200
    assert "%E6%9F%90%E5%8E%BF%E6%8A%A5%E5%91%8A" in download["Content-Disposition"]  # 某县报告（审核意见）.docx
    marked = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert len(list(marked.comments)) == 1
    # another user, even an administrator, cannot fetch it; nor can a guessed token
    assert login(world, "admin").get(f"/audit/copies/{link}.docx").status_code == 404
    assert client.get("/audit/copies/not-a-token.docx").status_code == 404
    assert Client().get(f"/audit/copies/{link}.docx").status_code == 302


def test_clean_txt_report(world):
    response = login(world, "county_yl").post("/audit/", {"file": upload("报告.txt", CLEAN.encode("utf-8"))})
    assert response.status_code == 200 and "未发现不一致之处" in response.content.decode()


def test_the_upload_is_not_kept_and_copies_expire(world, settings):
    client = login(world, "county_yl")
    response = client.post("/audit/", {"file": upload("报告.txt", plant("grade").encode("utf-8"))})
    token = _token(response.content.decode())
    store = settings.JIXIAO_HOME / "audit-copies"
    assert sorted(p.name for p in store.iterdir()) == sorted([f"{token}.docx", f"{token}.json"])
    meta = json.loads((store / f"{token}.json").read_text("utf-8"))
    assert set(meta) == {"user", "name", "created"}
    meta["created"] = time.time() - services.COPY_LIFETIME - 1
    (store / f"{token}.json").write_text(json.dumps(meta), "utf-8")
    assert client.get(f"/audit/copies/{token}.docx").status_code == 404
    assert list(store.iterdir()) == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("名册.xlsx", b"PK\x03\x04", "不是 .docx 或 .txt"),
    ("坏.docx", b"not a zip", "不是有效的 Word"),
])
def test_unusable_uploads(world, name, data, message):
    response = login(world, "county_yl").post("/audit/", {"file": upload(name, data)})
    assert response.status_code == 400 and message in response.content.decode()
