"""Starting jixiao outside a web request: Django set up on the configured database (its folder made
for SQLite), optionally migrated. Every command and the server start here."""

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
