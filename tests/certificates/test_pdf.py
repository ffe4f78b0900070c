"""The PDF: a real reader finds the name, course and code; its QR code leads to the
verification page; only the owner, their centre admin and site admins get it."""

from __future__ import annotations

import re

import pytest

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import codes
from tests.certificates.conftest import NAME, run, tool


def _pdf_url(certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}.pdf"


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return run(tool("pdftotext"), "-layout", str(path), "-")


def test_pdf_opens_and_holds_name_course_and_code(client, auth, certificate, tmp_path):
    auth.login(certificate.user)
    response = client.get(_pdf_url(certificate), headers={"Accept-Language": "sv"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    shown = codes.display(certificate.code)
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="certificate-{shown}.pdf"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    text = _text(response.data, tmp_path)
    assert NAME in text
    assert "Gene Therapy Basics" in text
    assert shown in text
    assert certificate.content_hash[:12] in text
    assert "Skånes universitetssjukhus" in text
    assert "Sjuksköterska" in text  # the page's language (Swedish)
    assert "Kursintyg" in text
    info = run(tool("pdfinfo"), str(tmp_path / "certificate.pdf"))
    assert "Pages:           1" in info
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d* pts \(A4\)", info)  # landscape
    assert "Author:          ATMP Learn" in info
    assert NAME in info  # in the title


def test_pdf_qr_code_decodes_to_the_verification_url(client, auth, certificate, tmp_path):
    auth.login(certificate.user)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(_pdf_url(certificate)).data)
    run(tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page"))
    decoded = run(tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "page.png")).strip()
    assert decoded == f"https://learn.atmp.test/certificates/{codes.display(certificate.code)}"
    assert client.get(decoded.removeprefix("https://learn.atmp.test")).status_code == 200


@pytest.mark.parametrize("config_overrides", [{"LMS_BASE_URL": "https://learn.atmp.se/"}])
def test_qr_uses_the_public_base_url(client, auth, certificate, tmp_path):
    auth.login(certificate.user)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(_pdf_url(certificate)).data)
    run(tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page"))
    decoded = run(tool("zbarimg"), "--quiet", "--raw", str(tmp_path / "page.png")).strip()
    assert decoded == f"https://learn.atmp.se/certificates/{codes.display(certificate.code)}"
    assert decoded in _text(pdf.read_bytes(), tmp_path)


def test_pdf_is_in_the_language_of_the_page_it_was_asked_from(
    client, auth, make_user, make_course, complete, tmp_path
):
    """Headings, dates and the course title follow the page (the course's Swedish title
    where it has one); the name, the code and the verification address never change."""
    learner = make_user(locale="en", name="Zoë Wróbel")
    version = make_course(
        "gene-basics", title="Gene basics", swedish=True, course={"certificate_valid_months": 6}
    )
    certificate = complete(learner, version)
    shown = codes.display(certificate.code)
    auth.login(learner)
    english = _text(client.get(_pdf_url(certificate)).data, tmp_path)
    assert "Certificate of completion" in english
    assert "Gene basics" in english
    assert "Valid until" in english
    assert f"https://learn.atmp.test/certificates/{shown}" in english
    learner.locale = "sv"  # the same learner, now reading Swedish pages
    db.session.commit()
    swedish = _text(client.get(_pdf_url(certificate)).data, tmp_path)
    assert "Kursintyg" in swedish
    assert "Certificate of completion" not in swedish
    assert "Kurs gene-basics" in swedish  # the course's Swedish title
    assert "Gene basics" not in swedish
    assert "Zoë Wróbel" in swedish
    assert "Sjuksköterska" in swedish
    assert f"https://learn.atmp.test/certificates/{shown}" in swedish
    admin = make_user(role=Role.site_admin, locale="en")
    auth.logout()
    auth.login(admin)  # whoever asks, the page's language decides
    assert "Certificate of completion" in _text(client.get(_pdf_url(certificate)).data, tmp_path)


def test_no_expiry_and_no_score_are_said_plainly(
    client, auth, make_user, make_course, complete, tmp_path
):
    learner = make_user(locale="en")
    certificate = complete(learner, make_course())
    auth.login(learner)
    text = _text(client.get(_pdf_url(certificate)).data, tmp_path)
    assert "Does not expire" in text
    assert "Score" in text


def test_lower_case_code_redirects_to_the_canonical_pdf_url(client, auth, certificate):
    auth.login(certificate.user)
    response = client.get(f"/certificates/{certificate.code.lower()}.pdf")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(_pdf_url(certificate))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("same_centre_admin", 200),
        ("other_centre_admin", 404),
        ("other_learner_same_centre", 404),
        ("educator_same_centre", 404),
        ("site_admin_elsewhere", 200),
    ],
)
def test_pdf_access(client, auth, make_user, certificate, who, expected):
    users = {
        "owner": lambda: certificate.user,
        "same_centre_admin": lambda: make_user(role=Role.centre_admin, centre="skane"),
        "other_centre_admin": lambda: make_user(role=Role.centre_admin, centre="karolinska"),
        "other_learner_same_centre": lambda: make_user(centre="skane"),
        "educator_same_centre": lambda: make_user(role=Role.educator, centre="skane"),
        "site_admin_elsewhere": lambda: make_user(role=Role.site_admin, centre="umea"),
    }
    auth.login(users[who]())
    response = client.get(_pdf_url(certificate))
    assert response.status_code == expected
    assert (response.mimetype == "application/pdf") == (expected == 200)


def test_anonymous_visitor_is_sent_to_log_in(client, certificate):
    response = client.get(_pdf_url(certificate))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_centre_admin_follows_the_learner_to_their_new_centre(
    client, auth, make_user, centres, certificate
):
    from lms.extensions import db

    certificate.user.centre_id = centres["karolinska"].id
    db.session.commit()
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    assert client.get(_pdf_url(certificate)).status_code == 404
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="karolinska"))
    assert client.get(_pdf_url(certificate)).status_code == 200


def test_unknown_code_pdf_is_404(client, auth, make_user):
    auth.login(make_user(role=Role.site_admin))
    assert client.get("/certificates/0000-0000-0000-0000-0000-0000-0000.pdf").status_code == 404
    assert client.get("/certificates/nonsense.pdf").status_code == 404
