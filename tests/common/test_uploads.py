"""Upload and import folders are deleted after the retention period (a fake clock and file times), when
a new upload or import starts and when `jixiao serve` starts; marked audit copies after half an hour."""

from __future__ import annotations

import json
import os
import time

import pytest

from jixiao.common.uploads import AUDIT_COPY_SECONDS, upload_tmp_dir, uploads_purge_expired

DAY = 86_400
NOW = 1_900_000_000.0  # a fixed "now" for the fake clock


def aged(path, seconds_old: float, now: float = NOW):
    """Set the modification time of ``path`` (and of everything directly in it) to ``seconds_old`` before now."""
    stamp = now - seconds_old
    if path.is_dir():
        for child in path.iterdir():
            os.utime(child, (stamp, stamp))
    os.utime(path, (stamp, stamp))
    return path


def job_folder(home, name, seconds_old, now=NOW):
    folder = home / "imports" / name
    folder.mkdir(parents=True)
    (folder / "job.json").write_text("{}", encoding="utf-8")
    (folder / "错误报告.csv").write_text("行号,列,原值,原因\n", encoding="utf-8")
    return aged(folder, seconds_old, now)


def audit_copy(home, token, created):
    folder = home / "audit-copies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.docx").write_bytes(b"PK")
    (folder / f"{token}.json").write_text(json.dumps({"user": 1, "name": "r.docx", "created": created}), "utf-8")


@pytest.fixture
def home(settings, tmp_path):
    settings.JIXIAO_HOME = tmp_path
    settings.JIXIAO_UPLOAD_RETENTION_DAYS = 7
    return tmp_path


def test_purge_deletes_what_is_older_than_the_retention_period(home):
    job_folder(home, "old", 7 * DAY + 60)
    job_folder(home, "recent", 7 * DAY - 60)
    running = job_folder(home, "running", 30 * DAY)
    aged(running / "job.json", 0)  # a running import keeps writing its progress: the folder is not old
    left = home / "tmp" / "jixiao-upload-killed"
    left.mkdir(parents=True)
    (left / "upload.xlsx").write_bytes(b"x")
    aged(left, 8 * DAY)
    audit_copy(home, "expired", NOW - AUDIT_COPY_SECONDS - 1)
    audit_copy(home, "fresh", NOW - 60)
    assert uploads_purge_expired(now=NOW) == {"imports": 1, "tmp": 1, "audit_copies": 1}
    assert sorted(p.name for p in (home / "imports").iterdir()) == ["recent", "running"]
    assert list((home / "tmp").iterdir()) == []
    assert sorted(p.name for p in (home / "audit-copies").iterdir()) == ["fresh.docx", "fresh.json"]
    assert uploads_purge_expired(now=NOW) == {"imports": 0, "tmp": 0, "audit_copies": 0}


def test_retention_comes_from_settings(home, settings):
    job_folder(home, "two-days", 2 * DAY)
    assert uploads_purge_expired(now=NOW)["imports"] == 0
    settings.JIXIAO_UPLOAD_RETENTION_DAYS = 1
    assert uploads_purge_expired(now=NOW)["imports"] == 1 and list((home / "imports").iterdir()) == []


def test_nothing_to_purge_in_an_empty_home(home):
    assert uploads_purge_expired(now=NOW) == {"imports": 0, "tmp": 0, "audit_copies": 0}


def test_an_upload_folder_is_private_and_purges_first(home):
    old = job_folder(home, "old", 8 * DAY, now=time.time())
    with upload_tmp_dir("jixiao-upload-") as tmp:
        assert not old.exists()
        assert (home / "tmp").stat().st_mode & 0o777 == 0o700 and os.path.dirname(tmp) == str(home / "tmp")
    assert not os.path.exists(tmp)


@pytest.mark.django_db
def test_a_new_web_registry_import_purges_old_import_folders(home, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.jobs.storage import job_folder as job_files
    from jixiao.registry import services

    old = job_folder(home, "old", 8 * DAY, now=time.time())
    job = services.registry_import_job_start(actor=world.users["county_yl"],
                                             upload=SimpleUploadedFile("名册.csv", b"a,b\n"))
    assert not old.exists() and (job_files(job.pk) / "input" / "名册.csv").is_file()


@pytest.mark.django_db
def test_serve_purges_on_start(home, monkeypatch):
    from jixiao import server

    old = job_folder(home, "old", 8 * DAY, now=time.time())
    started = []
    monkeypatch.setattr(server, "run_gunicorn", lambda *args, **kwargs: started.append(True))
    monkeypatch.setattr("jixiao.bootstrap.setup_django", lambda migrate=False: None)
    monkeypatch.setenv("JIXIAO_SECRET_KEY", "x" * 60)
    assert server.serve(host="127.0.0.1", port=8999, demo=False, workers=1, job_worker=False) == 0
    assert started == [True] and not old.exists()
