"""Settings shared by every environment.

Everything an operator may change comes from environment variables, so the same code runs
embedded (SQLite, in-memory channel layer) and at scale (PostgreSQL, Redis) without edits.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("OFICINA_VAR_DIR", BASE_DIR / "var"))

# The key the embedded default runs with. Production settings refuse to start with it.
DEVELOPMENT_SECRET_KEY = "oficina-development-key-never-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


RATE_UNITS = {
    "s": 1,
    "sec": 1,
    "min": 60,
    "m": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def env_rate(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """A rate limit as ``(requests, seconds)`` from ``"<requests>/<seconds>"`` or
    ``"<requests>/<unit>"`` (``20/60``, ``20/min``, ``10/h``, ``5/30s``)."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([a-z]*)", value.lower())
    requests = seconds = 0
    if match and (match[2] or match[3]) and (match[3] or "s") in RATE_UNITS:
        requests = int(match[1])
        seconds = int(match[2] or 1) * RATE_UNITS[match[3] or "s"]
    if requests <= 0 or seconds <= 0:
        raise ImproperlyConfigured(
            f"{name}={value!r}: write a limit as requests/seconds, such as 20/60, 20/min or 10/h."
        )
    return requests, seconds


SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "clients",
    "ledger",
    "documents",
    "leads",
    "assets",
    "jobs",
    "communications",
    "calls",
    "sms",
    "conversations",
    "demo",
]

MIDDLEWARE = [
    # First, so it also sees WhiteNoise's files: streams downloads under ASGI (core/streaming.py).
    "core.streaming.AsyncStreamingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the two above: shows the messages of an htmx answer (core/htmx.py).
    "core.htmx.HtmxMessagesMiddleware",
]

ROOT_URLCONF = "config.urls"
# A form whose CSRF token failed gets the product's page, translated, with a way back.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.oficina",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite runs in WAL mode with IMMEDIATE transactions: writers take the lock when the
# transaction starts, so two writers queue instead of failing half-way ("database is locked").
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
}


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "oficina.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    # The ASGI server runs each sync view in a thread of its own, so a persistent connection
    # (CONN_MAX_AGE > 0) is left open per thread and exhausts PostgreSQL's max_connections
    # under load. Connections close at the end of each request unless DB_CONN_MAX_AGE says
    # otherwise (put PgBouncer in front for pooling at scale).
    max_age = int(os.environ.get("DB_CONN_MAX_AGE", "0"))
    config = dj_database_url.parse(url, conn_max_age=max_age, conn_health_checks=max_age > 0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer: in-process by default, Redis when REDIS_URL is set ------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The layer waits for messages with a blocking read of 5 s (BZPOPMIN); redis-py's
            # default socket timeout is also 5 s, so an idle socket's read timed out and
            # closed the WebSocket. The read timeout must be longer than the blocking read.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}]
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background tasks live in the database (SQLite or PostgreSQL alike): `manage.py db_worker`
# runs them, and several workers share the queue (see jobs/base.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Employees and authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.Employee"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmployeeBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "clients:list"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("pt-br", _("Portuguese (Brazil)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Sao_Paulo")
USE_I18N = True
USE_TZ = True

# --- Oficina --------------------------------------------------------------------------------
OFICINA_CURRENCY = os.environ.get("OFICINA_CURRENCY", "BRL").upper()
OFICINA_PHONE_REGION = os.environ.get("OFICINA_PHONE_REGION", "BR").upper()
# Demo data may only be loaded where this is true (never in production settings).
OFICINA_DEMO_ALLOWED = False

# --- Static and media files: served by WhiteNoise, never from a CDN -------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Oficina API",
    "DESCRIPTION": "REST API of Oficina, the business system for service businesses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Choice sets used by several components get a name of their own.
    "ENUM_NAME_OVERRIDES": {
        "LineKindEnum": "documents.totals.LineKind",
        "EstimateStatusEnum": "documents.models.Estimate.Status",
        "SettlementEnum": "documents.models.Sale.Settlement",
        "OrderStatusGroupEnum": "documents.models.OrderStatus.Group",
        "ConversationStatusEnum": "conversations.models.Conversation.Status",
    },
}

# --- Security defaults that hold everywhere -------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Calls (app `calls`): telephony webhooks and recordings ---------------------------------
# The generic JSON webhook's HMAC-SHA256 secret; empty refuses every delivery (403).
OFICINA_CALLS_WEBHOOK_SECRET = os.environ.get("OFICINA_CALLS_WEBHOOK_SECRET", "")
# Twilio: the auth token verifies X-Twilio-Signature; with the account SID it fetches recordings.
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
# The public https://host the provider calls (behind a proxy); else the request's own URL.
OFICINA_PUBLIC_URL = os.environ.get("OFICINA_PUBLIC_URL", "")
OFICINA_CALLS_WEBHOOK_MAX_BODY = int(os.environ.get("OFICINA_CALLS_WEBHOOK_MAX_BODY", 256 * 1024))
OFICINA_CALLS_RECORDING_MAX_BYTES = int(
    os.environ.get("OFICINA_CALLS_RECORDING_MAX_BYTES", 50 * 1024 * 1024)
)
OFICINA_CALLS_RECORDING_TIMEOUT = float(os.environ.get("OFICINA_CALLS_RECORDING_TIMEOUT", 30))
# Routes /hooks/ping/ (a bare "ok" view) for scripts/bench_call_webhooks.py only.
OFICINA_BENCH_PING = env_bool("OFICINA_BENCH_PING", False)

# --- SMS (app `sms`): provider, delivery reports, templates ---------------------------------
# "outbox" (development and tests: kept in a table, viewable at /sms/outbox/) or "twilio".
OFICINA_SMS_BACKEND = os.environ.get("OFICINA_SMS_BACKEND", "outbox").lower()
# Twilio's API root (tests point it at a local fake). TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN
# are in the Calls block above; the sender is a number or a Messaging Service.
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "https://api.twilio.com")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
OFICINA_SMS_TIMEOUT = float(os.environ.get("OFICINA_SMS_TIMEOUT", 15))
# The generic JSON delivery report's HMAC-SHA256 secret; empty refuses every report (403).
OFICINA_SMS_WEBHOOK_SECRET = os.environ.get("OFICINA_SMS_WEBHOOK_SECRET", "")
OFICINA_SMS_WEBHOOK_MAX_BODY = int(os.environ.get("OFICINA_SMS_WEBHOOK_MAX_BODY", 64 * 1024))
# {company_name} in SMS templates.
OFICINA_COMPANY_NAME = os.environ.get("OFICINA_COMPANY_NAME", "Oficina")

# --- Telegram (app `conversations`): Bot API connector --------------------------------------
# The Bot API's root (tests point it at a local fake server). Bot tokens are per channel, in
# the channel's credentials; the webhook Telegram calls is OFICINA_PUBLIC_URL +
# /hooks/telegram/<channel id>/, so a Telegram channel needs OFICINA_PUBLIC_URL (https).
OFICINA_TELEGRAM_API_BASE_URL = os.environ.get(
    "OFICINA_TELEGRAM_API_BASE_URL", "https://api.telegram.org"
)
OFICINA_TELEGRAM_TIMEOUT = float(os.environ.get("OFICINA_TELEGRAM_TIMEOUT", 10))
# An update is a few KiB; anything near this is not Telegram.
OFICINA_TELEGRAM_WEBHOOK_MAX_BODY = int(
    os.environ.get("OFICINA_TELEGRAM_WEBHOOK_MAX_BODY", 256 * 1024)
)
# Files users send (photos, documents, voice notes); the Bot API serves bots at most 20 MB.
OFICINA_TELEGRAM_FILE_MAX_BYTES = int(
    os.environ.get("OFICINA_TELEGRAM_FILE_MAX_BYTES", 20 * 1024 * 1024)
)

# --- Web chat (app `conversations`): the widget visitors use --------------------------------
# How many reverse proxies in front of Oficina append to X-Forwarded-For (0: none, trust
# REMOTE_ADDR). The web chat's per-address rate limits need the visitor's real address:
# behind one proxy every visitor would otherwise share the proxy's.
OFICINA_TRUSTED_PROXIES = int(os.environ.get("OFICINA_TRUSTED_PROXIES", 0))
# Rate limits as (requests, seconds), each counted in the shared cache (env: "20/min", "10/h").
OFICINA_WEBCHAT_RATE_TOKEN = env_rate(
    "OFICINA_WEBCHAT_RATE_TOKEN", (20, 60)
)  # messages per visitor
OFICINA_WEBCHAT_RATE_IP = env_rate("OFICINA_WEBCHAT_RATE_IP", (60, 60))  # messages per address
# New conversations per address.
OFICINA_WEBCHAT_RATE_NEW = env_rate("OFICINA_WEBCHAT_RATE_NEW", (10, 3600))
# Polls and file downloads per address.
OFICINA_WEBCHAT_RATE_READ = env_rate("OFICINA_WEBCHAT_RATE_READ", (300, 60))
OFICINA_WEBCHAT_RATE_FILE = env_rate("OFICINA_WEBCHAT_RATE_FILE", (20, 3600))  # files per address
