"""Starting jixiao outside a web request: the data folder kept private, Django set up on the configured
database (its folder made for SQLite), optionally migrated. Every command and the server start here."""

from __future__ import annotations

import os
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
