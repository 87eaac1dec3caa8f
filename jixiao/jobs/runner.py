"""The runner process of `jixiao worker` (started by its supervisor, ``jixiao.jobs.worker``):
django-tasks-db's worker loop, which claims queued tasks and runs them one at a time.

    python -m jixiao.jobs.runner [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time

BUSY_PAUSE_SECONDS = 5


def _watch_parent(parent: int) -> None:
    """Stop (gracefully) when the supervisor disappears, rather than run on unsupervised."""
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jixiao.jobs.runner")
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args(argv)
    from jixiao.bootstrap import setup_django

    setup_django()
    logging.getLogger("jixiao.jobs").setLevel(logging.INFO)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), name="watch-parent", daemon=True).start()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from jixiao.common.db import is_busy_error

    while True:
        try:
            call_command("db_worker", interval=args.interval, startup_delay=False, reload=False, verbosity=0,
                         backend_name=settings.JOBS_TASK_BACKEND,
                         worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64])
            return 0
        except Exception as exc:
            # Another process holds SQLite's write lock longer than the busy timeout (a registry import run
            # from the command line, say): the queue cannot be read now. Wait and look again, quietly.
            if not is_busy_error(exc):
                raise
            logging.getLogger("jixiao.jobs").warning("数据库繁忙（%s），%s 秒后再领取后台任务", exc, BUSY_PAUSE_SECONDS)
            connections.close_all()
            time.sleep(BUSY_PAUSE_SECONDS)


if __name__ == "__main__":
    raise SystemExit(main())
