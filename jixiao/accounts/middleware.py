"""Idle session expiry without writing the session on every request.

``SESSION_SAVE_EVERY_REQUEST`` rewrote the session (a file on SQLite, a row on PostgreSQL) for every
page and every htmx call — about a tenth of a page's server time. Instead the session is marked
changed at most once per ``SESSION_TOUCH_SECONDS``: its lifetime still counts from the last
activity, to within that minute."""

from __future__ import annotations

import time

from django.conf import settings

TOUCHED_KEY = "_jixiao_touched"


class SessionIdleTouchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.every = int(getattr(settings, "SESSION_TOUCH_SECONDS", 60))

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED_KEY, 0) >= self.every:
                session[TOUCHED_KEY] = now  # sets modified: saved, with a fresh expiry, on the way out
        return self.get_response(request)
