"""Password hashing (argon2id) and the password policy.

argon2-cffi's defaults are argon2id and meet OWASP ASVS; hashes made with older parameters
are upgraded at the next successful login (:func:`needs_rehash`).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 1024  # long passphrases are welcome; this only bounds the hashing work

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher.hash(password)  # spend the same time as a real check: no timing oracle
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (Django's list, 8+ characters, plus Swedish ones)."""
    data = files("lms.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused, or None. The message is shown to the user."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return str(_l("This password is too common. Choose a longer phrase of your own."))
    local_part = email.split("@")[0].lower()
    if lowered in {email.lower(), local_part, name.strip().lower()} - {""}:
        return str(_l("Do not use your name or e-mail address as password."))
    return None
