"""A job's folder, JIXIAO_HOME/jobs/<id>/ (0700): its inputs (input/, removed when the job ends), its
result files (0600) and two small files the web pages read while the job runs:

- ``progress.json`` — done, total, message and a heartbeat time, replaced atomically (write a temporary
  file, then rename) by the process running the job. The database cannot carry this on SQLite: a
  registry import is one long transaction holding SQLite's only write lock, so another connection
  could not write a Job row and the importing connection's own writes stay invisible until it commits.
- ``cancel.json`` — written when somebody asks to cancel a running job (no database write, for the
  same reason); the running work looks for it between chunks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings

PROGRESS = "progress.json"
CANCEL = "cancel.json"
INPUT = "input"


def jobs_root() -> Path:
    return Path(settings.JIXIAO_HOME) / "jobs"


def job_folder(job_id: int) -> Path:
    return jobs_root() / str(int(job_id))


def folder_create(job_id: int) -> Path:
    root = jobs_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = job_folder(job_id)
    folder.mkdir(mode=0o700, exist_ok=True)
    (folder / INPUT).mkdir(mode=0o700, exist_ok=True)
    return folder


def private_open(path: Path):
    """A new file only its owner may read (0600, whatever the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def json_write_atomic(path: Path, data: dict) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with private_open(partial) as out:
        out.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    os.replace(partial, path)


def json_read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def progress_read(job_id: int) -> dict | None:
    return json_read(job_folder(job_id) / PROGRESS)


def cancel_request_write(job_id: int, *, user_id: int | None, label: str) -> None:
    folder = job_folder(job_id)
    if folder.is_dir():
        json_write_atomic(folder / CANCEL, {"by": user_id, "label": label, "at": time.time()})


def cancel_request_read(job_id: int) -> dict | None:
    return json_read(job_folder(job_id) / CANCEL)


def safe_name(name: str, fallback: str = "文件") -> str:
    """A file name without any folder part, usable in the job folder."""
    name = Path(str(name).replace("\\", "/")).name.strip().lstrip(".")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|')
    return name[:120] or fallback


CONTENT_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ".zip": "application/zip", ".json": "application/json"}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
