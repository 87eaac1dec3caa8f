"""`jixiao worker`: runs queued jobs. Two processes:

- the *supervisor* (this module's ``supervise``, the `jixiao worker` process): marks jobs whose worker
  died as failed (at start, whenever its runner dies, and every half minute), starts the runner and
  starts it again when it dies (SIGKILL, out of memory …), and stops it when asked to stop;
- the *runner* (``python -m jixiao.jobs.runner``): django-tasks-db's worker loop (`db_worker`): it polls
  the queue table every ``--interval`` seconds, claims a task (READY → RUNNING), runs it and records
  SUCCESSFUL or FAILED. django-tasks-db has no heartbeat: a runner killed mid-task leaves its row
  RUNNING forever, which is why the supervisor and ``jobs_reap_orphans`` exist.

Stopping (SIGTERM / SIGINT / Ctrl+C): the runner gets SIGTERM and ends once the job in hand is done;
after JIXIAO_WORKER_GRACE seconds (default 5) a second SIGTERM interrupts the job (it is marked failed
and its transaction rolls back), after 20 more seconds SIGKILL. `jixiao serve` starts a supervisor
beside gunicorn and stops it with the server; a supervisor whose parent disappears stops too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

REAP_SECONDS = 30
PARENT_ENV = "JIXIAO_WORKER_PARENT"


def backend_problem() -> str | None:
    """Why `jixiao worker` has nothing to run, or None (only the database backend needs this worker)."""
    from django.conf import settings
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[settings.JOBS_TASK_BACKEND]
    if isinstance(backend, DatabaseBackend):
        return None
    return (f"任务后端是 {type(backend).__module__}.{type(backend).__name__}，不是数据库后端"
            "（django_tasks_db.DatabaseBackend）：请用该后端自己的工作进程")


def jobs_run_queued(*, max_tasks: int | None = None) -> int:
    """Run the jobs waiting in the queue in this process, then return how many ran (`jixiao worker
    --batch`, tests). django-tasks-db's own claim and run, without its polling loop (which also recycles
    database connections — right for a long-lived worker, wrong inside a caller's transaction)."""
    from django.conf import settings
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    backend = settings.JOBS_TASK_BACKEND
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name=backend, startup_delay=False,
                    max_tasks=max_tasks, worker_id=f"batch-{os.getpid()}", excluded_queue_names=[])
    ran = 0
    while max_tasks is None or ran < max_tasks:
        tasks = DBTaskResult.objects.ready().filter(backend_name=backend, queue_name="default")
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
    return ran


def _say(text: str) -> None:
    # os.write, not print: no Python-level lock another thread could hold when gunicorn forks
    os.write(sys.stdout.fileno(), (text + "\n").encode("utf-8"))


def _reap() -> None:
    from django.db import DatabaseError, connection

    from jixiao.jobs.services import jobs_files_expire, jobs_reap_orphans

    try:
        reaped = jobs_reap_orphans()
        jobs_files_expire()
    except DatabaseError as exc:  # e.g. SQLite busy with an import: the next round will do it
        _say(f"后台任务：检查中断的任务时数据库忙（{exc}），稍后再试")
        reaped = []
    finally:
        connection.close()
    if reaped:
        _say(f"后台任务：{len(reaped)} 个任务的工作进程已停止，已标为失败（任务 {'、'.join(map(str, reaped))}）")


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出状态 {code}"


def supervise(*, interval: float = 1.0) -> int:
    """The `jixiao worker` process (Django already set up). Returns the exit status."""
    problem = backend_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    stopping = {"now": False}

    def stop(signum, frame):
        stopping["now"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid() if os.environ.get(PARENT_ENV) == str(os.getppid()) else None
    _reap()
    failures = 0
    while not stopping["now"]:
        started = time.monotonic()
        runner = subprocess.Popen([sys.executable, "-m", "jixiao.jobs.runner", "--interval", str(interval)],
                                  start_new_session=True)  # Ctrl+C reaches this process only; it stops the runner
        _say(f"后台任务：工作进程已启动（进程号 {runner.pid}，每 {interval:g} 秒查看一次队列）")
        next_reap = time.monotonic() + REAP_SECONDS
        code = None
        while code is None:
            try:
                code = runner.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if parent is not None and os.getppid() != parent:
                    _say("后台任务：启动本进程的服务已停止，工作进程随之停止")
                    stopping["now"] = True
                if stopping["now"]:
                    code = _stop_runner(runner)
                    break
                if time.monotonic() >= next_reap:
                    _reap()
                    next_reap = time.monotonic() + REAP_SECONDS
        if stopping["now"]:
            _reap()  # a job interrupted by the stop is already marked; one killed by SIGKILL is marked here
            break
        _say(f"后台任务：工作进程 {runner.pid} 意外退出（{_describe(code)}），标记中断的任务并重新启动")
        _reap()
        failures = failures + 1 if time.monotonic() - started < 10 else 0
        deadline = time.monotonic() + min(30.0, 0.5 * 2 ** min(failures, 6))
        while time.monotonic() < deadline and not stopping["now"]:
            time.sleep(0.2)
    _say("后台任务：工作进程已停止")
    return 0


def _stop_runner(runner: subprocess.Popen) -> int:
    grace = float(os.environ.get("JIXIAO_WORKER_GRACE", "5"))
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        try:
            runner.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            return runner.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return runner.wait()


# ---- started by `jixiao serve` ----------------------------------------------------------------------

class WorkerProcess:
    """A `jixiao worker` beside gunicorn. Only the process that started it stops it (gunicorn's forked
    web workers leave through the same ``finally`` as the server and must not)."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.owner_pid = os.getpid()

    @classmethod
    def start(cls, *, interval: float = 1.0) -> WorkerProcess:
        env = dict(os.environ)
        env[PARENT_ENV] = str(os.getpid())
        process = subprocess.Popen([sys.executable, "-m", "jixiao", "worker", "--interval", str(interval)], env=env,
                                   start_new_session=True)
        return cls(process)

    def stop(self, timeout: float = 40.0) -> None:
        if os.getpid() != self.owner_pid or self.process.poll() is not None:
            return
        try:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
