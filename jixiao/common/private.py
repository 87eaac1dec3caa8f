"""Files only jixiao's own user may read: the data folder holds the database, the secret key,
sessions, uploaded registries and the demo's 5,000 invented ID numbers.

Every entry point (the ``jixiao`` command, the WSGI module, ``jixiao serve``) sets the process umask
to 077 first, so whatever it and its child processes (import workers, LibreOffice) create is 0600,
folders 0700 — also SQLite's -wal and -shm files, which SQLite gives the database file's mode.
``home_make_private`` tightens a data folder an older version left readable (0644/0755)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def use_private_umask() -> None:
    os.umask(PRIVATE_UMASK)


def _tighten(path: Path, uid: int) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode) or info.st_uid != uid or not stat.S_IMODE(info.st_mode) & 0o077:
        return False
    try:
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)
    except OSError:
        return False
    return True


def home_make_private(home: Path, *outside: Path) -> list[Path]:
    """Create ``home`` 0700 if missing; take group and other access from it and from everything in it
    (and from the files ``outside``, e.g. a SQLite file kept elsewhere with its -wal/-shm). Only the
    current user's own files are touched; symbolic links are not followed. Returns what changed."""
    home = Path(home)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    uid = os.getuid()
    changed = [home] if _tighten(home, uid) else []
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root) / name
            if _tighten(path, uid):
                changed.append(path)
    for path in outside:
        if _tighten(Path(path), uid):
            changed.append(Path(path))
    return changed


def sqlite_files(database: str | Path) -> list[Path]:
    """The SQLite database file and the -wal, -shm and -journal files beside it."""
    path = Path(database)
    return [path] + [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
