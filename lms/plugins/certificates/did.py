"""The platform's decentralised identifier (``did:web``) and its DID document.

The DID comes from ``LMS_BASE_URL`` alone, never from a request's Host header, following
the did:web method specification (W3C CCG, "did:web Method Specification", §3.2):
``https://learn.example.se`` is ``did:web:learn.example.se`` with its document at
``https://learn.example.se/.well-known/did.json``; a port is percent-encoded
(``did:web:learn.example.se%3A8443``); a path adds colon-separated segments and moves the
document to the path itself (``https://example.se/lms`` is ``did:web:example.se:lms``,
document at ``https://example.se/lms/did.json``).

The document lists the certificate key (:mod:`signing`) as a Multikey (W3C Controlled
Identifiers 1.0, §2.2.2): ``z`` + base58btc of the multicodec prefix ``0xed01`` and the
32-byte public key, allowed to make assertions (sign credentials).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app

from lms.plugins.certificates import signing

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_ED25519_PUB = b"\xed\x01"  # multicodec "ed25519-pub" as an unsigned varint
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class NotConfigured(LookupError):
    """``LMS_BASE_URL`` is not set, so the platform has no public identity to sign with."""


def base_url() -> str:
    """``LMS_BASE_URL`` without a trailing slash.

    Raises :class:`NotConfigured` when it is unset or is not an absolute http(s) URL.
    """
    base = (current_app.config.get("LMS_BASE_URL") or "").strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise NotConfigured("LMS_BASE_URL is not set to an absolute http(s) URL")
    return base


def absolute(path: str) -> str:
    """``path`` (starting with ``/``) under ``LMS_BASE_URL``. Raises NotConfigured."""
    return base_url() + path


def did_for(base: str) -> str:
    """The did:web identifier of a base URL such as ``https://example.se:8443/lms``."""
    parts = urlsplit(base)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def document_path(base: str) -> str:
    """Where, under ``base``, the DID document must be served (did:web §3.2.2 step 5)."""
    return "/did.json" if urlsplit(base).path.strip("/") else "/.well-known/did.json"


def issuer() -> str:
    """The platform's DID. Raises NotConfigured."""
    return did_for(base_url())


def base58btc(data: bytes) -> str:
    """Bitcoin's base58 alphabet; each leading zero byte is a leading ``1``."""
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, digit = divmod(number, 58)
        chars.append(_BASE58[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(chars))


def multikey(public_raw: bytes) -> str:
    """``publicKeyMultibase`` of a raw 32-byte Ed25519 public key."""
    return "z" + base58btc(_ED25519_PUB + public_raw)


def verification_method(key: signing.SigningKey | None = None) -> str:
    """The DID URL of the signing key, e.g. ``did:web:learn.example.se#key-3f2a...``."""
    key = key or signing.current_key()
    return f"{issuer()}#key-{key.key_id}"


def document(key: signing.SigningKey | None = None) -> dict:
    """The DID document (W3C DID Core 1.0): the key, usable for assertions only."""
    key = key or signing.current_key()
    did, method = issuer(), verification_method(key)
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey(key.public_raw),
            }
        ],
        "assertionMethod": [method],
    }
