"""Keep ``next`` on this site: ``//evil``, ``/\\evil``, ``https://evil`` all fall back."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    if not target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    normalised = target.replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return fallback
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc:
        return fallback
    return target
