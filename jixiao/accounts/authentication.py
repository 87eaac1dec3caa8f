"""HTTP Basic on the REST API, held to the login page's rules.

- Wrong passwords are counted by django-axes per account and client address exactly as on the login
  page (DRF hands the request to ``authenticate``); the 5th locks that account at that address for
  both, and the API then answers 429 with Retry-After instead of "wrong password".
- A right password clears that address's count, as a page login does.
- In production (JIXIAO_PRODUCTION=1) a password sent over plain HTTP is refused before it is even
  checked: only HTTPS (as reported by the trusted proxy) may carry it. Session logins are unaffected.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from rest_framework import authentication, exceptions, status

from jixiao.accounts.network import client_ip_address

WRONG_PASSWORD = "用户名或密码不正确。"
HTTPS_ONLY = "生产环境中 HTTP Basic 登录只接受 HTTPS 连接：请使用 https:// 地址（密码未被检查）。"


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        super().__init__(f"账号已暂时锁定：密码连续输错 {settings.AXES_FAILURE_LIMIT} 次，该账号在您的网络地址上"
                         f"锁定 {minutes} 分钟。请稍后再试，或请系统管理员解锁。")
        self.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())  # DRF sends it as Retry-After


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if getattr(settings, "PRODUCTION", False) and not request.is_secure():
            raise exceptions.AuthenticationFailed(HTTPS_ONLY)
        return super().authenticate(request)

    def authenticate_credentials(self, userid, password, request=None):
        user = authenticate(request=request, **{get_user_model().USERNAME_FIELD: userid, "password": password})
        if user is None:
            if getattr(request, "axes_locked_out", False):  # set by axes while it counted this failure
                raise LockedOut()
            raise exceptions.AuthenticationFailed(WRONG_PASSWORD)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用。")
        username, address = user.get_username(), client_ip_address(request)
        # A read first: most requests have nothing to clear, and a delete would take SQLite's write lock.
        if address and AccessAttempt.objects.filter(username=username, ip_address=address).exists():
            AxesProxyHandler.reset_attempts(username=username, ip_address=address)
        return user, None
