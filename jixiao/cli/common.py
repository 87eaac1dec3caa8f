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


def data_home_make_private() -> None:
    """JIXIAO_HOME 0700 and everything in it 0600 — also a home an older version left readable — and
    the SQLite files wherever JIXIAO_SQLITE_PATH puts them. Before Django opens the database."""
    import jixiao.settings as jixiao_settings
    from jixiao.common.private import home_make_private, sqlite_files

    db = jixiao_settings.DATABASES["default"]
    outside = sqlite_files(db["NAME"]) if db["ENGINE"].endswith("sqlite3") else []
    home_make_private(jixiao_settings.JIXIAO_HOME, *outside)


def print_problems(exc) -> None:
    print(f"发现 {len(exc.problems)} 个问题，未生成任何文件，也未写入数据库：", file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)
