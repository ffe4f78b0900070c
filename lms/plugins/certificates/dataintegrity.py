"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

W3C "Data Integrity EdDSA Cryptosuites v1.0", §3.3: canonicalise the proof options
(the document's ``@context`` plus type, cryptosuite, created, verificationMethod and
proofPurpose) and the unsecured document with RDF Dataset Canonicalization (RDFC-1.0),
hash each with SHA-256, sign ``sha256(options) || sha256(document)`` with Ed25519, and
write the signature as ``proofValue``: ``z`` + base58btc.

RDFC-1.0 (W3C Recommendation, 2024) is the standardised URDNA2015, which is what pyld
implements. The one place the two can differ is how N-Quads escape control characters in
literals (pyld writes only \\t \\n \\r \\" \\\\ as escapes; RDFC-1.0 also \\b, \\f and
\\u00XX): :func:`canonicalize` refuses such characters instead of canonicalising them
differently, and the credential builders strip them from the text they copy.

JSON-LD contexts come only from ``jsonld/`` in this package; any other URL is refused, so
nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path

from pyld import jsonld

from lms.plugins.certificates import did, signing

CRYPTOSUITE = "eddsa-rdfc-2022"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_FILES = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OB_CONTEXT: "ob-v3p0-context-3.0.3.jsonld",
}
_FOLDER = Path(__file__).parent / "jsonld"
_CONTEXTS = {url: json.loads((_FOLDER / name).read_text("utf-8")) for url, name in _FILES.items()}
# Characters RDFC-1.0 escapes in literals but pyld writes raw (see the module docstring).
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# pyld keeps its processed contexts in a module-wide cachetools LRUCache, which is not safe
# for threads (gunicorn's gthread workers): one canonicalisation at a time (~5 ms).
_PYLD = threading.Lock()


class ContextRefused(ValueError):
    """A document names a JSON-LD context that is not bundled with the platform."""


def load_document(url: str, options: dict | None = None) -> dict:
    """pyld document loader: the bundled contexts only. Raises ContextRefused otherwise."""
    if url not in _CONTEXTS:
        raise ContextRefused(f"JSON-LD context {url!r} is not bundled; refusing to fetch it")
    return {"contextUrl": None, "documentUrl": url, "document": _CONTEXTS[url]}


def _check_literals(value) -> None:
    if isinstance(value, str):
        if UNSAFE.search(value):
            raise ValueError("a value holds a control character RDFC-1.0 escapes differently")
    elif isinstance(value, dict):
        for item in value.values():
            _check_literals(item)
    elif isinstance(value, list):
        for item in value:
            _check_literals(item)


def canonicalize(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (UTF-8 text).

    Raises ContextRefused for an unbundled context, ValueError for control characters
    (see the module docstring) and pyld's JsonLdError for malformed JSON-LD.
    """
    _check_literals(document)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": load_document,
        "base": None,
    }
    with _PYLD:
        return jsonld.normalize(document, options)


def _hash_data(document: dict, options: dict) -> bytes:
    config = {"@context": document["@context"], **options}
    return (
        hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
        + hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    )


def sign(document: dict, created: str, key: signing.SigningKey | None = None) -> dict:
    """``document`` (a dict without ``proof``) with an ``eddsa-rdfc-2022`` proof added.

    ``created`` is the proof's creation time, an XSD dateTimeStamp in UTC
    (``2026-11-25T09:00:00Z``); passing the issue time, not the clock, keeps the output a
    function of its inputs (Ed25519 signatures are deterministic, RFC 8032 §5.1.6).
    Raises did.NotConfigured without ``LMS_BASE_URL`` and whatever :func:`canonicalize`
    raises.
    """
    key = key or signing.current_key()
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": did.verification_method(key),
        "proofPurpose": "assertionMethod",
    }
    signature = key.private.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + did.base58btc(signature)}}
