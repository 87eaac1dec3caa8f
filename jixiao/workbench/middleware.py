"""HTTP concerns of every page and API answer: the busy answer and the Content-Security-Policy."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from jixiao.common.db import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_busy_error

log = logging.getLogger(__name__)


def busy_response(request) -> HttpResponse:
    """503 with Retry-After: JSON on the API, a short Chinese page elsewhere (rendered without the
    database, which is what is busy)."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": BUSY_MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        html = render_to_string("503.html", {"message": BUSY_MESSAGE, "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyMiddleware:
    """A view that could not get the database in time (SQLite's write lock held longer than the busy
    timeout, a PostgreSQL deadlock) answers "系统繁忙，请稍后重试" with 503, not 500. The view's
    transaction has been rolled back by then: nothing half-written stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy_error(exception):
            return None
        log.warning("数据库繁忙，答复 503：%s %s（%s）", request.method, request.path, exception)
        return busy_response(request)


class ContentSecurityPolicyMiddleware:
    """One Content-Security-Policy header on every answer (settings.CONTENT_SECURITY_POLICY).

    A small middleware rather than django-csp: the policy is one fixed string — no nonces or hashes,
    because no page carries inline script or style at all — and no page needs another policy (the
    API documentation uses drf-spectacular's split view, whose start-up script is a separate file)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = settings.CONTENT_SECURITY_POLICY
        self.header = "; ".join(f"{directive} {sources}".strip() for directive, sources in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response
