"""What a production configuration gets wrong. ``flask lms check-deploy`` prints it; the
production config refuses to start on the fatal ones."""

from __future__ import annotations

from urllib.parse import urlsplit

WEAK_SECRETS = {
    "",
    "dev",
    "secret",
    "changeme",
    "change-me",
    "dev-only-secret-key-not-for-production",
    "testing-secret-key-0123456789abcdef",
}
MIN_SECRET_LENGTH = 32


def secret_problem(secret: str | None) -> str | None:
    if not secret:
        return "SECRET_KEY is not set"
    if secret in WEAK_SECRETS or len(set(secret)) < 8:
        return "SECRET_KEY is a known or trivial value"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def base_url_problem(base: str | None) -> str | None:
    """What is wrong with ``LMS_BASE_URL``, the address every mailed or printed link uses."""
    if not base or not base.strip():
        return (
            "LMS_BASE_URL is not set: links in mail and on certificates need the public "
            "address (e.g. https://learn.example.se); it is never taken from the request"
        )
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"LMS_BASE_URL {base!r} is not an http(s) address with a host name"
    if parts.query or parts.fragment:
        return f"LMS_BASE_URL {base!r} must not carry a query or fragment"
    return None


def fatal_problems(config) -> list[str]:
    problems = []
    secret = secret_problem(config.get("SECRET_KEY"))
    if secret:
        problems.append(secret)
    if config.get("DEBUG"):
        problems.append("DEBUG is on")
    base = base_url_problem(config.get("LMS_BASE_URL"))
    if base:
        problems.append(base)
    return problems


def deploy_problems(config) -> list[str]:
    """Every problem, fatal or not, for a production deployment."""
    problems = fatal_problems(config)
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off (set LMS_SECURE_COOKIES=1)")
    if not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("REMEMBER_COOKIE_SECURE is off (set LMS_SECURE_COOKIES=1)")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("SESSION_COOKIE_HTTPONLY is off")
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("SESSION_COOKIE_SAMESITE should be Lax or Strict")
    if not config.get("LMS_HSTS"):
        problems.append("HSTS is off (set LMS_HSTS=1)")
    base = str(config.get("LMS_BASE_URL") or "")
    if base and not base_url_problem(base) and not base.startswith("https://"):
        problems.append("LMS_BASE_URL is not https: links in mail would go out unencrypted")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append(
            "the database is SQLite: fine for one machine, use PostgreSQL (DATABASE_URL) "
            "for several app instances"
        )
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        problems.append(
            "rate limits are counted in memory per worker; set LMS_RATELIMIT_STORAGE_URI "
            "to a Redis URL"
        )
    if not config.get("RATELIMIT_ENABLED", True):
        problems.append("rate limiting is off")
    if config.get("LMS_DEMO"):
        problems.append("demo mode is on (LMS_DEMO): demo accounts may exist")
    if not config.get("MAIL_SERVER"):
        problems.append("no mail server (LMS_MAIL_SERVER): queued mail only goes to the log")
    certificates_on = "certificates" in config.get("LMS_PLUGINS", []) and (
        "certificates" not in config.get("LMS_DISABLED_PLUGINS", [])
    )
    if certificates_on:
        problems.extend(font_problems(config))
    if certificates_on and not config.get("LMS_CERT_SIGNING_KEY"):
        problems.append(
            "LMS_CERT_SIGNING_KEY is not set: certificates are signed with a key derived from "
            "SECRET_KEY (make one with `flask certificates generate-key`)"
        )
    if certificates_on and not str(config.get("LMS_BASE_URL") or "").startswith("https://"):
        problems.append(
            "LMS_BASE_URL is not an https:// address: QR codes need the public address, and "
            "Open Badges credentials (signed as did:web on it) are not issued without it"
        )
    return problems


def font_problems(config) -> list[str]:
    """Names in Arabic, Chinese, Ethiopic ... need the Noto fonts on the server; without
    them such a certificate's PDF is refused (never printed with a blank name)."""
    from pathlib import Path

    dirs = [Path(d) for d in str(config.get("LMS_CERT_FONT_DIRS") or "").split(":") if d]
    wanted = {
        "NotoSansArabic-Regular.ttf": "fonts-noto-core",
        "NotoSansCJK-Bold.ttc": "fonts-noto-cjk",
    }
    return [
        f"{name} is not in LMS_CERT_FONT_DIRS: install {package}, or certificates whose names "
        "need it are refused"
        for name, package in wanted.items()
        if not any((d / name).is_file() for d in dirs)
    ]


def assert_production_ready(config) -> None:
    problems = fatal_problems(config)
    if problems:
        raise RuntimeError("refusing to start in production: " + "; ".join(problems))
