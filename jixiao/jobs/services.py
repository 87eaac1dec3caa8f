"""Writes of background jobs: start, cancel, run (the body of the queued task), finish, and marking
jobs whose worker died as failed. Every change of a job's state is one audit row (change_record).

The running work never writes the Job row: a registry import is one long transaction (on SQLite it
holds the only write lock), so progress, heartbeat and cancellation travel through small files in the
job folder (``jixiao.jobs.storage``) and the row is written before the work starts and after it ends."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, transaction
from django.utils import timezone

from jixiao.accounts import permissions
from jixiao.accounts.permissions import Action, Kind
from jixiao.accounts.selectors import user_scope
from jixiao.changelog.models import ChangeRecord
from jixiao.changelog.services import change_record
from jixiao.jobs import storage
from jixiao.jobs.context import WorkerContext
from jixiao.jobs.kinds import JobCancelled, JobFailed, kind_get
from jixiao.jobs.models import Job

logger = logging.getLogger("jixiao.jobs")
S = Job.Status


class JobDenied(PermissionError):
    pass


class JobNotActive(ValueError):
    pass


class WorkerLost(RuntimeError):
    """Recorded on the task framework's result of a job whose worker died."""


def _record(*, actor, job: Job, old: str | None, new: str, note: str) -> None:
    change_record(actor=actor, action=ChangeRecord.Action.CREATE if old is None else ChangeRecord.Action.UPDATE,
                  obj=job, object_label=job.title,
                  changes={"状态": [S(old).label if old else None, S(new).label]}, note=note)


def _save_input(target: Path, content) -> None:
    """An uploaded file (Django's UploadedFile), bytes or a path, copied into the job folder (0600)."""
    with storage.private_open(target) as out:
        if isinstance(content, bytes | bytearray):
            out.write(content)
        elif isinstance(content, str | Path):
            with open(content, "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
        else:
            for chunk in content.chunks():
                out.write(chunk)


def job_start(*, actor, kind: str, params: dict, region=None, files: dict | None = None, title: str = "") -> Job:
    """Queue a job of ``kind`` for ``actor``: the row (排队中), its input files in JIXIAO_HOME/jobs/<id>/input/
    and, once that is committed, the task the worker runs. ``region``: the region the job concerns
    (default: the actor's). Who may start which kind is the calling service's decision."""
    entry = kind_get(kind)
    if region is None:
        scope = user_scope(actor)
        region_id = scope.region_id
    else:
        region_id = region.pk
    folder = None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                owner=actor if getattr(actor, "pk", None) else None,
                owner_label=getattr(actor, "get_username", lambda: "")() or "命令行",
                region_id=region_id, kind=kind, title=(title or entry.title(params) or entry.label)[:255],
                params=params,
            )
            old = storage.job_folder(job.pk)
            if old.exists():  # left by a database that was reset: not this job's
                shutil.rmtree(old)
            folder = storage.folder_create(job.pk)
            for name, content in (files or {}).items():
                _save_input(folder / storage.INPUT / storage.safe_name(name), content)
            _record(actor=actor, job=job, old=None, new=S.QUEUED, note=f"开始后台任务：{job.title}")
            transaction.on_commit(partial(_enqueue, job.pk))
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def _enqueue(job_id: int) -> None:
    from jixiao.jobs.tasks import job_execute

    try:
        result = job_execute.enqueue(job_id)
    except Exception as exc:  # the queue refused it: the job cannot run
        logger.exception("任务 %s 未能加入队列", job_id)
        job = Job.objects.get(pk=job_id)
        _finish(job, S.FAILED, message=f"未能加入任务队列（{type(exc).__name__}），任务没有运行。", actor=job.owner,
                expect=(S.QUEUED,))
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def job_may_cancel(user, job: Job) -> bool:
    if not job.is_active or user is None or not user.is_authenticated:
        return False
    return permissions.may_on(user, Action.CANCEL, Kind.JOB, owner_id=job.owner_id)


def job_cancel(*, actor, job: Job) -> Job:
    """Cancel a job: a queued one at once; a running one stops at its next check (the work rolls back)
    and the worker records the cancellation, with ``actor`` as who asked."""
    if not job_may_cancel(actor, job):
        if not job.is_active:
            raise JobNotActive(f"任务已{job.get_status_display()}，不能取消")
        raise JobDenied("您不能取消别人的任务")
    # First the file the running work looks for: no database write while it may hold SQLite's write lock.
    storage.cancel_request_write(job.pk, user_id=actor.pk, label=actor.get_username())
    cancelled = 0
    # Only a job still queued is changed here; even an UPDATE matching no row would wait for SQLite's lock.
    if Job.objects.filter(pk=job.pk).values_list("status", flat=True).first() == S.QUEUED:
        try:
            with transaction.atomic():
                cancelled = Job.objects.filter(pk=job.pk, status=S.QUEUED).update(
                    status=S.CANCELLED, cancel_requested=True, finished_at=timezone.now(),
                    message=f"{actor.get_username()} 在任务开始前取消了它。")
                if cancelled:
                    job.refresh_from_db()
                    _record(actor=actor, job=job, old=S.QUEUED, new=S.CANCELLED, note="取消后台任务（尚未开始）")
        except OperationalError:  # SQLite: it started meanwhile and holds the write lock; cancel.json stops it
            cancelled = 0
    if cancelled:
        _cleanup(job.pk)
    else:
        job.refresh_from_db()
    return job


def _cleanup(job_id: int) -> None:
    """The inputs (personal data the job no longer needs) and the running-state files go; results stay."""
    folder = storage.job_folder(job_id)
    shutil.rmtree(folder / storage.INPUT, ignore_errors=True)
    for name in (storage.PROGRESS, storage.CANCEL):
        (folder / name).unlink(missing_ok=True)


def _finish(job: Job, status: str, *, message: str, actor, result: dict | None = None, files: list | None = None,
            done: int | None = None, total: int | None = None, expect=(S.RUNNING,), cancel_requested: bool = False,
            note: str = "") -> bool:
    """The end of a job, written once: status, message, result, files, final progress, audit row."""
    values = {"status": status, "finished_at": timezone.now(), "message": message[:1000]}
    if result is not None:
        values["result"] = result
    if files is not None:
        values["files"] = files
    if done is not None:
        values["progress_done"], values["progress_total"] = done, total
    if cancel_requested:
        values["cancel_requested"] = True
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status__in=expect).update(**values)
        if updated:
            old = job.status
            for key, value in values.items():
                setattr(job, key, value)
            _record(actor=actor, job=job, old=old, new=status, note=note or f"后台任务{S(status).label}：{message}")
    return bool(updated)


def _inputs(job: Job) -> dict[str, Path]:
    folder = storage.job_folder(job.pk) / storage.INPUT
    return {p.name: p for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def job_run(job_id: int) -> dict:
    """Run a queued job in this process (the task's body): 排队中 → 运行中 → 已完成 / 失败 / 已取消."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status != S.QUEUED:
        return {"job": job_id, "status": job.status if job else "missing"}
    request = storage.cancel_request_read(job.pk)
    if request:
        requester = _user(request.get("by"))
        _finish(job, S.CANCELLED, message=f"{request.get('label', '')} 在任务开始前取消了它。", actor=requester,
                expect=(S.QUEUED,), cancel_requested=True)
        _cleanup(job.pk)
        return {"job": job_id, "status": S.CANCELLED}
    try:
        entry = kind_get(job.kind)
    except LookupError as exc:
        _finish(job, S.FAILED, message=str(exc), actor=job.owner, expect=(S.QUEUED,))
        return {"job": job_id, "status": S.FAILED}
    pid, host = os.getpid(), socket.gethostname()
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, status=S.QUEUED).update(
                status=S.RUNNING, started_at=timezone.now(), worker_pid=pid, worker_host=host[:255]):
            return {"job": job_id, "status": "taken"}
        job.status = S.RUNNING
        _record(actor=job.owner, job=job, old=S.QUEUED, new=S.RUNNING, note=f"后台任务开始运行（{host} 进程 {pid}）")
    logger.info("任务 %s 开始：%s", job.pk, job.title)
    context = WorkerContext(job, inputs=_inputs(job))
    context.start_heartbeat()
    outcome: dict = {}
    try:
        result = entry.run(context)
        outcome = {"status": S.DONE, "message": str((result or {}).get("summary", "已完成"))[:1000],
                   "result": result or {}}
    except JobCancelled:
        request = storage.cancel_request_read(job.pk) or {}
        label = request.get("label", "")
        outcome = {"status": S.CANCELLED, "message": f"已按 {label} 的请求取消。{entry.interrupted_note}",
                   "actor": _user(request.get("by")), "cancel_requested": True}
    except JobFailed as exc:
        outcome = {"status": S.FAILED, "message": exc.reason, "result": exc.result}
    except BaseException as exc:
        stopped = isinstance(exc, SystemExit | KeyboardInterrupt)
        reason = "工作进程被停止，任务中断。" if stopped else f"任务出错（{type(exc).__name__}）。"
        if not stopped:
            logger.exception("任务 %s 出错", job.pk)
        outcome = {"status": S.FAILED, "message": f"{reason}{entry.interrupted_note}", "raise": exc}
    finally:
        context.stop_heartbeat()
    _finish_safely(job, outcome, context)
    _cleanup(job.pk)
    logger.info("任务 %s %s：%s", job.pk, S(outcome["status"]).label, outcome["message"])
    if "raise" in outcome:  # the task framework records the traceback of what went wrong
        raise outcome["raise"]
    return {"job": job_id, "status": outcome["status"]}


def _finish_safely(job: Job, outcome: dict, context: WorkerContext) -> None:
    arguments = {"message": outcome["message"], "actor": outcome.get("actor") or job.owner,
                 "result": outcome.get("result"), "files": context.files, "done": context.done,
                 "total": context.total, "cancel_requested": outcome.get("cancel_requested", False),
                 # the work's real outcome also replaces a failure recorded by a reaper that misjudged it
                 "expect": (S.RUNNING, S.FAILED)}
    try:
        _finish(job, outcome["status"], **arguments)
    except DatabaseError:  # the work broke the connection: once more on a fresh one
        close_old_connections()
        from django.db import connection

        connection.close()
        _finish(job, outcome["status"], **arguments)


def _user(pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk).first() if pk else None


# ---- jobs whose worker died ---------------------------------------------------------------------

def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet waited for) is dead too
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _task_result_failed(task_id: str, reason: str) -> None:
    """The task framework's own record (django-tasks-db's row stays RUNNING when its worker is killed)."""
    if not task_id:
        return
    from django_tasks import task_backends

    try:
        backend = task_backends[settings.JOBS_TASK_BACKEND]
        if not backend.supports_get_result:
            return
        db_result = getattr(backend.get_result(task_id), "db_result", None)
        if db_result is not None and db_result.status == "RUNNING":
            db_result.set_failed(WorkerLost(reason))
    except Exception:  # the job is marked failed all the same
        logger.warning("任务框架记录 %s 未能标为失败", task_id, exc_info=True)


def _task_status(task_id: str) -> str | None:
    from django_tasks import task_backends

    try:
        backend = task_backends[settings.JOBS_TASK_BACKEND]
        return str(backend.get_result(task_id).status) if backend.supports_get_result else None
    except Exception:
        return None


def jobs_reap_orphans() -> list[int]:
    """Mark failed the running jobs whose worker is gone: on this host a recorded worker process that no
    longer exists; anywhere a heartbeat older than JIXIAO_JOB_STALE_SECONDS. Also queued jobs that never
    reached the queue or whose task ended without them. Called when a worker starts, after it restarts
    a runner that died, and every half minute. Returns the ids marked."""
    host, now, stale = socket.gethostname(), time.time(), settings.JOBS_STALE_SECONDS
    reaped = []
    for job in Job.objects.select_related("owner").filter(status=S.RUNNING):
        progress = storage.progress_read(job.pk) or {}
        beat = progress.get("beat") or (job.started_at.timestamp() if job.started_at else now)
        reason = None
        if job.worker_host == host and job.worker_pid and not pid_alive(job.worker_pid):
            reason = f"后台工作进程（进程号 {job.worker_pid}）意外停止，任务未完成。"
        elif now - beat > stale:
            reason = f"后台工作进程已 {int(now - beat)} 秒没有响应（{job.worker_host} 进程 {job.worker_pid}），任务未完成。"
        if reason is None:
            continue
        note = kind_get(job.kind).interrupted_note if _known(job.kind) else ""
        if _finish(job, S.FAILED, message=f"{reason}{note}", actor=job.owner,
                   done=progress.get("done", job.progress_done), total=progress.get("total", job.progress_total)):
            _task_result_failed(job.task_id, reason)
            _cleanup(job.pk)
            reaped.append(job.pk)
    limit = timezone.now() - timedelta(seconds=stale)
    for job in Job.objects.select_related("owner").filter(status=S.QUEUED, created_at__lt=limit):
        if not job.task_id:
            reason = "未能加入任务队列，任务没有运行。"
        elif _task_status(job.task_id) in ("RUNNING", "FAILED", "SUCCESSFUL"):
            reason = "后台工作进程在任务开始时停止，任务没有运行。"
        else:
            continue
        if _finish(job, S.FAILED, message=reason, actor=job.owner, expect=(S.QUEUED,)):
            _cleanup(job.pk)
            reaped.append(job.pk)
    return reaped


def _known(kind: str) -> bool:
    try:
        kind_get(kind)
    except LookupError:
        return False
    return True


# ---- result files kept for a while -------------------------------------------------------------

def jobs_files_expire() -> list[int]:
    """Delete the folders (result files such as error reports, which hold rows of personal data) of jobs
    that ended more than JIXIAO_JOB_FILES_DAYS days ago; the Job rows and their summaries stay.
    Returns the ids whose files went. Called by the worker's supervisor."""
    limit = timezone.now() - timedelta(days=settings.JOBS_FILES_DAYS)
    expired = []
    for job in Job.objects.exclude(status__in=Job.ACTIVE).filter(finished_at__lt=limit).exclude(files=[]):
        shutil.rmtree(storage.job_folder(job.pk), ignore_errors=True)
        Job.objects.filter(pk=job.pk).update(files=[])
        expired.append(job.pk)
    for folder in storage.jobs_root().glob("*") if storage.jobs_root().is_dir() else ():
        if folder.name.isdigit() and not folder.joinpath(storage.INPUT).exists():  # folders of ended jobs
            job = Job.objects.filter(pk=int(folder.name)).only("status", "finished_at").first()
            if job is None or (not job.is_active and job.finished_at and job.finished_at < limit):
                shutil.rmtree(folder, ignore_errors=True)
    return expired
