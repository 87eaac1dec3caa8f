"""Django settings for jixiao.

SQLite is the embedded default (a file under JIXIAO_HOME). Set JIXIAO_DATABASE_URL to
``postgresql://user:pass@host:port/dbname`` to use PostgreSQL instead.

Environment:
  JIXIAO_HOME           data folder (default ~/.jixiao): SQLite file, secret key file, report cache
  JIXIAO_SECRET_KEY     the secret key; else JIXIAO_HOME/secret_key (``jixiao serve`` creates it)
  JIXIAO_PRODUCTION=1   production behind HTTPS: secure cookies, HSTS, HTTP Basic only over HTTPS;
                        refuses DEBUG or a default key
  JIXIAO_TRUSTED_PROXY  number of reverse proxies in front (1 for one); only then are X-Forwarded-Proto
                        and X-Forwarded-For believed (HTTPS detection, the client address of the lockout)
  JIXIAO_SQLITE_TIMEOUT seconds a SQLite writer waits for the write lock before the busy answer (default 20)
  JIXIAO_DEBUG=1        development only
  JIXIAO_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
  JIXIAO_SESSION_HOURS  idle session lifetime in hours (default 8)
  JIXIAO_*_MAX_*        bounds on input files (sizes, rows, columns, listed problems): see
                        jixiao/common/limits.py ENVIRONMENT and README (输入文件的上限)
  JIXIAO_UPLOAD_RETENTION_DAYS  days an upload or import folder is kept (default 7)
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from jixiao.common.limits import InputLimits

BASE_DIR = Path(__file__).resolve().parent
JIXIAO_HOME = Path(os.environ.get("JIXIAO_HOME", Path.home() / ".jixiao"))
SECRET_KEY_FILE = JIXIAO_HOME / "secret_key"
# Never used by `jixiao serve`, which creates a random key file; the production check refuses it.
DEFAULT_SECRET_KEY = "jixiao-insecure-default-key-change-me"


def _secret_key() -> str:
    if os.environ.get("JIXIAO_SECRET_KEY"):
        return os.environ["JIXIAO_SECRET_KEY"]
    try:
        return SECRET_KEY_FILE.read_text(encoding="ascii").strip() or DEFAULT_SECRET_KEY
    except OSError:
        return DEFAULT_SECRET_KEY


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("JIXIAO_DEBUG", "0") == "1"
PRODUCTION = os.environ.get("JIXIAO_PRODUCTION", "0") == "1"


def _trusted_proxy_hops() -> int:
    value = os.environ.get("JIXIAO_TRUSTED_PROXY", "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"JIXIAO_TRUSTED_PROXY 应为反向代理的层数（1 表示一层代理；不设或 0 表示没有代理），收到：{value}")
    return int(value)


# How many reverse proxies stand in front of jixiao (JIXIAO_TRUSTED_PROXY; 0: none). Only then are
# X-Forwarded-Proto and X-Forwarded-For believed: without a proxy any client could send them.
TRUSTED_PROXY_HOPS = _trusted_proxy_hops()
ALLOWED_HOSTS = [h for h in os.environ.get("JIXIAO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI files served locally: no CDN on the intranet
    "axes",
    "django_tasks",
    "django_tasks_db",  # the task queue as a table: no broker beside the embedded SQLite
    "jixiao.accounts",
    "jixiao.regions",
    "jixiao.organizations",
    "jixiao.projects",
    "jixiao.indicators",
    "jixiao.surveys",
    "jixiao.evaluations",
    "jixiao.changelog",
    "jixiao.jobs",
    "jixiao.registry",
    "jixiao.rosters",
    "jixiao.benefits",
    "jixiao.workbench",
    "jixiao.audit",
    "jixiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jixiao.workbench.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jixiao.accounts.middleware.SessionIdleTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jixiao.workbench.middleware.BusyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "jixiao.workbench.context.workbench",
]
TEMPLATES = [
    {  # the workbench, registry and audit pages (app folders named jinja2/); see jixiao/workbench/jinja2env.py
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "jixiao.workbench.jinja2env.environment",
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
    {  # Django admin, DRF and the API documentation page
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
]


def _database_from_env():
    url = os.environ.get("JIXIAO_DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("JIXIAO_SQLITE_PATH", str(JIXIAO_HOME / "jixiao.sqlite3")),
            # Several server workers share the file. A transaction takes the write lock when it begins
            # (IMMEDIATE) and waits for it up to the busy timeout: a deferred one that read first could
            # not wait and failed at once ("database is locked") when another process had written.
            # A lock held longer than the wait (a registry import) gives the busy answer (HTTP 503).
            "OPTIONS": {"timeout": float(os.environ.get("JIXIAO_SQLITE_TIMEOUT", "20")), "transaction_mode": "IMMEDIATE",
                        "init_command": (
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;")},
            # A connection per request would start every page with SQLite's page cache empty.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"JIXIAO_DATABASE_URL 只支持 postgresql:// 地址，收到：{parsed.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "NAME": parsed.path.lstrip("/") or "jixiao",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
    }


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django's zh_Hans DATE_INPUT_FORMATS uses %n/%j, which strptime does not know.
FORMAT_MODULE_PATH = ["jixiao.formats"]

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("JIXIAO_STATIC_ROOT") or None  # only for an optional collectstatic
# WhiteNoise serves the vendored files (htmx, ECharts, Pico CSS) straight from the package: no CDN,
# no collectstatic step on a laptop.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# ---- security ----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures and refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5  # the 5th wrong password in a row locks the account at that address …
AXES_COOLOFF_TIME = timedelta(minutes=15)  # … for 15 minutes
# Per account AND client address: a lock by account alone let anyone lock anyone out (five wrong
# passwords from anywhere), a lock by address alone would lock a whole office behind one NAT address.
# Counted the same on the login page and for HTTP Basic on the API (jixiao.accounts.authentication).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The peer's address, or — with JIXIAO_TRUSTED_PROXY — the one the proxy saw (jixiao.accounts.network).
AXES_CLIENT_IP_CALLABLE = "jixiao.accounts.network.client_ip_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "workbench/locked.html"
AXES_VERBOSE = False

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A registry import holds SQLite's single write lock for the whole run (it is one transaction);
    # sessions written on every request must not wait for it, so on SQLite they live in files.
    SESSION_ENGINE = "jixiao.accounts.sessions"
    SESSION_FILE_PATH = str(JIXIAO_HOME / "sessions")
SESSION_COOKIE_AGE = int(float(os.environ.get("JIXIAO_SESSION_HOURS", "8")) * 3600)
# The lifetime counts from the last request (idle timeout): SessionIdleTouchMiddleware re-saves the
# session at most once a minute rather than on every request (SESSION_SAVE_EVERY_REQUEST).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token themselves (htmx sends it as a header)
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from jixiao's own static files: no inline <script>, no on…= handlers, no
# style="" or <style> (htmx's indicator <style> is switched off by a meta tag in base.html, ECharts draws
# its tooltips on the canvas, the API docs' start-up script is a file). data: for the SVG icons that Pico
# CSS and Swagger UI embed in their style sheets. Sent by jixiao.workbench.middleware.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("JIXIAO_SSL_REDIRECT", "1") == "1"
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JIXIAO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if TRUSTED_PROXY_HOPS:
    # Behind the intranet's HTTPS reverse proxy, which sets this header (and overwrites a client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs never carry resident ID or phone numbers: every record passes the masking filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "jixiao.common.pii.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JIXIAO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# ---- background jobs (jixiao.jobs) -------------------------------------------------------------
# Django's task framework (the django-tasks backport). The database backend keeps the queue in a
# table of the same database, run by `jixiao worker` (which `jixiao serve` starts); another backend
# (a real queue) is a change here only.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
JOBS_TASK_BACKEND = "default"
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JIXIAO_JOB_HEARTBEAT_SECONDS", "2"))
# A running job whose heartbeat is older than this is taken for dead (its worker was killed elsewhere).
JOBS_STALE_SECONDS = float(os.environ.get("JIXIAO_JOB_STALE_SECONDS", "120"))
# Result files (error reports hold rows of personal data) are deleted this many days after the job ended.
JOBS_FILES_DAYS = float(os.environ.get("JIXIAO_JOB_FILES_DAYS", "30"))

# ---- input files ------------------------------------------------------------------------------
# Every bound on what users upload or import (file size, uncompressed size, rows and columns per sheet,
# problems listed, error-report rows), each overridable by an environment variable (README).
JIXIAO_LIMITS = InputLimits.from_env()
# Upload and import folders under JIXIAO_HOME (imports/<token>/, tmp/) older than this are deleted.
JIXIAO_UPLOAD_RETENTION_DAYS = float(os.environ.get("JIXIAO_UPLOAD_RETENTION_DAYS", "7"))

# ---- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "jixiao.accounts.authentication.BasicAuthentication",  # lockout counted; HTTPS only in production
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jixiao 绩效 API",
    "DESCRIPTION": ("项目及其绩效评价结果、后台任务、名册比对及其工作清单。读取：各角色在其辖区（或受委托项目）范围内；"
                    "修改：有权限的用户（项目的主管用户；比对发现所在辖区的市、县、乡、村用户）。"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
