"""Ed25519 signatures over a certificate's immutable facts, checkable offline.

The signed bytes are the canonical JSON of the ``certificate`` object: keys sorted, no
whitespace, UTF-8. The object holds only strings, null and a score with at most one
decimal, written without ".0" when whole, so these bytes are also its RFC 8785 (JCS) form
and any language can rebuild them. Mutable facts (status, revocation) stay outside.

The key comes from ``LMS_CERT_SIGNING_KEY`` (base64 of the 32-byte raw private key).
Without it the key is derived from ``SECRET_KEY`` with HKDF, so development and tests
need no setup; ``flask lms check-deploy`` flags a production without its own key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

ALGORITHM = "Ed25519"
_HKDF_INFO = b"atmp-learn certificate signing key v1"
_EXTENSION = "certificates.signing_key"


class SigningKeyError(ValueError):
    pass


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    derived: bool  # True when made from SECRET_KEY because no key was configured

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.public_raw).hexdigest()[:16]

    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )


def generate_key() -> str:
    """A new private key as ``LMS_CERT_SIGNING_KEY`` wants it."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def load_key(configured: str | None, secret_key: str | None) -> SigningKey:
    if configured:
        try:
            raw = base64.b64decode(configured.strip(), validate=True)
        except binascii.Error as exc:
            raise SigningKeyError("LMS_CERT_SIGNING_KEY is not valid base64") from exc
        if len(raw) != 32:
            raise SigningKeyError("LMS_CERT_SIGNING_KEY must be 32 bytes (base64 of a raw key)")
        return SigningKey(Ed25519PrivateKey.from_private_bytes(raw), derived=False)
    if not secret_key:
        raise SigningKeyError("neither LMS_CERT_SIGNING_KEY nor SECRET_KEY is set")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return SigningKey(Ed25519PrivateKey.from_private_bytes(raw), derived=True)


def init_app(app: Flask) -> None:
    """Load the key once at start, so a malformed key stops the app instead of a request."""
    app.extensions[_EXTENSION] = load_key(
        app.config.get("LMS_CERT_SIGNING_KEY"), app.config.get("SECRET_KEY")
    )


def current_key() -> SigningKey:
    return current_app.extensions[_EXTENSION]


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign(obj: dict, key: SigningKey | None = None) -> dict:
    key = key or current_key()
    signature = key.private.sign(canonical(obj))
    return {
        "certificate": obj,
        "signature": base64.b64encode(signature).decode("ascii"),
        "algorithm": ALGORITHM,
        "key_id": key.key_id,
    }


def verify(document: dict, public_raw: bytes) -> bool:
    """What a third party does offline: check the signature with only the public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(
            base64.b64decode(document["signature"]), canonical(document["certificate"])
        )
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False
    return True
