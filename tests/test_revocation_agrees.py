"""A revoked certificate, seen the same way by everyone: the learner (course page, /me/), the
centre (people list, CSV) and the verification page agree, the learner is told to retake,
and retaking really works. A site admin revokes from the admin's page of the person."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import codes
from lms.plugins.certificates.models import Certificate

SLUG = "cell-handling"


def complete_all(client, modules: int = 3) -> None:
    for n in range(1, modules + 1):
        response = client.post(f"/courses/{SLUG}/module-{n}/complete")
        assert response.status_code == 302


def learner_sees(client) -> tuple[str, str]:
    course = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    me = client.get("/me/").get_data(as_text=True)
    return course, me


def test_the_admins_page_of_a_person_lists_their_certificates_with_the_revoke_action(
    client, auth, make_user, make_course
):
    make_course(SLUG, modules=3, quiz_modules=())
    learner = make_user(centre="skane", name="Rut Retake")
    auth.login(learner)
    client.post(f"/courses/{SLUG}/enrol")
    complete_all(client)
    auth.logout()
    (certificate,) = db.session.scalars(select(Certificate)).all()
    shown = codes.display(certificate.code)
    auth.login(make_user(role=Role.site_admin))
    person_page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert shown in person_page
    revoke_link = f"/certificates/{shown}/revoke?next=/admin/users/{learner.id}"
    assert revoke_link in person_page.replace("%2F", "/")
    form = client.get(revoke_link).get_data(as_text=True)
    assert "Revoking cannot be undone" in form  # the confirmation, with the reason field
    response = client.post(revoke_link, data={"reason": "Done on a colleague's account"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{learner.id}")
    person_page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert "Revoked" in person_page
    assert revoke_link not in person_page.replace("%2F", "/")
    # A stranger's "next" never leads away from the site.
    outside = client.post(
        f"/certificates/{shown}/revoke?next=//evil.example/", data={"reason": "x"}
    )
    assert "evil.example" not in outside.headers.get("Location", "")


def test_after_a_revocation_learner_centre_and_verification_agree_and_retaking_works(
    client, auth, make_user, make_course
):
    make_course(SLUG, modules=3, quiz_modules=())
    learner = make_user(centre="skane", name="Rut Retake")
    admin = make_user(role=Role.site_admin)
    centre_admin = make_user(role=Role.centre_admin, centre="skane")

    auth.login(learner)
    assert client.post(f"/courses/{SLUG}/enrol").status_code == 302
    complete_all(client)
    course, me = learner_sees(client)
    assert "3 of 3 modules done" in course
    assert "Completed" in course
    (certificate,) = db.session.scalars(select(Certificate)).all()
    shown = codes.display(certificate.code)
    auth.logout()

    auth.login(admin)
    response = client.post(
        f"/certificates/{shown}/revoke", data={"reason": "Done on a colleague's account"}
    )
    assert response.status_code == 302
    auth.logout()

    # Verification: revoked.
    verification = client.get(f"/certificates/{shown}").get_data(as_text=True)
    assert "Revoked certificate" in verification

    # The learner: not completed any more, and told to retake.
    auth.login(learner)
    course, me = learner_sees(client)
    for page in (course, me):
        assert "Your certificate of this course was revoked" in page
        assert "Take the course again" in page or "take the course again" in page
    assert "0 of 3 modules done" in course
    assert not re.search(r'<span class="badge done">Completed</span>', course)
    assert "Revoked" in me  # the certificates panel
    auth.logout()

    # The centre: not completed, with the revocation marked.
    auth.login(centre_admin)
    people = client.get("/centre/people").get_data(as_text=True)
    row = people[people.index("Rut Retake") :]
    row = row[: row.index("</tr>")]
    assert "Enrolled" in row
    assert "Certificate revoked" in row
    csv = client.get("/centre/report.csv").get_data(as_text=True)
    line = next(item for item in csv.splitlines() if "Rut Retake" in item)
    assert "Completed" not in line
    auth.logout()

    # Retaking: the same modules again give a new completion and a new certificate.
    auth.login(learner)
    complete_all(client)
    course, me = learner_sees(client)
    assert "3 of 3 modules done" in course
    assert '<span class="badge done">Completed</span>' in course
    assert "Your certificate of this course was revoked" not in course
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert len(certificates) == 2
    assert certificates[0].revoked_at is not None
    assert certificates[1].revoked_at is None
    auth.logout()
    fresh = codes.display(certificates[1].code)
    assert "Valid certificate" in client.get(f"/certificates/{fresh}").get_data(as_text=True)
    auth.login(centre_admin)
    csv = client.get("/centre/report.csv").get_data(as_text=True)
    line = next(item for item in csv.splitlines() if "Rut Retake" in item)
    assert ";Completed" in line
