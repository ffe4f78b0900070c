"""Checking an inspection pack offline: the manifest's Ed25519 signature and every file's
SHA-256. Needs nothing but the ZIP (and, to pin the key, the platform's public key as
published at /certificates/public-key)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.plugins.records.pack import CHUNK, MANIFEST, MANIFEST_SIGNATURE


@dataclass
class Verdict:
    """``problems``: one line each, naming the file; ``ok`` when there are none."""

    checked: int = 0
    key_id: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_signature(archive: zipfile.ZipFile, verdict: Verdict, public_key: bytes | None):
    try:
        data = archive.read(MANIFEST)
        signed = json.loads(archive.read(MANIFEST_SIGNATURE))
        embedded = base64.b64decode(signed["public_key"], validate=True)
        signature = base64.b64decode(signed["signature"], validate=True)
    except (KeyError, ValueError, TypeError, binascii.Error, zipfile.BadZipFile) as exc:
        verdict.problems.append(f"{MANIFEST_SIGNATURE}: missing or unreadable ({exc})")
        return None
    verdict.key_id = hashlib.sha256(embedded).hexdigest()[:16]
    if public_key is not None and public_key != embedded:
        verdict.problems.append(f"{MANIFEST_SIGNATURE}: signed with another key than given")
    try:
        Ed25519PublicKey.from_public_bytes(embedded).verify(signature, data)
    except (InvalidSignature, ValueError):
        verdict.problems.append(f"{MANIFEST}: the signature does not match (changed)")
        return None
    return json.loads(data)


def verify(path: Path, public_key: bytes | None = None) -> Verdict:
    """Check the pack at ``path``; ``public_key``: the raw 32-byte Ed25519 key to require
    (None: the key in the pack, whose id is reported for comparison). Never raises for a
    damaged pack: everything found is in the verdict."""
    verdict = Verdict()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        verdict.problems.append(f"{path}: not a readable ZIP file ({exc})")
        return verdict
    with archive:
        manifest = _check_signature(archive, verdict, public_key)
        if manifest is None:
            return verdict
        listed = {entry["path"]: entry for entry in manifest.get("files", [])}
        present = set(archive.namelist()) - {MANIFEST, MANIFEST_SIGNATURE}
        for name in sorted(present - set(listed)):
            verdict.problems.append(f"{name}: in the ZIP but not in the manifest")
        for name, entry in sorted(listed.items()):
            if name not in present:
                verdict.problems.append(f"{name}: in the manifest but missing from the ZIP")
                continue
            try:
                digest = _digest(archive, name)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:  # e.g. a bad CRC
                verdict.problems.append(f"{name}: damaged ({exc})")
                continue
            except Exception as exc:  # zlib.error: a byte changed in compressed data
                verdict.problems.append(f"{name}: damaged ({exc})")
                continue
            verdict.checked += 1
            if digest != entry.get("sha256"):
                verdict.problems.append(f"{name}: SHA-256 differs from the manifest (changed)")
    return verdict
