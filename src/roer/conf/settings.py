"""Django settings: everything that varies between installations comes from the environment (conf/env.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
import structlog
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from roer.conf.env import env_bool, env_int, env_list, env_optional, env_str

SOURCE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = SOURCE_ROOT.parents[1]
VAR_DIR = Path(
    env_str(
        "ROER_VAR_DIR", str(PROJECT_ROOT / "var"), "Folder for the embedded database, secret key, exports."
    )
)

DEBUG = env_bool("DEBUG", False, "Django debug pages. Never on in production.")

_database_url = env_optional(
    "DATABASE_URL", "Database, e.g. postgresql://user@host:5432/roer. Default: SQLite in ROER_VAR_DIR."
)
EMBEDDED = _database_url is None
if _database_url is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, object]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "roer.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
else:
    DATABASES = {
        "default": dict(dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True))
    }


def _secret_key() -> str:
    given = env_optional(
        "SECRET_KEY", "Django secret key. Required unless the embedded SQLite default is used."
    )
    if given:
        return given
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DATABASE_URL points at a production database."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

DEMO_MODE = env_bool(
    "ROER_DEMO",
    EMBEDDED,
    "Demo mode: a banner on every page, demo logins and one-time codes on the home page.",
)
LEDGER_OWNER = env_str(
    "ROER_LEDGER_OWNER",
    "roer",
    "Who owns the rent ledger: 'roer' (standalone) or 'erp' (an ERP is the master).",
)
if LEDGER_OWNER not in {"roer", "erp"}:
    raise ImproperlyConfigured(f"ROER_LEDGER_OWNER={LEDGER_OWNER!r}: expected 'roer' or 'erp'")
CORPORATION_NAME = env_str("ROER_CORPORATION_NAME", "Woonstichting Roer (demo)", "The corporation's name.")
CORPORATION_PHONE = env_str(
    "ROER_CORPORATION_PHONE", "088 123 45 67", "The phone number tenants call, on pages and in letters."
)
CORPORATION_OFFICE_HOURS = env_str(
    "ROER_CORPORATION_OFFICE_HOURS", "ma-vr 8.30-17.00", "Office hours, shown beside the phone number."
)
PUBLIC_URL = env_str(
    "ROER_PUBLIC_URL", "http://127.0.0.1:8000", "The address tenants reach Roer at, for links in e-mail."
).rstrip("/")
CREDITOR_ID = env_str(
    "ROER_CREDITOR_ID", "NL98ZZZ999999999999", "SEPA creditor identifier (incassant-ID) for direct debits."
)
CREDITOR_IBAN = env_str(
    "ROER_CREDITOR_IBAN", "NL91ABNA0417164300", "The corporation's IBAN that receives rent."
)
CREDITOR_BIC = env_str("ROER_CREDITOR_BIC", "ABNANL2A", "BIC of ROER_CREDITOR_IBAN.")
_REVIEW_SAMPLE = env_str(
    "ROER_REVIEW_SAMPLE_PERCENT", "2", "Share of portal interactions sampled for review, in percent (0-100)."
)
try:
    REVIEW_SAMPLE_PERCENT = Decimal(_REVIEW_SAMPLE)
except ArithmeticError:
    raise ImproperlyConfigured(f"ROER_REVIEW_SAMPLE_PERCENT={_REVIEW_SAMPLE!r}: expected a number") from None
if not REVIEW_SAMPLE_PERCENT.is_finite() or not Decimal(0) <= REVIEW_SAMPLE_PERCENT <= Decimal(100):
    raise ImproperlyConfigured(f"ROER_REVIEW_SAMPLE_PERCENT={_REVIEW_SAMPLE!r}: expected 0 to 100")
RETENTION_YEARS = env_int(
    "ROER_RETENTION_YEARS",
    7,
    "Years after a tenancy ends before its personal data is anonymised (Dutch fiscal retention: 7).",
)
if RETENTION_YEARS < 1:
    raise ImproperlyConfigured(f"ROER_RETENTION_YEARS={RETENTION_YEARS}: expected 1 or more")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], "Comma-separated host names Roer answers to."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [], "Comma-separated origins, e.g. https://huur.example.nl"
)

CELERY_BROKER_URL = env_optional(
    "CELERY_BROKER_URL", "Celery broker, e.g. redis://127.0.0.1:6379/0. Absent: tasks run in-process."
)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_optional("CELERY_RESULT_BACKEND", "Celery result backend; default none.")
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task sent from a web request (the outbox after a commit) gives up within a second when the broker is
# down, instead of kombu's default retries: the outbox row waits for the beat task; the page does not hang.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Scheduled work; each task is idempotent, so a repeated or late run does no harm.
CELERY_BEAT_SCHEDULE = {
    "run-collections": {"task": "roer.arrears.run_collections", "schedule": crontab(minute=0, hour=3)},
    "charge-next-month-rent": {
        "task": "roer.ledger.charge_next_month_rent",
        "schedule": crontab(minute=0, hour=2, day_of_month="25-31"),
    },
    # Hourly; idempotent, so a late or repeated run does no harm.
    "record-wizard-abandons": {"task": "roer.repairs.record_wizard_abandons", "schedule": crontab(minute=15)},
    # Yesterday's portal interactions into the review queue, once the day is over (idempotent).
    "fill-review-queue": {
        "task": "roer.supervision.fill_review_queue",
        "schedule": crontab(minute=20, hour=1),
    },
    # Yesterday's meters, after the day is over and before the collections run.
    "rollup-meters": {"task": "roer.supervision.rollup_meters", "schedule": crontab(minute=30, hour=1)},
    # After the rollup: yesterday's meters against their targets and their own trailing 28 days.
    "check-alerts": {"task": "roer.supervision.check_alerts", "schedule": crontab(minute=45, hour=1)},
    # Monthly: personal data of tenancies ended longer ago than the retention period (idempotent).
    "anonymise-ended": {
        "task": "roer.privacy.anonymise_ended",
        "schedule": crontab(minute=0, hour=4, day_of_month=1),
    },
    # The e-mail outbox: messages whose after-commit delivery failed or was never asked (broker down).
    "deliver-outbox": {"task": "roer.core.deliver_outbox", "schedule": crontab()},
}

EMAIL_HOST = env_str("EMAIL_HOST", "localhost", "SMTP server.")
EMAIL_PORT = env_int("EMAIL_PORT", 25, "SMTP port.")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "", "SMTP user name.")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False, "STARTTLS to the SMTP server.")
# The outbox holds a message's row lock while it talks to the SMTP server: a server that hangs must not
# hold it (and the worker) forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, "Seconds to wait for the SMTP server before trying later.")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Roer <noreply@roer.local>", "Sender of e-mail to tenants."
)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if EMBEDDED
    else "django.core.mail.backends.smtp.EmailBackend",
    "Django e-mail backend. Default: console for the embedded demo, SMTP otherwise.",
)

SECURE_COOKIES = env_bool("ROER_SECURE_COOKIES", not EMBEDDED, "Send cookies over HTTPS only.")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind the reverse proxy, plain HTTP is redirected to HTTPS and browsers are told to stay on HTTPS.
SECURE_SSL_REDIRECT = env_bool("ROER_SSL_REDIRECT", not EMBEDDED, "Redirect plain HTTP to HTTPS.")
SECURE_HSTS_SECONDS = env_int(
    "ROER_HSTS_SECONDS", 0 if EMBEDDED else 31_536_000, "HTTP Strict Transport Security max-age in seconds."
)
# Roer runs on a host of its own (huur.example.nl): its subdomains are Roer's too, and the preload flag only
# matters once the corporation submits its domain to the browsers' list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy: everything from Roer itself, no inline script, no inline style, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling (django-axes): five wrong passwords for one account from one address lock that
# combination for a quarter of an hour; a right password resets the count.
AXES_FAILURE_LIMIT = env_int("ROER_LOGIN_FAILURE_LIMIT", 5, "Wrong passwords before a sign-in lockout.")
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env_int("ROER_LOGIN_LOCKOUT_MINUTES", 15, "Minutes a sign-in lockout lasts.")
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int(
    "ROER_PROXY_COUNT", 0, "Reverse proxies in front of Roer, to find the client's address for throttling."
)
AXES_VERBOSE = False

INSTALLED_APPS = [
    "roer.accounts.admin_app.OTPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "roer.core",
    "roer.accounts",
    "roer.tenancies",
    "roer.ledger",
    "roer.casework",
    "roer.arrears",
    "roer.repairs",
    "roer.answers",
    "roer.supervision",
    "roer.privacy",
    "roer.api",
    "roer.portal",
    "roer.console",
    "roer.contractors",
    "roer.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "roer.core.middleware.DutchUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a sign-in lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "roer.conf.urls"
WSGI_APPLICATION = "roer.conf.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Tenants sign in with their e-mail address, everyone else with a username (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "roer.accounts.backends.EmailOrUsernameBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SOURCE_ROOT / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roer.core.context_processors.roer",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [SOURCE_ROOT / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Whitenoise serves from the finders in the embedded default; an empty STATIC_ROOT keeps it quiet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
EXPORT_DIR = VAR_DIR / "exports"
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {"TITLE": "Roer API", "VERSION": "1", "SERVE_INCLUDE_SCHEMA": False}

OTP_TOTP_ISSUER = "Roer"

LOG_LEVEL = env_str("LOG_LEVEL", "WARNING" if EMBEDDED else "INFO", "Log level: DEBUG, INFO, WARNING, ERROR.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structlog": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer()
            if not DEBUG
            else structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": [
                structlog.stdlib.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
            ],
        }
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "structlog"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
