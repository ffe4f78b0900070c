"""Certificates as Open Badges 3.0 credentials, checked by an independent verifier.

The verdicts come from Digital Bazaar's VC libraries in Node (tests/verify_credentials.mjs),
fed only with what this app serves: the credential, the DID document and the status list.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lms import create_app, events
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.models import Role, utcnow
from lms.plugins.certificates import codes, credentials, dataintegrity, status_list
from lms.plugins.certificates.models import Certificate, Credential
from tests.certificates.conftest import NAME
from tests.certificates.verifier import SCRIPT as verifier_script
from tests.certificates.verifier import NodeVerifier
from tests.test_migrations import empty_database_url  # noqa: F401  (a fresh database)

BASE = "https://learn.example.se"
INVALID_SIGNATURE = "error: Invalid signature."


@pytest.fixture
def config_overrides():
    return {"LMS_BASE_URL": BASE}


@pytest.fixture(scope="session")
def verifier():
    node = NodeVerifier()
    yield node
    node.close()


def _url(certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}/credential.json"


def _stored(certificate) -> Credential:
    return db.session.scalar(select(Credential).where(Credential.certificate_id == certificate.id))


def fetch(client, certificate) -> dict:
    response = client.get(_url(certificate))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/ld+json"
    return json.loads(response.data)


def check(verifier, client, batch: list[dict], *, now=None, base=BASE, did_path=None):
    """The verifier's verdicts, given the DID document and status lists the app serves."""
    paths = {did_path or "/.well-known/did.json"}
    paths |= {c["credentialStatus"]["statusListCredential"][len(base) :] for c in batch}
    served = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        served[base + path] = {
            "type": response.headers["Content-Type"],
            "body": response.get_data(as_text=True),
        }
    return verifier.check(batch, served, now)


def test_fresh_credential_verifies_and_a_changed_one_does_not(client, certificate, verifier):
    credential = fetch(client, certificate)
    renamed = copy.deepcopy(credential)
    renamed["credentialSubject"]["name"] = "Someone Else"
    other_course = copy.deepcopy(credential)
    other_course["credentialSubject"]["achievement"]["name"] = "CAR-T Cell Therapy"
    other_version = copy.deepcopy(credential)
    other_version["credentialSubject"]["achievement"]["version"] = "2.0.0"
    later_expiry = copy.deepcopy(credential)
    later_expiry["validUntil"] = "2099-12-31T22:59:59Z"
    batch = [credential, renamed, other_course, other_version, later_expiry]
    assert check(verifier, client, batch) == ["verified"] + [INVALID_SIGNATURE] * 4


def test_control_characters_in_a_name_are_left_out_not_canonicalised_differently(
    client, make_user, make_course, complete, verifier
):
    # Names are cleaned when stored (lms.text.one_line); a certificate issued before that
    # may still hold control characters in its snapshot, so the builder leaves them out too.
    certificate = complete(make_user(name="Anna Berg"), make_course())
    db.session.execute(
        db.update(Certificate)
        .where(Certificate.id == certificate.id)
        .values(name="Anna\bBerg\x0c\x7f Lund\tSson")
    )
    db.session.execute(  # built on request from the snapshot, as for an old certificate
        db.update(Credential)
        .where(Credential.certificate_id == certificate.id)
        .values(document=None)
    )
    db.session.commit()
    credential = fetch(client, certificate)
    assert credential["credentialSubject"]["name"] == "AnnaBerg Lund\tSson"
    assert check(verifier, client, [credential]) == ["verified"]
    with pytest.raises(ValueError, match="control character"):
        dataintegrity.canonicalize({**credential, "name": "a\bb"})


def test_revoked_credential_verifies_as_signed_but_its_status_says_revoked(
    client, auth, make_user, certificate, verifier
):
    credential = fetch(client, certificate)
    assert check(verifier, client, [credential]) == ["verified"]
    auth.login(make_user(role=Role.site_admin))
    code = codes.display(certificate.code)
    client.post(f"/certificates/{code}/revoke", data={"reason": "Issued in error"})
    assert fetch(client, certificate) == credential  # the credential itself never changes
    assert check(verifier, client, [credential]) == ["verified, revoked"]


def test_expired_credential_reports_expired(client, certificate, verifier):
    credential = fetch(client, certificate)
    last_day = certificate.expires_on  # valid through this Stockholm day
    noon = datetime(last_day.year, last_day.month, last_day.day, 11, tzinfo=UTC)
    assert check(verifier, client, [credential], now=noon.isoformat()) == ["verified"]
    next_day = (noon + timedelta(days=1)).isoformat()
    (verdict,) = check(verifier, client, [credential], now=next_day)
    assert verdict.startswith("error: The current date time")
    assert f'after "validUntil" ({credential["validUntil"]})' in verdict


@pytest.mark.parametrize("config_overrides", [{"LMS_BASE_URL": "https://example.se:8443/lms/"}])
def test_did_web_with_a_port_and_a_path(client, certificate, verifier):
    credential = fetch(client, certificate)
    assert credential["issuer"]["id"] == "did:web:example.se%3A8443:lms"
    assert credential["id"].startswith("https://example.se:8443/lms/certificates/")
    assert client.get("/.well-known/did.json").status_code == 404
    base = "https://example.se:8443/lms"
    verdicts = check(verifier, client, [credential], base=base, did_path="/did.json")
    assert verdicts == ["verified"]


def test_a_receiving_hospital_checks_saved_files(client, certificate, tmp_path):
    """The README's recipe: save the three documents, run the verifier on them."""
    saved = {
        "open-badge.json": _url(certificate),
        "did.json": "/.well-known/did.json",
        "status.json": "/certificates/status/1",
    }
    for name, url in saved.items():
        (tmp_path / name).write_bytes(client.get(url).data)
    result = subprocess.run(
        ["node", str(verifier_script), *saved],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.stdout, result.returncode) == ("open-badge.json: verified\n", 0), result.stderr


def test_what_the_credential_says(app, client, certificate):
    response = client.get(_url(certificate))
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "lukasz@example.com" not in response.get_data(as_text=True)
    credential = json.loads(response.data)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Valid through the expiry day in Stockholm (CET in winter, CEST in summer).
    until = datetime.fromisoformat(credential["validUntil"])
    until = until.astimezone(ZoneInfo("Europe/Stockholm"))
    assert (until.date(), until.hour, until.minute) == (certificate.expires_on, 23, 59)
    subject = credential["credentialSubject"]
    assert subject["name"] == NAME
    (identity,) = subject["identifier"]
    digest = hashlib.sha256(("lukasz@example.com" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${digest}"
    assert identity["hashed"] is True
    achievement = subject["achievement"]
    assert achievement["name"] == "Gene Therapy Basics"
    assert achievement["version"] == "1.0.0"
    assert achievement["inLanguage"] == certificate.language
    assert achievement["otherIdentifier"][0]["identifier"] == f"sha256:{certificate.content_hash}"
    assert "80 %" in achievement["criteria"]["narrative"]
    status = credential["credentialStatus"]
    stored = _stored(certificate)
    assert status["statusListIndex"] == str(stored.status_index)
    assert status["statusListCredential"] == f"{BASE}/certificates/status/{stored.status_list}"


def test_stored_at_issue_and_rebuilt_byte_for_byte(app, client, certificate):
    stored = _stored(certificate)
    assert stored.document is not None
    db.session.expire_all()
    reloaded = db.session.get(Certificate, certificate.id)
    rebuilt = json.dumps(credentials.build(reloaded, stored), ensure_ascii=False, indent=2)
    assert rebuilt == stored.document
    assert client.get(_url(certificate)).data == stored.document.encode("utf-8")


def test_criteria_name_the_pass_mark_in_the_certificates_language(
    client, make_user, make_course, complete
):
    version = make_course("cart-care", swedish=True, course={"pass_mark": 90})
    certificate = complete(make_user(locale="sv"), version)
    achievement = fetch(client, certificate)["credentialSubject"]["achievement"]
    assert achievement["name"] == "Kurs cart-care"
    assert achievement["criteria"]["narrative"] == (
        "Har gått igenom alla moduler och klarat alla quiz med minst 90 %."
    )


@pytest.mark.parametrize("config_overrides", [{"LMS_BASE_URL": ""}])
def test_without_a_base_url_the_badge_waits(app, client, certificate):
    stored = _stored(certificate)
    assert stored.document is None  # its status bit is given all the same
    assert client.get(_url(certificate)).status_code == 404
    assert client.get("/.well-known/did.json").status_code == 404
    page = client.get(f"/certificates/{codes.display(certificate.code)}").get_data(as_text=True)
    assert "Open Badge" not in page
    app.config["LMS_BASE_URL"] = BASE
    credential = fetch(client, certificate)  # built on request, the same way
    assert credential["issuer"]["id"] == "did:web:learn.example.se"
    db.session.refresh(stored)
    assert stored.document is None  # a GET writes nothing


def test_pages_link_the_open_badge(client, auth, certificate):
    link = f'href="{_url(certificate)}"'
    page = client.get(f"/certificates/{codes.display(certificate.code)}").get_data(as_text=True)
    assert "Download as Open Badge" in page
    assert link in page
    auth.login(certificate.user)
    assert link in client.get("/me/").get_data(as_text=True)


def test_anonymising_withdraws_the_stored_credential(client, certificate):
    user = certificate.user
    user.name, user.email = f"Anonymised person {user.id}", f"anonymised-{user.id}@x.invalid"
    db.session.commit()
    events.emit(events.user_anonymised, events.UserAnonymised(user_id=user.id, at=utcnow()))
    stored = _stored(certificate)
    assert stored.document is None
    body = client.get(_url(certificate)).get_data(as_text=True)
    assert NAME not in body
    assert f"Anonymised person {user.id}" in body


def test_status_list_is_public_and_unknown_lists_are_not_found(client, certificate):
    response = client.get("/certificates/status/1")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.data)["type"][1] == "BitstringStatusListCredential"
    assert client.get("/certificates/status/2").status_code == 404


def test_a_full_list_opens_the_next(monkeypatch, client, make_user, make_course, complete):
    monkeypatch.setattr(status_list, "FILL", 1)
    version = make_course()
    first, second = (complete(make_user(), version) for _ in range(2))
    assert (_stored(first).status_list, _stored(second).status_list) == (1, 2)
    status = fetch(client, second)["credentialStatus"]
    assert status["statusListCredential"] == f"{BASE}/certificates/status/2"
    assert client.get("/certificates/status/2").status_code == 200


def test_migration_gives_old_certificates_their_bits(empty_database_url, tmp_path):  # noqa: F811
    """Certificates issued before 0011 get a status bit; their credential is built on
    request."""
    from flask_migrate import downgrade, upgrade

    from lms.content.sync import sync_courses
    from lms.models import Profession, User
    from tests.certificates.conftest import completed
    from tests.conftest import write_course

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "LMS_BASE_URL": BASE})
    with app.app_context():
        upgrade(revision="heads")
        sync_courses(write_course(tmp_path, "old-course"))
        version = db.session.scalar(select(CourseVersion))
        users = [
            User(email=f"u{n}@example.com", name=f"U {n}", profession=Profession.nurse)
            for n in range(3)
        ]
        db.session.add_all(users)
        db.session.commit()
        for n, user in enumerate(users, start=1):
            events.emit(events.course_completed, completed(user, version, n))
        db.session.remove()
        downgrade(revision="0007_reports_status")
        upgrade(revision="heads")
        rows = db.session.scalars(select(Credential)).all()
        assert len(rows) == 3
        assert {row.document for row in rows} == {None}
        assert len({(row.status_list, row.status_index) for row in rows}) == 3
        certificate = rows[0].certificate
        response = app.test_client().get(_url(certificate))
        assert json.loads(response.data)["credentialStatus"]["statusListIndex"] == str(
            rows[0].status_index
        )
        db.session.remove()
        db.engine.dispose()
