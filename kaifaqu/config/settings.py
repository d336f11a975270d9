"""Settings, read once from the environment (and an optional ``.env`` file at the root).

| variable | default |
|---|---|
| DATABASE_URL | sqlite:///var/kaifaqu.sqlite3 (WAL, immediate transactions) |
| SECRET_KEY | a random key created once in var/secret_key |
| DEBUG | false |
| ALLOWED_HOSTS | 127.0.0.1,localhost |
| HTTPS | true when DEBUG is false: secure cookies, HSTS, SSL redirect |
"""

import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy

# Django's generic classes take type arguments at run time as the type checker wants them
# (``ListView[User]``, ``ModelForm[ProfileFact]``); django-stubs-ext teaches them how.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "kaifaqu"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")
# After the .env file: a command run by hand (`make deploy-prepare`) must find the state
# directory the services find through systemd's EnvironmentFile, or it collects the static
# files where the web service does not look (deploy/acceptance.py caught that).
VAR_DIR = Path(env.str("KAIFAQU_VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """The environment's key, else one made once and kept in var/ so restarts keep sessions."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The product's own page for a form sent from an expired page (core/views/errors.py).
CSRF_FAILURE_VIEW = "kaifaqu.core.views.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kaifaqu.core",
    "kaifaqu.orgs",
    "kaifaqu.stats",
    "kaifaqu.metrics",
    "kaifaqu.portal",
    "kaifaqu.api",
    "kaifaqu.carriers",
    "kaifaqu.enterprises",
    "kaifaqu.investment",
    "kaifaqu.consultations",
    "kaifaqu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaifaqu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaifaqu.core.signin.AbsoluteSessionLimitMiddleware",
    # The second factor before the password's age: no change of password half signed in.
    "kaifaqu.core.signin.SecondFactorMiddleware",
    "kaifaqu.core.signin.PasswordExpiryMiddleware",
    "kaifaqu.core.middleware.StaffAreaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaifaqu.core.middleware.RequestContextMiddleware",
    # Axes must be last: it turns a lockout flagged during the request into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaifaqu.config.urls"
WSGI_APPLICATION = "kaifaqu.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaifaqu.core.context_processors.backoffice",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kaifaqu.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts, passwords and lockout.
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "kaifaqu.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Not the address alone: staff of the committee share one public address behind NAT, so
# locking an address after five failures would lock every bureau out at once.
# Five failures lock the pair account + address (setting AXES_LOCKOUT_PARAMETERS); someone
# on the street cannot lock the administrator out of the office.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address of the pair is the client's, as every other control reads it (behind a trusted
# proxy, not the proxy's own: else five failures from anywhere would lock the account for all).
AXES_CLIENT_IP_CALLABLE = "kaifaqu.core.context.client_ip"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The lock runs 30 minutes from the fifth failure; retrying while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Beyond the pair: the account from every address past this many failures within the
# cool-off (the security administrator is alerted), and an address trying many accounts gets
# 429 past this many failures within the window in seconds (core.signin, counted in the cache).
KAIFAQU_ACCOUNT_FAILURE_LIMIT = env.int("KAIFAQU_ACCOUNT_FAILURE_LIMIT", default=20)
KAIFAQU_ADDRESS_FAILURE_LIMIT = env.int("KAIFAQU_ADDRESS_FAILURE_LIMIT", default=30)
KAIFAQU_ADDRESS_FAILURE_WINDOW = env.int("KAIFAQU_ADDRESS_FAILURE_WINDOW", default=15 * 60)
AXES_LOCKOUT_CALLABLE = "kaifaqu.core.views.auth.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Sessions end after 30 minutes without a request: every request pushes the expiry on.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# ...and, however busy, this many hours after signing in (core.signin).
KAIFAQU_SESSION_MAX_HOURS = env.int("KAIFAQU_SESSION_MAX_HOURS", default=8)
# Staff passwords must be changed at sign-in once this many days old (a deviation from ASVS,
# see docs/security.md).
KAIFAQU_PASSWORD_MAX_AGE_DAYS = env.int("KAIFAQU_PASSWORD_MAX_AGE_DAYS", default=90)
# API tokens stop working this many days after they were issued.
KAIFAQU_API_TOKEN_DAYS = env.int("KAIFAQU_API_TOKEN_DAYS", default=30)
# The second factor (django-otp, core.signin): the name authenticator apps show. Failed codes
# count towards the sign-in lockout, so django-otp's own per-device delay is off.
OTP_TOTP_ISSUER = env.str("KAIFAQU_OTP_ISSUER", default="kaifaqu")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# HTTPS hardening on by default in production (DEBUG off); a deployment behind a proxy that
# terminates TLS sets SECURE_PROXY_SSL_HEADER_NAME.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if proxy_header := env.str("SECURE_PROXY_SSL_HEADER_NAME", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_header, "https")
# /healthz answers over plain HTTP too: a monitor or the proxy probes the server on its own
# address, where no TLS is. It tells only which backing service is up, and sets no cookie.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Language: 简体中文 by default, English beside it. Message ids are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# A filter's empty choice reads "All" (全部), not django-filter's "---------"; a form's reads
# "Please choose" (core.forms.EMPTY_CHOICE).
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")

# Static files: our own and the npm packages, served by Django (WhiteNoise); never a CDN.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "kaifaqu.core.signin.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kaifaqu.core.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kaifaqu.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kaifaqu API",
    "DESCRIPTION": "The REST API of kaifaqu (开发区): org units, figures, ledgers and the portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["kaifaqu.core.api.permissions.IsStaff"],
    # One name for a choice set used by several fields (a status change's from and to).
    "ENUM_NAME_OVERRIDES": {"CarrierStatusEnum": "kaifaqu.carriers.models.CarrierStatus"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The zone this deployment runs: the org unit whose profile the public home page shows.
KAIFAQU_HOME_ZONE = env.str("KAIFAQU_HOME_ZONE", default="371471")

# Caches: rate limits on the public consultation form count in the cache. The default is
# per process; a deployment with several worker processes sets CACHE_URL (e.g. a Redis URL,
# with the `redis` package installed) so every worker counts against the same limit.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Outgoing mail (consultation replies, sign-in links) goes through Django's mail backend.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@kaifaqu.example.org")

# The public portal. Links in messages sent to visitors (sign-in links, reply notices) are
# absolute from KAIFAQU_SITE_URL (e.g. https://tz.example.org); relative without it.
KAIFAQU_SITE_URL = env.str("KAIFAQU_SITE_URL", default="")
KAIFAQU_HOTLINE = env.str("KAIFAQU_HOTLINE", default="400-168-6016")
# A consultation's first reply is due this many working days after it arrives.
KAIFAQU_FIRST_REPLY_WORKING_DAYS = env.int("KAIFAQU_FIRST_REPLY_WORKING_DAYS", default=1)
# Consultations with no activity for this many days lose their personal data (command
# `kaifaqu anonymise_consultations`).
KAIFAQU_ANONYMISE_AFTER_DAYS = env.int("KAIFAQU_ANONYMISE_AFTER_DAYS", default=730)
# Submissions of the consultation form allowed per client address and per phone or email,
# written "count/seconds".
KAIFAQU_CONSULT_RATE_PER_IP = env.str("KAIFAQU_CONSULT_RATE_PER_IP", default="10/3600")
KAIFAQU_CONSULT_RATE_PER_CONTACT = env.str("KAIFAQU_CONSULT_RATE_PER_CONTACT", default="5/3600")
# A consultation unanswered this many working days past its first-reply deadline is
# escalated to the zone administrators (its officer was reminded at the deadline).
KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS = env.int(
    "KAIFAQU_CONSULT_ESCALATION_WORKING_DAYS", default=2
)
KAIFAQU_CONSULT_REMIND_EVERY = env.int("KAIFAQU_CONSULT_REMIND_EVERY", default=15 * 60)
KAIFAQU_CONSULT_MAX_CHARS = env.int("KAIFAQU_CONSULT_MAX_CHARS", default=2000)
KAIFAQU_CONSULT_MAX_FILE_MB = env.int("KAIFAQU_CONSULT_MAX_FILE_MB", default=10)
KAIFAQU_CONSULT_MAX_FILES = env.int("KAIFAQU_CONSULT_MAX_FILES", default=5)
# A one-time sign-in link stays valid this many hours.
KAIFAQU_SIGN_IN_LINK_HOURS = env.int("KAIFAQU_SIGN_IN_LINK_HOURS", default=24)
# In production a sign-in link goes only by SMS or email (the outbox). A demo shows it on the
# page as well, since no message leaves the machine.
KAIFAQU_SHOW_SIGN_IN_LINKS = env.bool("KAIFAQU_SHOW_SIGN_IN_LINKS", default=False)

# Reports: LibreOffice converts Word files to PDF; without it the PDF path says so.
KAIFAQU_SOFFICE = env.str("KAIFAQU_SOFFICE", default="soffice")
KAIFAQU_PDF_TIMEOUT = env.int("KAIFAQU_PDF_TIMEOUT", default=120)

# Workbook imports (statistics, investment): a file past one of these limits is refused
# before openpyxl parses it (the sizes its parts declare) or as soon as the reading passes
# one (a part that declares less than it holds). Rows: Excel's own maximum, so a statistics
# workbook of a million values fits; styles: above Excel's 64,000 cell formats; shared
# strings (distinct texts): as many as a sheet has rows, some 30 s for openpyxl to load.
# A workbook file, and what its zip members may expand to, past which it is refused unopened:
# a 1,000,000-value statistics workbook is about 29 MB and expands to about 250 MB.
KAIFAQU_WORKBOOK_MAX_FILE_MB = env.int("KAIFAQU_WORKBOOK_MAX_FILE_MB", default=40)
KAIFAQU_WORKBOOK_MAX_EXPANDED_MB = env.int("KAIFAQU_WORKBOOK_MAX_EXPANDED_MB", default=400)
KAIFAQU_WORKBOOK_MAX_ROWS = env.int("KAIFAQU_WORKBOOK_MAX_ROWS", default=1_048_576)
KAIFAQU_WORKBOOK_MAX_COLUMNS = env.int("KAIFAQU_WORKBOOK_MAX_COLUMNS", default=256)
KAIFAQU_WORKBOOK_MAX_STYLES = env.int("KAIFAQU_WORKBOOK_MAX_STYLES", default=100_000)
KAIFAQU_WORKBOOK_MAX_STRINGS = env.int("KAIFAQU_WORKBOOK_MAX_STRINGS", default=1_048_576)
# The upload pages check a workbook inside the web request (until a job queue takes the
# imports), so they take fewer rows and distinct texts than the import commands: a dry run
# of this many rows stays well inside a worker's timeout.
KAIFAQU_WORKBOOK_PAGE_MAX_ROWS = env.int("KAIFAQU_WORKBOOK_PAGE_MAX_ROWS", default=50_000)
# Serving (`kaifaqu serve` runs gunicorn with these): worker processes, threads in each, the
# seconds after which a request's worker is killed, and the address nginx proxies to. More
# than one worker needs a shared CACHE_URL. The time limit stays above the PDF conversion's,
# which runs in the request when no broker is configured.
KAIFAQU_WORKERS = env.int("KAIFAQU_WORKERS", default=1)
KAIFAQU_THREADS = env.int("KAIFAQU_THREADS", default=4)
KAIFAQU_TIMEOUT = env.int("KAIFAQU_TIMEOUT", default=KAIFAQU_PDF_TIMEOUT + 30)
KAIFAQU_BIND = env.str("KAIFAQU_BIND", default="127.0.0.1:8000")

# --- Response headers, client address, shared state (issue 12, "headers") ---
# Content Security Policy (django-csp): scripts only from this site's static files (no inline
# script, no handler attribute, no CDN); styles also allow inline style attributes (see
# docs/security.md "Content Security Policy"); images also data: (a report's chart PNG).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "kaifaqu.core.middleware.PermissionsPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
INSTALLED_APPS.append("csp")
# Browser features no page uses, switched off on every response.
KAIFAQU_PERMISSIONS_POLICY = env.str(
    "KAIFAQU_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
# The reverse proxies (addresses or networks) whose X-Forwarded-For / X-Real-IP is believed
# for the client's address; empty: REMOTE_ADDR only (docs/deploy.md "The client's address").
KAIFAQU_TRUSTED_PROXIES = env.list("KAIFAQU_TRUSTED_PROXIES", default=[])

# The audit log: the HMAC key of its hash chain (never in the database; `check --deploy`
# fails without it; development makes one in var/audit_key), and the append-only file the
# chain's head is anchored to (and syslog if set).
KAIFAQU_AUDIT_KEY = env.str("KAIFAQU_AUDIT_KEY", default="")
KAIFAQU_AUDIT_ANCHOR_FILE = Path(
    env.str("KAIFAQU_AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.jsonl"))
)
KAIFAQU_AUDIT_ANCHOR_SYSLOG = env.bool("KAIFAQU_AUDIT_ANCHOR_SYSLOG", default=False)

# The job queue (kaifaqu/config/celery.py, docs/architecture.md#jobs): Celery on the Redis
# broker CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1). Without one every job runs in the
# request that starts it (make run, the tests, a fresh machine). Beat keeps its schedule file
# in the state directory.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# How often beat queues the outbox (seconds).
KAIFAQU_OUTBOX_EVERY = env.int("KAIFAQU_OUTBOX_EVERY", default=60)
# Days the audit log keeps its rows (`kaifaqu purge_audit`); 180 at least (kaifaqu.E002).
KAIFAQU_AUDIT_RETENTION_DAYS = env.int("KAIFAQU_AUDIT_RETENTION_DAYS", default=180)
