"""Training done elsewhere: recorded one by one with evidence (PDF or picture only), audited
with a reason, evidence private to those who may see the record, in the inspection pack."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.records.models import ExternalTraining

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _post(client, person, data: bytes, name="evidence.pdf", **fields):
    form = {
        "person": str(person.id),
        "course": "",
        "title": "CAR-T product training (manufacturer)",
        "provider": "Manufacturer",
        "completed_on": "2026-01-15",
        "valid_until": "2028-01-15",
        "reason": "Certificate shown by the nurse",
        "evidence": (io.BytesIO(data), name),
        **fields,
    }
    return client.post("/records/external", data=form, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(ExternalTraining.id)))


def test_a_centre_admin_records_outside_training_with_evidence(client, auth, make_user):
    admin = make_user(role=Role.centre_admin)
    nurse = make_user(name="Nina Nurse")
    auth.login(admin)
    response = _post(client, nurse, PDF)
    assert response.status_code == 302
    row = db.session.scalar(select(ExternalTraining))
    import hashlib

    assert row.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.evidence_type == "application/pdf"
    assert row.recorded_by_id == admin.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "records.external_recorded")
    )
    assert event.details["reason"] == "Certificate shown by the nurse"
    page = client.get("/records/external").get_data(as_text=True)
    assert "CAR-T product training (manufacturer)" in page
    assert "External" in page
    download = client.get(f"/records/external/{row.id}/evidence")
    assert download.status_code == 200
    assert download.get_data() == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_pdf_or_picture_is_refused(client, auth, make_user):
    auth.login(make_user(role=Role.centre_admin))
    nurse = make_user()
    refused = ((b"<svg onload=alert(1)>", "x.pdf"), (b"MZ\x90\x00", "x.png"), (b"", "e.pdf"))
    for data, name in refused:
        response = _post(client, nurse, data, name=name)
        assert response.status_code == 422
    assert "must be a PDF file or a picture" in _post(client, nurse, b"GIF89a", "a.png").get_data(
        as_text=True
    )
    assert _count() == 0
    assert _post(client, nurse, PNG, "photo.png").status_code == 302


def test_another_centres_person_cannot_be_recorded(client, auth, make_user):
    auth.login(make_user(role=Role.centre_admin, centre="karolinska"))
    other = make_user(centre="skane")
    assert _post(client, other, PDF).status_code == 422
    assert _count() == 0


def test_evidence_is_private_to_those_who_may_see_the_record(client, auth, make_user):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    nurse = make_user(name="Nina Nurse")
    auth.login(admin)
    assert _post(client, nurse, PDF).status_code == 302
    row = db.session.scalar(select(ExternalTraining))
    url = f"/records/external/{row.id}/evidence"
    auth.logout()
    assert client.get(url).status_code in (302, 401)  # to the login page
    auth.login(make_user(centre="karolinska"))  # a colleague
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(nurse)
    assert client.get(url).status_code == 200
    assert "CAR-T product training" in client.get("/me/").get_data(as_text=True)


def test_the_inspection_pack_holds_the_evidence(client, auth, make_user, runner, tmp_path):
    auth.login(make_user(role=Role.centre_admin))
    nurse = make_user()
    assert _post(client, nurse, PDF).status_code == 302
    output = tmp_path / "pack.zip"
    result = runner.invoke(
        args=["lms", "inspection-pack", "--centre", "karolinska", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        evidence = [n for n in archive.namelist() if n.startswith("evidence/")]
        assert len(evidence) == 1
        assert archive.read(evidence[0]) == PDF
        assert "CAR-T product training" in archive.read("external-training.csv").decode("utf-8")
    assert runner.invoke(args=["lms", "verify-pack", str(output)]).exit_code == 0


def test_the_person_finds_it_in_their_data_download(client, auth, make_user):
    auth.login(make_user(role=Role.centre_admin))
    nurse = make_user()
    assert _post(client, nurse, PDF).status_code == 302
    auth.logout()
    auth.login(nurse)
    data = client.post("/auth/my-data.json").get_json()
    [row] = data["training_done_elsewhere"]
    assert row["title"] == "CAR-T product training (manufacturer)"
    assert "signatures" in data


def test_the_person_picker_searches_instead_of_listing_the_centre(client, auth, make_user):
    """Issue 17: at a centre of 2,000 staff the form offers the people a search finds (by
    name or e-mail, without JavaScript), never a dropdown of everyone."""
    admin = make_user(role=Role.centre_admin)
    nina = make_user(name="Nina Nurse", email="nina@example.com")
    make_user(name="Per Pharmacist", email="per@example.com")
    other = make_user(name="Nina Elsewhere", email="nina2@example.com", centre="skane")
    auth.login(admin)
    page = client.get("/records/external").get_data(as_text=True)
    assert "Nina Nurse" not in page
    assert "Per Pharmacist" not in page
    assert 'name="person_q"' in page
    page = client.get("/records/external?person_q=nIN").get_data(as_text=True)
    assert f'<option value="{nina.id}">Nina Nurse (nina@example.com)</option>' in page
    assert "Per Pharmacist" not in page
    assert "Nina Elsewhere" not in page  # another centre's
    assert "1 person at the centre matches" in page
    # Found or not, a person of another centre is refused and nothing is stored.
    response = _post(client, other, PDF)
    assert response.status_code == 422
    assert _count() == 0
    assert _post(client, nina, PDF).status_code == 302
    assert _count() == 1
