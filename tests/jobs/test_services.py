"""The life of a job through django-tasks' database backend, run in this process by the backend's own
worker loop (``jobs_run_queued``): queued → running → done; failed with a reason; cancelled before and
while running; jobs whose worker died marked failed; every change audited."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest
from django_tasks_db.models import DBTaskResult

from jixiao.changelog.models import ChangeRecord
from jixiao.jobs import storage
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_cancel, job_start, jobs_reap_orphans
from jixiao.jobs.worker import jobs_run_queued

pytestmark = pytest.mark.django_db


def _start(capture, actor, kind="test.count", **params):
    with capture(execute=True):
        job = job_start(actor=actor, kind=kind, params=params or {"n": 3}, files={"数据.txt": b"abc"})
    job.refresh_from_db()
    return job


def _states(job) -> list:
    return [r.changes["状态"] for r in ChangeRecord.objects.filter(object_type="后台任务", subject_id=str(job.pk))
            .order_by("at", "id")]


def test_queued_running_done(users, test_kinds, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, users["owner"], n=4)
    assert (job.status, job.title, job.region.code, job.owner_label) == ("queued", "数到 4", "530125", "owner")
    task = DBTaskResult.objects.get()
    assert (str(task.id), task.status, task.args_kwargs["args"]) == (job.task_id, "READY", [job.pk])
    folder = storage.job_folder(job.pk)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "input" / "数据.txt").stat().st_mode & 0o777 == 0o600
    jobs_run_queued()
    job.refresh_from_db()
    assert test_kinds["status_inside"] == "running" and test_kinds["input"] == b"abc"
    assert (job.status, job.message, job.progress_done, job.progress_total) == ("done", "数到 4", 4, 4)
    assert job.result == {"summary": "数到 4", "figures": {"步数": 4}}
    assert job.files == [{"name": "结果.csv", "label": "结果（csv）"}]
    assert (folder / "结果.csv").read_text(encoding="utf-8") == "序号\n1\n2\n3\n4\n"
    assert (folder / "结果.csv").stat().st_mode & 0o777 == 0o600
    assert not (folder / "input").exists() and not (folder / "progress.json").exists()
    assert job.worker_host == socket.gethostname() and job.started_at <= job.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert _states(job) == [[None, "排队中"], ["排队中", "运行中"], ["运行中", "已完成"]]


def test_failed_with_reason(users, test_kinds, django_capture_on_commit_callbacks):
    refused = _start(django_capture_on_commit_callbacks, users["owner"], kind="test.refuse")
    crashed = _start(django_capture_on_commit_callbacks, users["owner"], kind="test.crash")
    jobs_run_queued()
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.status, refused.message, refused.result) == ("failed", "测试：输入不能用", {"exit": 2})
    assert (crashed.status, crashed.message) == ("failed", "任务出错（ValueError）。任务未完成。")
    assert _states(crashed) == [[None, "排队中"], ["排队中", "运行中"], ["运行中", "失败"]]
    # the task framework keeps the traceback of the unexpected error (for the administrator), the page does not
    tasks = {t.args_kwargs["args"][0]: t for t in DBTaskResult.objects.all()}
    assert tasks[refused.pk].status == "SUCCESSFUL"
    assert tasks[crashed.pk].status == "FAILED" and tasks[crashed.pk].exception_class_path == "builtins.ValueError"
    assert not (storage.job_folder(crashed.pk) / "input").exists()


def test_cancel_queued_job_never_runs(users, test_kinds, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, users["owner"])
    job_cancel(actor=users["owner"], job=job)
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == ("cancelled", True)
    jobs_run_queued()
    job.refresh_from_db()
    assert job.status == "cancelled" and "status_inside" not in test_kinds  # the work never started
    assert _states(job) == [[None, "排队中"], ["排队中", "已取消"]]
    assert ChangeRecord.objects.filter(subject_id=str(job.pk), object_type="后台任务").order_by("id").last().actor_label == "owner"


def test_cancel_running_job(users, test_kinds, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, users["owner"], n=5, cancel_at=2)
    # an administrator presses 取消 while the job runs (at its second step)
    test_kinds["on_cancel"] = lambda: job_cancel(actor=users["admin"], job=Job.objects.get(pk=job.pk))
    jobs_run_queued()
    job.refresh_from_db()
    assert (job.status, job.cancel_requested, job.progress_done) == ("cancelled", True, 3)
    assert job.message == "已按 boss 的请求取消。测试任务没有写入任何数据。" and job.files == []
    assert _states(job) == [[None, "排队中"], ["排队中", "运行中"], ["运行中", "已取消"]]
    assert ChangeRecord.objects.filter(subject_id=str(job.pk), object_type="后台任务").order_by("id").last().actor_label == "boss"


def test_only_owner_or_admin_may_cancel(users, test_kinds, django_capture_on_commit_callbacks):
    from jixiao.jobs.services import JobDenied, JobNotActive

    job = _start(django_capture_on_commit_callbacks, users["owner"])
    with pytest.raises(JobDenied):
        job_cancel(actor=users["other"], job=job)
    assert Job.objects.get(pk=job.pk).status == "queued" and storage.cancel_request_read(job.pk) is None
    jobs_run_queued()
    with pytest.raises(JobNotActive):
        job_cancel(actor=users["owner"], job=Job.objects.get(pk=job.pk))


def _running(owner, *, pid, host, beat=None) -> Job:
    job = Job.objects.create(owner=owner, owner_label=owner.get_username(), kind="test.count", title="运行中的任务",
                             status="running", worker_pid=pid, worker_host=host)
    storage.folder_create(job.pk)
    if beat is not None:
        storage.json_write_atomic(storage.job_folder(job.pk) / "progress.json",
                                  {"done": 7, "total": 10, "message": "", "beat": beat, "pid": pid, "host": host})
    return job


def test_orphans_marked_failed(users, test_kinds, settings):
    settings.JOBS_STALE_SECONDS = 60
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer exists
    here = socket.gethostname()
    dead_here = _running(users["owner"], pid=gone.pid, host=here, beat=time.time())
    alive_here = _running(users["owner"], pid=subprocess.os.getpid(), host=here, beat=time.time())
    silent_elsewhere = _running(users["owner"], pid=4242, host="other-host", beat=time.time() - 300)
    beating_elsewhere = _running(users["owner"], pid=4242, host="other-host", beat=time.time())
    never_queued = Job.objects.create(owner=users["owner"], owner_label="owner", kind="test.count", title="未入队")
    Job.objects.filter(pk=never_queued.pk).update(created_at=never_queued.created_at.replace(year=2020))
    assert sorted(jobs_reap_orphans()) == sorted([dead_here.pk, silent_elsewhere.pk, never_queued.pk])
    status = dict(Job.objects.values_list("pk", "status"))
    assert (status[alive_here.pk], status[beating_elsewhere.pk]) == ("running", "running")
    dead_here.refresh_from_db()
    assert dead_here.message == f"后台工作进程（进程号 {gone.pid}）意外停止，任务未完成。测试任务没有写入任何数据。"
    assert (dead_here.progress_done, dead_here.progress_total) == (7, 10)
    assert Job.objects.get(pk=silent_elsewhere.pk).message.startswith("后台工作进程已 3")
    assert Job.objects.get(pk=never_queued.pk).message == "未能加入任务队列，任务没有运行。"
    assert _states(dead_here) == [["运行中", "失败"]]


def test_progress_file_replaced_atomically(users, tmp_path):
    target = tmp_path / "progress.json"
    for done in range(50):
        storage.json_write_atomic(target, {"done": done})
        assert json.loads(target.read_text(encoding="utf-8")) == {"done": done}
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"]  # no partial files left
    assert target.stat().st_mode & 0o777 == 0o600


def test_result_files_deleted_after_the_retention_period(users, test_kinds, settings,
                                                         django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from jixiao.jobs.services import jobs_files_expire

    settings.JOBS_FILES_DAYS = 30
    old = _start(django_capture_on_commit_callbacks, users["owner"])
    recent = _start(django_capture_on_commit_callbacks, users["owner"])
    jobs_run_queued()
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    stray = storage.jobs_root() / "999999"  # a folder of a job the database no longer has
    stray.mkdir()
    assert jobs_files_expire() == [old.pk]
    assert not storage.job_folder(old.pk).exists() and Job.objects.get(pk=old.pk).files == []
    assert (storage.job_folder(recent.pk) / "结果.csv").is_file() and len(Job.objects.get(pk=recent.pk).files) == 1
    assert not stray.exists()
    assert Job.objects.get(pk=old.pk).result == {"summary": "数到 3", "figures": {"步数": 3}}  # the summary stays
