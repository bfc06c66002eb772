"""Django settings: every value that varies between deployments comes from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from hubbub.env import env_bool, env_fernet_key, env_fernet_keys, env_int, env_list, env_path, env_str

# Lets generic Django classes be subscripted at run time (`admin.ModelAdmin[Brand]`), as the stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("HUBBUB_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("HUBBUB_DEBUG", default=False)
# The fallback key only suits a laptop demo; deployments set HUBBUB_SECRET_KEY (see docs/operations.md).
SECRET_KEY = env_str("HUBBUB_SECRET_KEY", "hubbub-insecure-development-key-set-HUBBUB_SECRET_KEY")
ALLOWED_HOSTS = env_list("HUBBUB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("HUBBUB_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "hubbub.core",
    "hubbub.crm",
    "hubbub.listening",
    "hubbub.analysis",
    "hubbub.routing",
    "hubbub.metrics",
    "hubbub.channels",
    "hubbub.pipeline",
    "hubbub.workplace",
    "hubbub.runtime",
    "hubbub.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hubbub.urls"
ASGI_APPLICATION = "hubbub.asgi.application"

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


def _database(url: str) -> dict[str, Any]:
    # No persistent connections: under ASGI each request may run in its own thread, and connections
    # kept per thread would pile up (Django's ASGI deployment notes); a pooler goes in front instead.
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] != ":memory:":
            # The embedded default must work on a fresh checkout: `hubbub migrate` creates ./var/.
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the web process read while the pipeline writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write locks under concurrency.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    return config


# Redis joins with the scale-out pipeline; until then only data-subject erasure reads it (to purge
# keys and stream entries). Empty: hubbub uses no Redis.
REDIS_URL = env_str("REDIS_URL", "")

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hubbub.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workplace:inbox"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Unset by default: WhiteNoise serves straight from the apps (below). A deployment that runs
# `hubbub collectstatic` sets HUBBUB_STATIC_ROOT to serve compressed copies instead.
_static_root = env_str("HUBBUB_STATIC_ROOT", "")
STATIC_ROOT = Path(_static_root).resolve() if _static_root else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps, so `hubbub serve` needs no collectstatic

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("HUBBUB_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The pipeline's micro-batch size: large enough to amortise SQL round trips and model calls.
HUBBUB_BATCH_SIZE = env_int("HUBBUB_BATCH_SIZE", 2000, minimum=1)
# Seconds between database polls by each open live-update stream.
HUBBUB_LIVE_POLL_SECONDS = env_int("HUBBUB_LIVE_POLL_MS", 1000, minimum=50) / 1000
# Seconds one live-update stream stays open before the browser reconnects (and resumes by event id).
HUBBUB_LIVE_STREAM_SECONDS = env_int("HUBBUB_LIVE_STREAM_SECONDS", 55, minimum=1)
# Brand-account credentials (channels/secrets.py): this key encrypts, the old keys still decrypt (rotation).
# Unset, a key derived from SECRET_KEY is used (see docs/operations.md, "Connectors").
HUBBUB_CREDENTIALS_KEY = env_fernet_key("HUBBUB_CREDENTIALS_KEY")
HUBBUB_CREDENTIALS_OLD_KEYS = env_fernet_keys("HUBBUB_CREDENTIALS_OLD_KEYS")
# Web pages allowed to embed the demo's chat widget (`hubbub demo` seeds Acme's chat account with them).
HUBBUB_CHAT_ORIGINS = env_list("HUBBUB_CHAT_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"hubbub": {"handlers": ["console"], "level": env_str("HUBBUB_LOG_LEVEL", "INFO")}},
}
