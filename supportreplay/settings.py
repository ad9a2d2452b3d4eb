"""Settings, read from the environment (and an optional `.env`) through django-environ.

Local defaults are safe for one machine: SQLite and media under `var/`, Redis on 127.0.0.1:6379.
With DEBUG off, a missing SECRET_KEY or ALLOWED_HOSTS stops start-up instead of running insecurely.
"""

from email.utils import getaddresses
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# Local state (SQLite database, beat schedule, media) lives here; a fresh clone has no var/ yet.
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_INSECURE_DEV_KEY = "dev-only-insecure-key-never-used-with-debug-off"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = _INSECURE_DEV_KEY
# Rotating the key: put the old one here for a while, so sessions and unexpired recording credentials
# signed with it stay valid (comma separated).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (see .env.example).")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the web process listens (supportreplay.web starts daphne there; `make run` too).
WEB_HOST = env.str("WEB_HOST", default="127.0.0.1")
PORT = env.int("PORT", default=8000)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "supportreplay",
    "magiclinks",
    "sessions.apps.RecordingsConfig",
    "webhooks",
    "notifications",
    "notes",
]

MIDDLEWARE = [
    # Probes come by IP address, not by an allowed host name: answered before the Host check.
    "supportreplay.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "supportreplay.urls"
ASGI_APPLICATION = "supportreplay.asgi.application"

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
                "supportreplay.context.product",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets daphne, Celery and the tests' processes read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- Archive storage -----------------------------------------------------------------------------------
# STORAGE_BACKEND=filesystem (default: MEDIA_ROOT) or s3 (any S3-compatible store through django-storages,
# `pip install -e ".[s3]"`). Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the
# environment or an instance role; they are read by boto3 itself, never stored in settings.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem").lower()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STORAGE_BACKEND == "s3":
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None  # MinIO, Ceph, R2; None = AWS
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_LOCATION = env.str("AWS_LOCATION", default="archives")
    AWS_DEFAULT_ACL = "private"
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = True  # a retried archive rewrites the same object name
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None  # "path" for MinIO
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}.")
LOGIN_URL = "/admin/login/"

# --- Redis, Channels, Celery -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "supportreplay.channel_layer.BoundedRedisChannelLayer",
        "CONFIG": {
            # socket_timeout above channels-redis's 5 s blocking read: redis-py 8 would otherwise
            # drop idle consumers with 1011 (ENVIRONMENT.md).
            "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
            "prefix": "sr:layer:",
            "capacity": 500,
            "expiry": 30,
        },
    }
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
# Workers and beat log through LOGGING below (same format, JSON option and secret redaction as daphne).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Beat (recordings): end idle / over-long sessions, re-queue lost archives, purge past retention.
CELERY_BEAT_SCHEDULE = {
    "end-idle-sessions": {"task": "recordings.end_idle_sessions", "schedule": 60.0},
    "end-overlong-sessions": {"task": "recordings.end_overlong_sessions", "schedule": 60.0},
    "sweep-unarchived": {"task": "recordings.sweep_unarchived", "schedule": 300.0},
    "purge-expired": {"task": "recordings.purge_expired", "schedule": 3600.0},
    # Read by /healthz/ready and /metrics instead of pinging workers from a request (supportreplay.health).
    "celery-heartbeat": {"task": "supportreplay.heartbeat", "schedule": 30.0},
}

# --- Product settings ----------------------------------------------------------------------------------
SUPPORTREPLAY_COMPANY_NAME = env.str("SUPPORTREPLAY_COMPANY_NAME", default="Acme Inc.")
SUPPORTREPLAY_PUBLIC_URL = env.str("SUPPORTREPLAY_PUBLIC_URL", default="")
SUPPORTREPLAY_ALLOWED_ORIGINS = env.list("SUPPORTREPLAY_ALLOWED_ORIGINS", default=[])
SUPPORTREPLAY_LINK_DEFAULT_HOURS = env.int("SUPPORTREPLAY_LINK_DEFAULT_HOURS", default=24)
SUPPORTREPLAY_LINK_MAX_DAYS = env.int("SUPPORTREPLAY_LINK_MAX_DAYS", default=7)
SUPPORTREPLAY_LINK_RATE_PER_MINUTE = env.int("SUPPORTREPLAY_LINK_RATE_PER_MINUTE", default=20)
SUPPORTREPLAY_IDLE_MINUTES = env.int("SUPPORTREPLAY_IDLE_MINUTES", default=10)
SUPPORTREPLAY_MAX_SESSION_MINUTES = env.int("SUPPORTREPLAY_MAX_SESSION_MINUTES", default=120)
SUPPORTREPLAY_RETENTION_DAYS = env.int("SUPPORTREPLAY_RETENTION_DAYS", default=30)
SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS = env.int("SUPPORTREPLAY_ARCHIVE_LOCK_SECONDS", default=60)
SUPPORTREPLAY_ARCHIVE_PAGE_SIZE = env.int("SUPPORTREPLAY_ARCHIVE_PAGE_SIZE", default=500)
# Bytes of stream entries per archive read (one entry larger than this is still read alone): bounds the
# Redis reply buffer and the worker's page whatever the entries' sizes.
SUPPORTREPLAY_ARCHIVE_PAGE_BYTES = env.int("SUPPORTREPLAY_ARCHIVE_PAGE_BYTES", default=2 * 1024 * 1024)
# Test-only: sleep between stream pages so a test can kill a worker mid-archive. Keep 0 in production.
SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS = env.int("SUPPORTREPLAY_ARCHIVE_PAGE_DELAY_MS", default=0)
SUPPORTREPLAY_MAX_FRAME_BYTES = env.int("SUPPORTREPLAY_MAX_FRAME_BYTES", default=1024 * 1024)
SUPPORTREPLAY_MAX_EVENTS_PER_BATCH = env.int("SUPPORTREPLAY_MAX_EVENTS_PER_BATCH", default=2000)
SUPPORTREPLAY_RATE_BYTES_PER_SECOND = env.int("SUPPORTREPLAY_RATE_BYTES_PER_SECOND", default=2 * 1024 * 1024)
SUPPORTREPLAY_RATE_BURST_BYTES = env.int("SUPPORTREPLAY_RATE_BURST_BYTES", default=8 * 1024 * 1024)
SUPPORTREPLAY_RATE_FRAMES_PER_SECOND = env.int("SUPPORTREPLAY_RATE_FRAMES_PER_SECOND", default=50)
SUPPORTREPLAY_RATE_BURST_FRAMES = env.int("SUPPORTREPLAY_RATE_BURST_FRAMES", default=200)
SUPPORTREPLAY_MAX_EVENT_DEPTH = env.int("SUPPORTREPLAY_MAX_EVENT_DEPTH", default=500)
SUPPORTREPLAY_MAX_PARTS = env.int("SUPPORTREPLAY_MAX_PARTS", default=32)
SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS = env.float("SUPPORTREPLAY_HELLO_TIMEOUT_SECONDS", default=5.0)
SUPPORTREPLAY_CHECKOUT_EVERY_MS = env.int("SUPPORTREPLAY_CHECKOUT_EVERY_MS", default=5 * 60 * 1000)
SUPPORTREPLAY_METRICS_TOKEN = env.str("SUPPORTREPLAY_METRICS_TOKEN", default="")
# Let replays and live views load the recorded sites' own images, styles and fonts (sessions/csp.py).
SUPPORTREPLAY_REPLAY_REMOTE_ASSETS = env.bool("SUPPORTREPLAY_REPLAY_REMOTE_ASSETS", default=False)
# Backstop of the signal-driven close of a revoked agent's watch sockets (docs/SECURITY.md).
# The first browser that connects within this many seconds of consent owns the recording (docs/PRIVACY.md).
SUPPORTREPLAY_CLAIM_SECONDS = env.int("SUPPORTREPLAY_CLAIM_SECONDS", default=120)
SUPPORTREPLAY_WATCH_RECHECK_SECONDS = env.float("SUPPORTREPLAY_WATCH_RECHECK_SECONDS", default=5.0)
# The Brew & Co. demo shop at /demo/ (a page to record): on for local runs, off in production.
SUPPORTREPLAY_DEMO = env.bool("SUPPORTREPLAY_DEMO", default=DEBUG)

# --- Proxies ---------------------------------------------------------------------------------------------
# Addresses (or CIDR networks) of the proxies in front of daphne. X-Forwarded-For is read only from these,
# right to left, and the first address that is not one of them is the client (supportreplay.clientip).
# Empty (default): the socket peer is the client and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)

# --- Ingest resource bounds (issue #12; docs/PROTOCOL.md "Limits" explains each and its close code) ----
SUPPORTREPLAY_HELLO_MAX_BYTES = env.int("SUPPORTREPLAY_HELLO_MAX_BYTES", default=4096)
SUPPORTREPLAY_MIN_BYTES_PER_VALUE = env.int("SUPPORTREPLAY_MIN_BYTES_PER_VALUE", default=2)
SUPPORTREPLAY_OFFLOOP_BYTES = env.int("SUPPORTREPLAY_OFFLOOP_BYTES", default=64 * 1024)
SUPPORTREPLAY_VALIDATION_THREADS = env.int("SUPPORTREPLAY_VALIDATION_THREADS", default=2)
SUPPORTREPLAY_VALIDATION_PROCESSES = env.int("SUPPORTREPLAY_VALIDATION_PROCESSES", default=2)
SUPPORTREPLAY_MAX_CLOCK_AHEAD_HOURS = env.int("SUPPORTREPLAY_MAX_CLOCK_AHEAD_HOURS", default=24)
SUPPORTREPLAY_REDIS_POOL_SIZE = env.int("SUPPORTREPLAY_REDIS_POOL_SIZE", default=20)
SUPPORTREPLAY_REDIS_POOL_TIMEOUT_SECONDS = env.float("SUPPORTREPLAY_REDIS_POOL_TIMEOUT_SECONDS", default=5.0)
SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP = env.int("SUPPORTREPLAY_MAX_PENDING_HELLOS_PER_IP", default=20)
SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION = env.int("SUPPORTREPLAY_MAX_SOCKETS_PER_SESSION", default=10)
SUPPORTREPLAY_SESSION_MAX_BYTES = env.int("SUPPORTREPLAY_SESSION_MAX_BYTES", default=100 * 1024 * 1024)
SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND = env.int(
    "SUPPORTREPLAY_SESSION_RATE_BYTES_PER_SECOND", default=512 * 1024
)
SUPPORTREPLAY_SESSION_RATE_BURST_BYTES = env.int(
    "SUPPORTREPLAY_SESSION_RATE_BURST_BYTES", default=16 * 1024 * 1024
)
SUPPORTREPLAY_PARTS_MAX_BYTES = env.int("SUPPORTREPLAY_PARTS_MAX_BYTES", default=16 * 1024 * 1024)
SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS = env.float("SUPPORTREPLAY_PARTS_MAX_AGE_SECONDS", default=60.0)
SUPPORTREPLAY_PARTS_PROCESS_BYTES = env.int("SUPPORTREPLAY_PARTS_PROCESS_BYTES", default=128 * 1024 * 1024)
# Frames a socket has sent that its consumer has not handled yet (held in memory in arrival order): one
# rate-limit burst, so what the rate lets through at once is never refused; over it, 4429 (docs/PROTOCOL.md).
SUPPORTREPLAY_SOCKET_BACKLOG_BYTES = env.int("SUPPORTREPLAY_SOCKET_BACKLOG_BYTES", default=8 * 1024 * 1024)
SUPPORTREPLAY_SOCKET_BACKLOG_FRAMES = env.int("SUPPORTREPLAY_SOCKET_BACKLOG_FRAMES", default=200)

# --- Security headers ----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe and Prometheus scrapes each daphne directly over plain HTTP: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# --- Email and error reports -------------------------------------------------------------------------
# ADMINS="Ops <ops@example.com>,Jane <jane@example.com>" get server errors by mail (with DEBUG off).
ADMINS = [(name, address) for name, address in getaddresses(env.list("ADMINS", default=[])) if address]
MANAGERS = ADMINS
# EMAIL_URL: smtp+tls://user:password@smtp.example.com:587, consolemail:// (default), dummymail://
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ... (django-environ's documented way)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="supportreplay@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[SupportReplay] "

# LOG_FORMAT=json writes one JSON object per line (for a log shipper); plain is for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "supportreplay.logformat.JsonFormatter"},
    },
    "filters": {
        "redact_secrets": {"()": "supportreplay.logfilters.RedactSecrets"},
        "quiet_disallowed_host": {"()": "supportreplay.logformat.QuietDisallowedHost"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact_secrets"]},
        "mail_admins": {
            "class": "supportreplay.logformat.RedactingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # daphne logs every request path; /l/<token> must never reach a log.
        "django.server": {"level": "WARNING"},
        "daphne.access": {"level": "WARNING"},
        # Errors go to ADMINS by mail (DEBUG off), redacted like every other line; printing is the root's job.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # A request with a Host not in ALLOWED_HOSTS is a scanner or a misrouted proxy, not a server error:
        # one WARNING line without a traceback (the proxy should drop them before they get here).
        "django.security.DisallowedHost": {"filters": ["quiet_disallowed_host"]},
    },
}

# Local mode serves /static/ from daphne itself; production runs collectstatic behind a proxy.
SERVE_STATIC = env.bool("SERVE_STATIC", default=DEBUG)
