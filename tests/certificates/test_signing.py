"""Signed JSON: a third party checks a certificate offline with only the public key."""

from __future__ import annotations

import base64
import copy

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from lms import create_app
from lms.deploy import deploy_problems
from lms.plugins.certificates import codes, signing

JSON = {"Accept": "application/json"}


def _document(client, certificate) -> dict:
    return client.get(f"/certificates/{codes.display(certificate.code)}", headers=JSON).get_json()


def _public_key(client) -> bytes:
    body = client.get("/certificates/public-key", headers=JSON).get_json()
    assert body["algorithm"] == "Ed25519"
    return base64.b64decode(body["public_key"])


def test_signature_verifies_with_only_the_public_key(client, certificate):
    document = _document(client, certificate)
    public = _public_key(client)
    assert signing.verify(document, public)
    # The same check with nothing but `cryptography`, as the README shows.
    import json

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signed = json.dumps(
        document["certificate"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    Ed25519PublicKey.from_public_bytes(public).verify(
        base64.b64decode(document["signature"]), signed
    )


def test_any_changed_field_breaks_the_signature(client, certificate):
    document = _document(client, certificate)
    public = _public_key(client)
    for field, value in document["certificate"].items():
        forged = copy.deepcopy(document)
        if isinstance(value, str):
            forged["certificate"][field] = value + "x"
        elif value is None:
            forged["certificate"][field] = "2099-01-01"
        else:
            forged["certificate"][field] = value + 1
        assert not signing.verify(forged, public), field
    added = copy.deepcopy(document)
    added["certificate"]["extra"] = "field"
    assert not signing.verify(added, public)
    removed = copy.deepcopy(document)
    del removed["certificate"]["name"]
    assert not signing.verify(removed, public)
    # The unsigned, changing parts may differ without breaking it.
    status = copy.deepcopy(document)
    status["status"] = "expired"
    assert signing.verify(status, public)


def test_another_key_does_not_verify(client, certificate):
    document = _document(client, certificate)
    other = signing.load_key(signing.generate_key(), None)
    assert not signing.verify(document, other.public_raw)


def test_public_key_as_pem_and_key_id(client, certificate):
    response = client.get("/certificates/public-key")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    pem = response.get_data(as_text=True)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    key = load_pem_public_key(pem.encode())
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw == _public_key(client)
    import hashlib

    assert _document(client, certificate)["key_id"] == hashlib.sha256(raw).hexdigest()[:16]


def test_configured_key_is_used(app, tmp_path):
    configured = signing.generate_key()
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "LMS_CERT_SIGNING_KEY": configured,
        }
    )
    body = other.test_client().get("/certificates/public-key", headers=JSON).get_json()
    assert body["key_id"] == signing.load_key(configured, None).key_id
    assert not other.extensions["certificates.signing_key"].derived
    assert app.extensions["certificates.signing_key"].derived
    assert body["key_id"] != app.extensions["certificates.signing_key"].key_id


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_stops_the_app(tmp_path, bad):
    with pytest.raises(signing.SigningKeyError):
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                "LMS_CERT_SIGNING_KEY": bad,
            }
        )


def test_derived_key_is_stable_for_a_secret():
    first = signing.load_key(None, "one-secret-key-0123456789abcdefghij")
    again = signing.load_key(None, "one-secret-key-0123456789abcdefghij")
    other = signing.load_key(None, "another-secret-0123456789abcdefghij")
    assert first.key_id == again.key_id != other.key_id
    assert first.derived


def test_check_deploy_asks_for_a_key():
    config = {"LMS_PLUGINS": ["catalog", "certificates"], "SECRET_KEY": "x" * 40}
    assert any("LMS_CERT_SIGNING_KEY is not set" in p for p in deploy_problems(config))
    config["LMS_CERT_SIGNING_KEY"] = signing.generate_key()
    assert not any("LMS_CERT_SIGNING_KEY" in p for p in deploy_problems(config))
    config = {"LMS_PLUGINS": ["certificates"], "LMS_DISABLED_PLUGINS": ["certificates"]}
    assert not any("LMS_CERT_SIGNING_KEY" in p for p in deploy_problems(config))


@pytest.mark.parametrize(
    ("base", "flagged"),
    [(None, True), ("http://learn.example.se", True), ("https://learn.example.se", False)],
)
def test_check_deploy_asks_for_an_https_base_url(base, flagged):
    config = {"LMS_PLUGINS": ["certificates"], "LMS_BASE_URL": base}
    problems = deploy_problems(config)
    assert any(p.startswith("LMS_BASE_URL is not an https://") for p in problems) == flagged


def test_generate_key_command(runner):
    result = runner.invoke(args=["certificates", "generate-key"])
    assert result.exit_code == 0
    assert len(base64.b64decode(result.output.strip())) == 32
    shown = runner.invoke(args=["certificates", "public-key"])
    assert shown.exit_code == 0
    assert "-----BEGIN PUBLIC KEY-----" in shown.output
