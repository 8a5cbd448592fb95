"""Django settings for kesu.

SQLite under KESU_DATA_DIR (default ./var) is the embedded default; set KESU_DATABASE_URL
(postgresql://user:pass@host:port/name, or postgresql:///name?host=/socket/dir) for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KESU_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict:
    """Translate a postgresql:// or sqlite:/// URL into a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options = parse_qs(parsed.query)
        host = options.get("host", [parsed.hostname or ""])[0]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "kesu",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": host,
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    raise ValueError(f"KESU_DATABASE_URL: unsupported scheme {parsed.scheme!r} (use postgresql:// or sqlite:///)")


DEBUG = _env_flag("KESU_DEBUG", False)
SECRET_KEY = os.environ.get("KESU_SECRET_KEY", "kesu-development-key-change-me-in-production")
ALLOWED_HOSTS = [h for h in os.environ.get("KESU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "kesu.org",
    "kesu.audit",
    "kesu.caching",
    "kesu.planning",
    "kesu.progress",
    "kesu.supervision",
    "kesu.plan_import",
    "kesu.indicators",
    "kesu.literacy",
    "kesu.resources",
    "kesu.evaluation",
    "kesu.cascade",
    "kesu.content",
    # ninja is listed so that /api/docs serves its bundled Swagger UI instead of a CDN copy.
    "ninja",
    "kesu.api",
]

# No LocaleMiddleware: the interface is Chinese only, and it would merely switch Django's own strings
# (form errors, admin) to the browser's language in the middle of Chinese pages.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kesu.audit.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "kesu.web.urls"
WSGI_APPLICATION = "kesu.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kesu.web.context.kesu_context",
                "kesu.progress.context_processors.inbox_badge",
            ],
            "libraries": {"shell": "kesu.web.templatetags.shell"},
        },
    }
]

if os.environ.get("KESU_DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["KESU_DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kesu.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["kesu.org.auth.UserWithRegionBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "web" / "static"]
WHITENOISE_USE_FINDERS = True

# Evidence files and uploads live outside any static/served directory; views stream them after a
# permission check.
MEDIA_ROOT = DATA_DIR / "private"
EVIDENCE_MAX_BYTES = int(os.environ.get("KESU_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# 科普内容 uploads, per kind (kesu.content.files); KESU_CONTENT_MAX_MB_<KIND> overrides, in MB.
KESU_CONTENT_MAX_BYTES = {
    kind: int(os.environ.get(f"KESU_CONTENT_MAX_MB_{kind.upper()}", megabytes)) * 1024 * 1024
    for kind, megabytes in {"image": 10, "poster": 30, "audio": 100, "video": 500, "article": 20}.items()
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Page caches are per process and keyed on version tokens kept in the database (kesu.caching), so
# they need no shared cache server: every process sees a write the moment it commits.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kesu"}}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag; kept default-compatible
# A refused form (expired page, logged out in another tab) gets a Chinese page with a way back.
CSRF_FAILURE_VIEW = "kesu.web.errors.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KESU_LOG_LEVEL", "WARNING")},
}

# Set by `kesu demo`: every page carries a banner saying the data are demonstration data.
KESU_DEMO = _env_flag("KESU_DEMO", False)

# Task status (预警) thresholds, see kesu.supervision.status: a task is amber when its progress lags the
# time elapsed by amber_gap (share, 0–1) or more, red from red_gap; an overdue or returned report is
# amber, red after that many days. Leave empty for the defaults (0.15 / 0.30 / 30 / 30 days).
KESU_STATUS_THRESHOLDS: dict = {}

# An unfinished plan import (kesu.plan_import.models.ImportDraft) is cleared this many days after its
# last change.
KESU_IMPORT_DRAFT_DAYS = int(os.environ.get("KESU_IMPORT_DRAFT_DAYS", "14"))

# Reminders out of the app (kesu.progress.delivery); both channels are off unless configured.
# E-mail: KESU_SMTP_HOST turns it on; a reminder is then also mailed to every user of the unit who has
# an e-mail address, with the 督办通知单 as text and a link (and attached as PDF when
# KESU_SMTP_ATTACH_NOTICE is on: typesetting takes about 0.8 s per unit, paid while the office waits).
KESU_SMTP_HOST = os.environ.get("KESU_SMTP_HOST", "")
KESU_REMINDER_EMAIL = bool(KESU_SMTP_HOST)
KESU_SMTP_ATTACH_NOTICE = _env_flag("KESU_SMTP_ATTACH_NOTICE", False)
if KESU_SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = KESU_SMTP_HOST
    EMAIL_PORT = int(os.environ.get("KESU_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("KESU_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KESU_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = _env_flag("KESU_SMTP_USE_TLS", False)
    EMAIL_USE_SSL = _env_flag("KESU_SMTP_USE_SSL", False)
    EMAIL_TIMEOUT = 10
    DEFAULT_FROM_EMAIL = os.environ.get("KESU_SMTP_FROM", "") or EMAIL_HOST_USER or "kesu@localhost"
# Webhook for a government messenger gateway (政务微信 / 钉钉 style): a JSON POST per reminder, signed
# with HMAC-SHA256 of the body in X-Kesu-Signature when a secret is set.
KESU_REMINDER_WEBHOOK_URL = os.environ.get("KESU_REMINDER_WEBHOOK_URL", "")
KESU_REMINDER_WEBHOOK_SECRET = os.environ.get("KESU_REMINDER_WEBHOOK_SECRET", "")
KESU_REMINDER_WEBHOOK_TIMEOUT = float(os.environ.get("KESU_REMINDER_WEBHOOK_TIMEOUT", "5"))
# The address users reach kesu at (https://kesu.example.gov.cn), for links in e-mails and webhooks.
KESU_SITE_URL = os.environ.get("KESU_SITE_URL", "").rstrip("/")
