"""What a kind's ``run(context)`` is given: the actor, the parameters and input files, a way to report
progress, to learn that the job was cancelled and to keep result files.

Two contexts: ``WorkerContext`` for a queued job run by a worker (progress and heartbeat in the job
folder's ``progress.json``, cancellation by ``cancel.json``) and ``TerminalContext`` for the same work
run from the command line in the process itself (a progress bar on the terminal, or plain lines)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from jixiao.jobs import storage
from jixiao.jobs.kinds import JobCancelled


class JobContext:
    def __init__(self, *, actor, params: dict, inputs: dict[str, Path] | None = None, folder: Path | None = None):
        self.actor = actor
        self.params = params
        self.inputs = dict(inputs or {})
        self.folder = folder
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self.files: list[dict] = []

    def input(self, name: str) -> Path:
        return self.inputs[name]

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """``done`` of ``total`` (None when unknown yet) units of work, and what is being done."""
        self.done, self.total = int(done), (int(total) if total is not None else None)
        if message:
            self.message = message[:1000]
        self._report()

    def _report(self) -> None:
        pass

    def cancelled(self) -> bool:
        return False

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise JobCancelled()

    def result_path(self, name: str) -> Path:
        if self.folder is None:
            raise RuntimeError("this context keeps no result files")
        return self.folder / storage.safe_name(name)

    def add_file(self, path: Path, label: str) -> None:
        """Keep ``path`` (a file the work wrote in ``result_path``) as a result the owner may download."""
        path = Path(path)
        if self.folder is None or path.parent.resolve() != self.folder.resolve():
            return
        os.chmod(path, 0o600)
        self.files.append({"name": path.name, "label": label})


class WorkerContext(JobContext):
    """A job run by a worker: progress and a heartbeat in progress.json, cancellation from cancel.json."""

    def __init__(self, job, *, inputs: dict[str, Path]):
        super().__init__(actor=job.owner, params=job.params, inputs=inputs, folder=storage.job_folder(job.pk))
        self.job = job
        self.pid = os.getpid()
        self.host = socket.gethostname()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._last_write = 0.0

    def _write(self) -> None:
        with self._lock:
            storage.json_write_atomic(self.folder / storage.PROGRESS, {
                "done": self.done, "total": self.total, "message": self.message, "beat": time.time(),
                "pid": self.pid, "host": self.host,
            })
            self._last_write = time.monotonic()

    def _report(self) -> None:
        if time.monotonic() - self._last_write >= 0.2:  # a kind may report every row; the page polls each second
            self._write()

    def cancelled(self) -> bool:
        return (self.folder / storage.CANCEL).exists()

    def start_heartbeat(self) -> None:
        """Refresh progress.json every JIXIAO_JOB_HEARTBEAT_SECONDS while the work runs: a job whose
        heartbeat stops (the worker was killed) is marked failed by ``jobs_reap_orphans``."""
        interval = settings.JOBS_HEARTBEAT_SECONDS
        self._write()

        def beat():
            while not self._stop.wait(interval):
                try:
                    self._write()
                except OSError:
                    pass

        self._beat = threading.Thread(target=beat, name=f"job-{self.job.pk}-heartbeat", daemon=True)
        self._beat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)


class TerminalContext(JobContext):
    """The work run by a command in its own process: a one-line bar on a terminal (rows/total and
    percent, redrawn in place), plain lines when the output is a file or a pipe."""

    def __init__(self, *, actor, params: dict, inputs: dict[str, Path], label: str, unit: str = "行",
                 stream=None):
        super().__init__(actor=actor, params=params, inputs=inputs)
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False
        self._last = 0.0

    def _report(self) -> None:
        percent = min(100, self.done * 100 // self.total) if self.total else None
        if self.tty:
            now = time.monotonic()
            if now - self._last < 0.1 and percent != 100:
                return
            self._last = now
            width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
            if percent is None:
                line = f"{self.label}：已处理 {self.done} {self.unit}……"
            else:
                filled = width * percent // 100
                line = f"{self.label} [{'█' * filled}{'░' * (width - filled)}] {self.done}/{self.total} {self.unit} {percent:3d}%"
            self.stream.write("\r" + line + "\x1b[K")
            self._drawn = True
        else:
            total = f" / {self.total}" if self.total else ""
            share = f"（{percent}%）" if percent is not None else ""
            self.stream.write(f"{self.label}：已处理 {self.done}{total} {self.unit}{share}\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line, so what is printed next starts on its own line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
