"""File-based sessions whose folder is created on first use (the data folder may be new)."""

import os

from django.conf import settings
from django.contrib.sessions.backends.file import SessionStore as FileSessionStore


class SessionStore(FileSessionStore):
    @classmethod
    def _get_storage_path(cls):
        os.makedirs(settings.SESSION_FILE_PATH, mode=0o700, exist_ok=True)
        return super()._get_storage_path()
