"""Where uploaded and imported files live under JIXIAO_HOME, and their deletion after a retention period.

- ``imports/<token>/``: a registry import started on the web page (the upload while it is imported, the
  progress, the output and the error report, which holds the rejected rows' values);
- ``tmp/``: private folders (0700) in which uploaded workbooks and reports are read; each is deleted when
  its request ends, so what is left there was left by a killed process;
- ``audit-copies/<token>.docx`` + ``.json``: the marked copies of the report-audit page, kept only
  ``AUDIT_COPY_SECONDS`` (half an hour; the page says so), counted from the time written in the .json.

``uploads_purge_expired`` deletes what is older than ``JIXIAO_UPLOAD_RETENTION_DAYS`` (default 7), judged
by the newest modification time in the folder (a running import writes its progress file, so it is never
old). It runs when a new upload or import starts and when ``jixiao serve`` starts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

IMPORTS = "imports"
TMP = "tmp"
AUDIT_COPIES = "audit-copies"
AUDIT_COPY_SECONDS = 30 * 60


def _home() -> Path:
    from django.conf import settings

    return Path(settings.JIXIAO_HOME)


def retention_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "JIXIAO_UPLOAD_RETENTION_DAYS", 7)) * 86_400


def private_folder(name: str) -> Path:
    """JIXIAO_HOME/<name>, created 0700 if need be."""
    folder = _home() / name
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def upload_tmp_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A private temporary folder for reading one upload (deleted on exit), after purging old ones."""
    uploads_purge_expired()
    return tempfile.TemporaryDirectory(prefix=prefix, dir=private_folder(TMP))


def _newest_mtime(path: Path) -> float:
    """The latest modification time of a file, or of a folder and what is directly in it."""
    try:
        newest = path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")
    if path.is_dir():
        for child in path.iterdir():
            try:
                newest = max(newest, child.stat().st_mtime)
            except FileNotFoundError:
                continue
    return newest


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True


def _audit_copy_created(meta: Path) -> float:
    try:
        return float(json.loads(meta.read_text("utf-8"))["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return _newest_mtime(meta)


def uploads_purge_expired(*, now: float | None = None) -> dict[str, int]:
    """Delete expired import folders, left-over upload folders and expired audit copies; returns how
    many of each were deleted ({"imports": n, "tmp": n, "audit_copies": n})."""
    now = time.time() if now is None else now
    home = _home()
    keep = retention_seconds()
    removed = {"imports": 0, "tmp": 0, "audit_copies": 0}
    for key, name in (("imports", IMPORTS), ("tmp", TMP)):
        folder = home / name
        if not folder.is_dir():
            continue
        for entry in list(folder.iterdir()):
            if now - _newest_mtime(entry) > keep and _remove(entry):
                removed[key] += 1
    copies = home / AUDIT_COPIES
    if copies.is_dir():
        for meta in list(copies.glob("*.json")):
            if now - _audit_copy_created(meta) > AUDIT_COPY_SECONDS:
                _remove(meta.with_suffix(".docx"))
                if _remove(meta):
                    removed["audit_copies"] += 1
        for orphan in list(copies.glob("*.docx")):  # a copy whose .json was never written
            if not orphan.with_suffix(".json").exists() and now - _newest_mtime(orphan) > AUDIT_COPY_SECONDS:
                _remove(orphan)
    return removed


__all__ = ["AUDIT_COPY_SECONDS", "uploads_purge_expired", "upload_tmp_dir", "private_folder"]
