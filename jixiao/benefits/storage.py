"""Where the benefits app keeps files, private (0700/0600), in JIXIAO_HOME/cycles/<id>/:

- ``run/`` — the stored computation: entitlements.csv, summary.json, entitlements.parquet, payments/*.xlsx (batch
  1's lists) and frozen/ (what ``jixiao cycle replay --cycle ID`` recomputes from). A recomputation is written
  beside it (``.next-<job>/``) and swapped in only when its result is stored;
- ``batches/<n>/payments/`` — the lists of a later batch (the re-listed persons only);
- ``returns/<id>/`` — each bank or insurer return file as it was imported."""

from __future__ import annotations

import shutil
from pathlib import Path

from jixiao.common.uploads import private_folder
from jixiao.jobs.storage import private_open, safe_name  # noqa: F401 (the app's file helpers in one place)

CYCLES = "cycles"
RUN = "run"
FROZEN = "frozen"
RETURN_SUFFIXES = (".xlsx", ".xls", ".csv")


def cycle_folder(cycle_id: int) -> Path:
    folder = private_folder(CYCLES) / str(int(cycle_id))
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def run_folder(cycle_id: int) -> Path:
    """The stored computation's output (may not exist yet)."""
    return cycle_folder(cycle_id) / RUN


def frozen_folder(cycle_id: int) -> Path:
    return run_folder(cycle_id) / FROZEN


def next_folder(cycle_id: int, job_id: int | None) -> Path:
    """Where a computation writes before its result is stored (then ``run_swap``)."""
    return cycle_folder(cycle_id) / f".next-{int(job_id or 0)}"


def run_swap(cycle_id: int, new: Path) -> Path:
    """``new`` becomes ``run/``; the previous computation is removed. Returns the run folder."""
    run = run_folder(cycle_id)
    old = run.with_name(".old-run")
    if old.exists():
        shutil.rmtree(old)
    if run.exists():
        run.replace(old)
    new.replace(run)
    shutil.rmtree(old, ignore_errors=True)
    return run


def batch_folder(cycle_id: int, number: int) -> Path:
    return cycle_folder(cycle_id) / "batches" / str(int(number))


def return_folder(cycle_id: int, return_id: int) -> Path:
    return cycle_folder(cycle_id) / "returns" / str(int(return_id))


def staging_folder() -> Path:
    return private_folder(f"{CYCLES}/.incoming")


def cycle_file(cycle_id: int, relative: str) -> Path:
    """A file of the cycle by its path relative to the cycle's folder (as a batch records its lists); refuses a
    path that leaves the folder."""
    root = cycle_folder(cycle_id).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{relative!r} is outside the cycle's folder")
    return path
