"""The inspection pack: built as a file, signed; verify-pack checks every hash offline and
names a changed file."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role
from tests.conftest import PASSWORD
from tests.records.helpers import certificates, read_through, signed_course


def _signed_learner(client, auth, make_user, make_course, name="Siri Signer"):
    version = signed_course(make_course)
    learner = make_user(name=name)
    auth.login(learner)
    read_through(client, version)
    assert client.post("/records/sign/sop-course", data={"password": PASSWORD}).status_code == 302
    auth.logout()
    return learner


def _pack(runner, tmp_path, *args):
    output = tmp_path / "pack.zip"
    result = runner.invoke(
        args=["lms", "inspection-pack", "--centre", "karolinska", "--output", str(output), *args]
    )
    assert result.exit_code == 0, result.output
    return output


def _rewrite(source, target, name, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, change(data) if info.filename == name else data)


def test_a_pack_verifies_and_holds_records_certificates_signatures_and_audit(
    client, auth, make_user, make_course, runner, tmp_path
):
    learner = _signed_learner(client, auth, make_user, make_course)
    make_user(name="Other Centre", centre="skane")
    [certificate] = certificates(learner.id)
    output = _pack(runner, tmp_path)
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        records = archive.read("training-records.csv").decode("utf-8-sig")
        signatures = archive.read("signatures.csv").decode("utf-8-sig")
        trail = archive.read("audit-trail.csv").decode("utf-8-sig")
        pdf = archive.read(f"certificates/{certificate.code}.pdf")
    assert {
        "training-records.csv", "training-records.xlsx", "signatures.csv", "audit-trail.csv",
        f"certificates/{certificate.code}.pdf", "manifest.json", "manifest.sig.json",
    } <= names  # fmt: skip
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sig.json"}
    assert pdf.startswith(b"%PDF")
    [row] = list(csv.DictReader(io.StringIO(records), delimiter=";"))
    assert row["name"] == "Siri Signer"
    assert row["certificate_code"] == certificate.code
    assert row["signature_meaning"].startswith("I have read and understood Sop Course")
    assert "Siri Signer" in signatures
    assert ";records.signed;Siri Signer;Siri Signer;" in trail
    assert "Other Centre" not in records + trail
    result = runner.invoke(args=["lms", "verify-pack", str(output)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "records.pack_built"))
    assert event.details["centre"] == "karolinska"


def test_one_changed_byte_fails_verify_pack_naming_the_file(
    client, auth, make_user, make_course, runner, tmp_path
):
    learner = _signed_learner(client, auth, make_user, make_course)
    [certificate] = certificates(learner.id)
    output = _pack(runner, tmp_path)
    name = f"certificates/{certificate.code}.pdf"
    changed = tmp_path / "changed.zip"
    _rewrite(output, changed, name, lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:])
    result = runner.invoke(args=["lms", "verify-pack", str(changed)])
    assert result.exit_code == 1
    assert f"FAILED {name}: SHA-256 differs" in result.output
    assert result.output.count("FAILED") == 1


def test_a_changed_manifest_fails_its_signature(
    client, auth, make_user, make_course, runner, tmp_path
):
    _signed_learner(client, auth, make_user, make_course)
    output = _pack(runner, tmp_path)
    changed = tmp_path / "changed.zip"
    _rewrite(output, changed, "manifest.json", lambda data: data.replace(b"karolinska", b"x"))
    result = runner.invoke(args=["lms", "verify-pack", str(changed)])
    assert result.exit_code == 1
    assert "FAILED manifest.json: the signature does not match" in result.output


def test_a_flipped_byte_in_the_zip_itself_names_the_file(
    client, auth, make_user, make_course, runner, tmp_path
):
    _signed_learner(client, auth, make_user, make_course)
    output = _pack(runner, tmp_path)
    with zipfile.ZipFile(output) as archive:
        info = archive.getinfo("signatures.csv")
    data = bytearray(output.read_bytes())
    header = info.header_offset  # the local header's own name and extra lengths
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    data[start + 5] ^= 0xFF
    output.write_bytes(bytes(data))
    result = runner.invoke(args=["lms", "verify-pack", str(output)])
    assert result.exit_code == 1
    assert "FAILED signatures.csv" in result.output


def test_a_centre_admin_downloads_their_centres_pack(
    client, auth, make_user, make_course, tmp_path
):
    _signed_learner(client, auth, make_user, make_course)
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    auth.login(admin)
    page = client.get("/centre/inspection-pack")
    assert page.status_code == 200
    assert "Skåne" not in page.get_data(as_text=True)
    response = client.post("/centre/inspection-pack", data={"centre": str(admin.centre_id)})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    path = tmp_path / "web.zip"
    path.write_bytes(response.get_data())
    from lms.plugins.records.verify import verify

    verdict = verify(path)
    assert verdict.ok, verdict.problems
    assert verdict.checked >= 5


def test_a_centre_admin_cannot_ask_for_another_centres_pack(client, auth, make_user, centres):
    auth.login(make_user(role=Role.centre_admin, centre="karolinska"))
    response = client.post("/centre/inspection-pack", data={"centre": str(centres["skane"].id)})
    assert response.status_code == 422
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "records.pack_built"))
        is None
    )


def test_the_pack_page_names_courses_in_the_pages_language(client, auth, make_user, make_course):
    """A Swedish page lists the courses by their Swedish titles (seen by a new user: the
    inspection pack listed English ones)."""
    make_course("cell-basics", title="Cell Basics", swedish=True)
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    auth.login(admin)
    swedish = client.get("/centre/inspection-pack", headers={"Accept-Language": "sv"})
    english = client.get("/centre/inspection-pack", headers={"Accept-Language": "en"})
    assert "Kurs cell-basics" in swedish.get_data(as_text=True)
    assert "Cell Basics" in english.get_data(as_text=True)
    assert "Cell Basics" not in swedish.get_data(as_text=True)
