"""Django settings for jixiao.

SQLite is the embedded default (a file under JIXIAO_HOME). Set JIXIAO_DATABASE_URL to
``postgresql://user:pass@host:port/dbname`` to use PostgreSQL instead.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
JIXIAO_HOME = Path(os.environ.get("JIXIAO_HOME", Path.home() / ".jixiao"))

SECRET_KEY = os.environ.get("JIXIAO_SECRET_KEY", "jixiao-insecure-default-key-change-me")
DEBUG = os.environ.get("JIXIAO_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("JIXIAO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "jixiao.regions",
    "jixiao.organizations",
    "jixiao.projects",
    "jixiao.indicators",
    "jixiao.surveys",
    "jixiao.evaluations",
    "jixiao.changelog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_from_env():
    url = os.environ.get("JIXIAO_DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("JIXIAO_SQLITE_PATH", str(JIXIAO_HOME / "jixiao.sqlite3")),
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"JIXIAO_DATABASE_URL 只支持 postgresql:// 地址，收到：{parsed.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
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
STATIC_ROOT = JIXIAO_HOME / "static"
