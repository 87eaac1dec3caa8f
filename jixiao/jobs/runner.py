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

    call_command("db_worker", interval=args.interval, startup_delay=False, reload=False, verbosity=0,
                 backend_name=settings.JOBS_TASK_BACKEND, worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
