"""Where the rosters app keeps files: each uploaded roster in JIXIAO_HOME/rosters/<id>/, each run's output
(findings.csv, findings.xlsx, summary.json, findings.parquet) in JIXIAO_HOME/comparisons/<id>/ — private (0700/0600)."""

from __future__ import annotations

from pathlib import Path

from jixiao.common.uploads import private_folder
from jixiao.jobs.storage import private_open, safe_name  # noqa: F401 (the app's file helpers in one place)

ROSTERS = "rosters"
COMPARISONS = "comparisons"
# The files of a run a user may download, with what the page calls them.
RUN_FILES = {"findings.xlsx": "发现清单（Excel，含走访清单）", "findings.csv": "发现清单（CSV）",
             "summary.json": "比对摘要（JSON）"}


def roster_folder(roster_id: int) -> Path:
    return private_folder(ROSTERS) / str(int(roster_id))


def roster_path(roster) -> Path:
    return roster_folder(roster.pk) / safe_name(roster.file_name, "名册")


def run_folder(run_id: int) -> Path:
    return private_folder(COMPARISONS) / str(int(run_id))


def staging_folder() -> Path:
    return private_folder(f"{ROSTERS}/.incoming")
