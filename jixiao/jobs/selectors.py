"""Reads of background jobs, scoped by the permissions module: the owner sees their jobs, 系统管理员 all,
nobody else any (404, like a job that does not exist)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.jobs import storage
from jixiao.jobs.kinds import kind_label
from jixiao.jobs.models import Job


def jobs_visible(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    return permissions.scoped(user, Action.VIEW, Kind.JOB, Job.objects.select_related("region"), owner="owner_id")


def jobs_all_visible(user) -> bool:
    """Does the user see everybody's jobs (the list then names who started each)?"""
    return permissions.reach(user, Action.VIEW, Kind.JOB) is permissions.Reach.ALL


def job_get_visible(*, user, pk) -> Job:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("没有这个任务") from None
    job = jobs_visible(user).filter(pk=pk).first()
    if job is None:
        raise Http404("没有这个任务，或您无权查看")
    return job


def job_file_get(*, user, pk, name: str) -> tuple[Job, Path, dict]:
    """A result file of a job the user sees: (job, path, its entry); 404 for anything else."""
    job = job_get_visible(user=user, pk=pk)
    entry = next((f for f in job.files if f.get("name") == name), None)
    path = storage.job_folder(job.pk) / name if entry else None
    if entry is None or "/" in name or not path.is_file():
        raise Http404("没有这个文件")
    return job, path, entry


@dataclass(frozen=True)
class JobState:
    """What a page shows of a job now: the row, and while it runs the live progress file."""

    status: str
    status_label: str
    done: int
    total: int | None
    message: str
    cancel_requested: bool
    stalled: bool  # running, but the heartbeat stopped: the worker may have died
    kind_label: str

    @property
    def percent(self) -> int | None:
        if self.status == Job.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else None

    @property
    def active(self) -> bool:
        return self.status in Job.ACTIVE


def job_state(job: Job) -> JobState:
    done, total, message, stalled = job.progress_done, job.progress_total, job.message, False
    cancel = job.cancel_requested
    if job.is_active:
        cancel = cancel or storage.cancel_request_read(job.pk) is not None
        progress = storage.progress_read(job.pk) if job.status == Job.Status.RUNNING else None
        if progress:
            done, total = int(progress.get("done") or 0), progress.get("total")
            message = progress.get("message") or ""
            stalled = time.time() - float(progress.get("beat") or 0) > max(10.0, 5 * settings.JOBS_HEARTBEAT_SECONDS)
    return JobState(status=job.status, status_label=job.get_status_display(), done=done,
                    total=int(total) if total is not None else None, message=message, cancel_requested=cancel,
                    stalled=stalled, kind_label=kind_label(job.kind))
