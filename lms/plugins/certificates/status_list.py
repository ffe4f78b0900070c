"""Revocation as a W3C Bitstring Status List (v1.0), served at ``/certificates/status/<n>``.

Every certificate gets one bit at issue: a random free index on the newest list (random,
so a list's readers learn nothing from the position: "Privacy Considerations"), kept in
``certificates_credential`` and never changed. A list is 131,072 bits, the minimum the
specification sets for herd privacy ("Bitstring Generation Algorithm"); a list takes new
bits until it is half full, so a free bit is found in about two tries, and the next list
opens then.

The list credential is built from the records on each request, so a revocation shows at
once whichever code path wrote it, and signed only when its content changed: the signed
bytes are cached per process, keyed by everything they depend on. The result is the same
in every worker: ``validFrom`` (and the proof's ``created``) is the newest revocation in
the list, or the first allocation in it while none is revoked.
"""

from __future__ import annotations

import base64
import gzip
import json
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.certificates import dataintegrity, did
from lms.plugins.certificates.models import Certificate, Credential

LIST_SIZE = 131_072
FILL = LIST_SIZE // 2
PURPOSE = "revocation"
_CACHE = "certificates.status_lists"


def timestamp(moment: datetime) -> str:
    """A stored (naive UTC) time as an XSD dateTimeStamp: ``2026-11-25T09:00:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def path(number: int) -> str:
    return f"/certificates/status/{number}"


def allocate() -> tuple[int, int]:
    """A free (list number, index) for a new certificate's credential.

    Call it before the new rows are added to the session (it queries; autoflush is off
    inside). Two concurrent issues can draw the same bit: the unique constraint on
    (status_list, status_index) then fails one commit, and the issuer draws again.
    """
    with db.session.no_autoflush:
        number = db.session.scalar(select(func.max(Credential.status_list))) or 1
        used = db.session.scalar(
            select(func.count()).select_from(Credential).where(Credential.status_list == number)
        )
        if used >= FILL:
            number += 1
        for _ in range(64):
            index = secrets.randbelow(LIST_SIZE)
            taken = db.session.scalar(
                select(Credential.id).where(
                    Credential.status_list == number, Credential.status_index == index
                )
            )
            if taken is None:
                return number, index
    raise RuntimeError(f"no free bit found on status list {number}")


def entry(number: int, index: int) -> dict:
    """The ``credentialStatus`` of a credential (a BitstringStatusListEntry)."""
    url = did.absolute(path(number))
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(indexes: list[int]) -> str:
    """``encodedList``: multibase base64url (``u``, no padding) of the GZIP of the
    bitstring, bit 0 the left-most bit of the first byte. ``mtime=0`` keeps it stable."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def _facts(number: int) -> tuple[list[int], datetime] | None:
    revoked = db.session.execute(
        select(Credential.status_index, Certificate.revoked_at)
        .join(Certificate, Certificate.id == Credential.certificate_id)
        .where(Credential.status_list == number, Certificate.revoked_at.is_not(None))
        .order_by(Credential.status_index)
    ).all()
    if revoked:
        return [index for index, _at in revoked], max(at for _index, at in revoked)
    first = db.session.scalar(
        select(func.min(Credential.allocated_at)).where(Credential.status_list == number)
    )
    return None if first is None else ([], first)


def build(number: int, indexes: list[int], valid_from: datetime) -> dict:
    """The signed BitstringStatusListCredential of list ``number``."""
    url = did.absolute(path(number))
    unsigned = {
        "@context": [dataintegrity.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did.issuer(),
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(indexes),
        },
    }
    return dataintegrity.sign(unsigned, created=timestamp(valid_from))


def served(number: int) -> bytes | None:
    """The current list credential as JSON bytes; None when list ``number`` has no bits.

    Raises did.NotConfigured without ``LMS_BASE_URL``.
    """
    facts = _facts(number)
    if facts is None:
        return None
    indexes, valid_from = facts
    key = (did.verification_method(), did.base_url(), tuple(indexes), valid_from)
    cache = current_app.extensions.setdefault(_CACHE, {})
    cached = cache.get(number)
    if cached is not None and cached[0] == key:
        return cached[1]
    body = json.dumps(build(number, indexes, valid_from), ensure_ascii=False, indent=2)
    cache[number] = (key, body.encode("utf-8"))
    return cache[number][1]
