"""What every command shares: Django set-up and the printing of input problems."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def setup_django(*, migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def print_problems(exc) -> None:
    """Every listed problem, then (when there were more than the listing limit) the counts of the rest."""
    print(f"发现 {exc.total} 个问题，未生成任何文件，也未写入数据库：", file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)
    for line in exc.omitted_lines():
        print(f"  {line}", file=sys.stderr)
