"""Configuration classes.

Every setting can be overridden from the environment so that one image serves development,
CI and production. ``create_app`` picks the class from ``LMS_CONFIG`` (development,
testing, production; production when unset, so a forgotten variable fails safe).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default=None):
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default)
    value = value.strip()
    if value.startswith("["):
        return list(json.loads(value))
    return [item.strip() for item in value.split(",") if item.strip()]


def default_sqlite_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'lms.sqlite'}"


def normalise_database_url(url: str) -> str:
    """Let people paste the usual ``postgres://`` URL; we drive PostgreSQL with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY = env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(env("DATABASE_URL", default_sqlite_url()))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Sessions and cookies. Secure flags are on in production; see ProductionConfig.
    SESSION_COOKIE_NAME = "lms_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("LMS_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("LMS_SECURE_COOKIES", False)
    REMEMBER_COOKIE_DURATION = timedelta(days=env_int("LMS_REMEMBER_DAYS", 14))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=env_int("LMS_SESSION_HOURS", 12))

    # Request bodies larger than this are refused (413) before they are read. Above the CSV
    # import's own limit (LMS_CSV_MAX_BYTES) and room for a picture upload.
    MAX_CONTENT_LENGTH = env_int("LMS_MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

    # CSRF tokens live as long as the session, so a slow quiz-taker keeps their answers.
    WTF_CSRF_TIME_LIMIT = None
    WTF_I18N_ENABLED = True

    BABEL_DEFAULT_LOCALE = env("LMS_DEFAULT_LOCALE", "sv")
    # Where the centres are: "today", overdue and expiry are decided in this zone (lms.clock).
    LMS_TIMEZONE = env("LMS_TIMEZONE", "Europe/Stockholm")
    BABEL_DEFAULT_TIMEZONE = LMS_TIMEZONE
    LMS_LOCALES = ("sv", "en")

    # Parts of pages built only from a published course version, kept per worker process
    # (lms/fragments.py): on/off and the most kept (least recently used out first).
    LMS_FRAGMENT_CACHE = env_bool("LMS_FRAGMENT_CACHE", True)
    LMS_FRAGMENT_CACHE_SIZE = env_int("LMS_FRAGMENT_CACHE_SIZE", 4096)

    RATELIMIT_STORAGE_URI = env("LMS_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = env_bool("LMS_RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LMS_LOGIN_LIMIT_PER_ADDRESS = env("LMS_LOGIN_LIMIT_PER_ADDRESS", "20 per minute;200 per hour")
    LMS_LOGIN_LIMIT_PER_ACCOUNT = env("LMS_LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;30 per hour")
    LMS_FORM_LIMIT = env("LMS_FORM_LIMIT", "10 per minute;100 per hour")

    LMS_PLUGINS = env_list(
        "LMS_PLUGINS",
        [
            "catalog",
            "enrolment",
            "quizzes",
            "certificates",
            "reports",
            "authoring",
            "sso",
            "compliance",
            "records",
        ],
    )
    LMS_DISABLED_PLUGINS = env_list("LMS_DISABLED_PLUGINS", [])
    # Outside training: the largest evidence file (PDF, PNG or JPEG) a centre admin uploads.
    LMS_RECORDS_EVIDENCE_MAX_BYTES = env_int("LMS_RECORDS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
    LMS_ENTRY_POINT_PLUGINS = env_bool("LMS_ENTRY_POINT_PLUGINS", True)

    LMS_COURSES_DIR = env("LMS_COURSES_DIR", str(BASE_DIR / "courses"))
    # Authoring in the browser: the largest file of a draft (a picture, a Markdown file), the
    # largest ZIP upload, how many files and how many bytes a ZIP may unpack to.
    LMS_AUTHORING_MAX_FILE_BYTES = env_int("LMS_AUTHORING_MAX_FILE_BYTES", 2 * 1024 * 1024)
    LMS_AUTHORING_MAX_ZIP_BYTES = env_int("LMS_AUTHORING_MAX_ZIP_BYTES", 20 * 1024 * 1024)
    LMS_AUTHORING_MAX_FILES = env_int("LMS_AUTHORING_MAX_FILES", 2000)
    LMS_AUTHORING_MAX_UNPACKED_BYTES = env_int("LMS_AUTHORING_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
    LMS_DEMO = env_bool("LMS_DEMO", False)
    LMS_HSTS = env_bool("LMS_HSTS", False)
    LMS_HSTS_MAX_AGE = env_int("LMS_HSTS_MAX_AGE", 63072000)
    LMS_TRUSTED_PROXIES = env_int("LMS_TRUSTED_PROXIES", 0)
    LMS_PASSWORD_RESET_HOURS = env_int("LMS_PASSWORD_RESET_HOURS", 2)
    # How long the link that proves an e-mail address works (centre e-mail domains).
    LMS_EMAIL_VERIFY_DAYS = env_int("LMS_EMAIL_VERIFY_DAYS", 7)
    # Training records are kept; a deactivated person's name and e-mail are replaced only
    # after this many days (archive law and GMP want the records, GDPR the minimum).
    LMS_RETENTION_DAYS = env_int("LMS_RETENTION_DAYS", 365 * 10)
    # The public address every absolute link (mail, PDF/QR, signed JSON) is built from
    # (lms.urls.absolute_url); never the request's Host header. Production requires it.
    LMS_BASE_URL = env("LMS_BASE_URL", "")
    # Single sign-on (the sso plugin; off while no provider is configured): a JSON list of
    # providers and/or a JSON or TOML file with a `providers` list. See README.
    LMS_SSO_PROVIDERS = env("LMS_SSO_PROVIDERS", "")
    LMS_SSO_CONFIG_FILE = env("LMS_SSO_CONFIG_FILE", "")

    # Certificates: the Ed25519 signing key (base64 of the 32-byte raw private key; without
    # it a key is derived from SECRET_KEY), the verification throttle, the expiry warning.
    LMS_CERT_SIGNING_KEY = env("LMS_CERT_SIGNING_KEY")
    LMS_VERIFY_LIMIT = env("LMS_VERIFY_LIMIT", "30 per minute;300 per hour")
    LMS_EXPIRY_WARNING_DAYS = env_int("LMS_EXPIRY_WARNING_DAYS", 60)
    # Where the certificate PDF finds the Noto fonts for names DejaVu (bundled) cannot print:
    # Debian's fonts-noto-core and fonts-noto-cjk put them here. Colon-separated.
    LMS_CERT_FONT_DIRS = env(
        "LMS_CERT_FONT_DIRS", "/usr/share/fonts/truetype/noto:/usr/share/fonts/opentype/noto"
    )

    MAIL_SERVER = env("LMS_MAIL_SERVER", "")
    MAIL_PORT = env_int("LMS_MAIL_PORT", 587)
    MAIL_USERNAME = env("LMS_MAIL_USERNAME", "")
    MAIL_PASSWORD = env("LMS_MAIL_PASSWORD", "")
    MAIL_USE_TLS = env_bool("LMS_MAIL_USE_TLS", True)
    MAIL_SENDER = env("LMS_MAIL_SENDER", "ATMP Learn <no-reply@atmp-learn.invalid>")
    # The outbox (lms.mail): SMTP timeout, first retry delay (doubling, at most an hour),
    # attempts before giving up, days a sent message's body is kept, and whether a request
    # that queued mail starts a drain in the background right after its response.
    LMS_MAIL_TIMEOUT = env_int("LMS_MAIL_TIMEOUT", 20)
    LMS_MAIL_RETRY_SECONDS = env_int("LMS_MAIL_RETRY_SECONDS", 60)
    LMS_MAIL_MAX_ATTEMPTS = env_int("LMS_MAIL_MAX_ATTEMPTS", 30)
    LMS_MAIL_KEEP_DAYS = env_int("LMS_MAIL_KEEP_DAYS", 30)
    LMS_MAIL_KICK = env_bool("LMS_MAIL_KICK", True)
    # Compliance (issue 14): days before a certificate expires that its holder is assigned the
    # course again (a course may say recertify_days:), the reminders before a due date or an
    # expiry (days, comma-separated), how many days late an overdue or assigned notice is
    # still sent (after the job was down), and the weekday of the centre admins' digest
    # (0 Monday ... 6 Sunday).
    LMS_RECERTIFY_DAYS = env_int("LMS_RECERTIFY_DAYS", 60)
    LMS_REMINDER_DAYS = env("LMS_REMINDER_DAYS", "30,7")
    LMS_REMINDER_LATE_DAYS = env_int("LMS_REMINDER_LATE_DAYS", 7)
    LMS_DIGEST_WEEKDAY = env_int("LMS_DIGEST_WEEKDAY", 0)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = env_bool("FLASK_DEBUG", False)
    SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-not-for-production")
    LMS_DEMO = env_bool("LMS_DEMO", True)
    # Where `make run` serves; QR codes and Open Badges credentials are built on it.
    LMS_BASE_URL = env("LMS_BASE_URL", "http://127.0.0.1:5000")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-0123456789abcdef"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    LMS_ENTRY_POINT_PLUGINS = False
    LMS_BASE_URL = "https://learn.atmp.test"
    # Tests drain the outbox themselves (or turn this on to test the background drain).
    LMS_MAIL_KICK = False
    MAIL_SERVER = ""


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("LMS_SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = env_bool("LMS_SECURE_COOKIES", True)
    LMS_HSTS = env_bool("LMS_HSTS", True)
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
