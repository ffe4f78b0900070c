"""Through the public URLs only: enrol, finish every module, and the certificate appears on
/me/ and verifies. (The other plugins are reached by URL and signal, never imported.)"""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.certificates import codes
from lms.plugins.certificates.models import Certificate


def test_finishing_a_course_issues_a_certificate_shown_on_the_dashboard(
    client, auth, make_user, make_course
):
    make_course("cell-basics", title="Cell Basics", quiz_modules=())
    learner = make_user(name="Åsa Öberg", locale="en")
    auth.login(learner)
    assert client.post("/courses/cell-basics/enrol").status_code in (302, 303)
    for number in (1, 2):
        client.post(f"/courses/cell-basics/module-{number}/complete")
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    assert certificate.course_title == "Cell Basics"
    dashboard = client.get("/me/").get_data(as_text=True)
    assert "My certificates" in dashboard
    assert f"/certificates/{codes.display(certificate.code)}.pdf" in dashboard
    # Marking the last module again (a retry) issues nothing new.
    client.post("/courses/cell-basics/module-2/complete")
    assert len(db.session.scalars(select(Certificate)).all()) == 1
    page = client.get(f"/certificates/{codes.display(certificate.code)}").get_data(as_text=True)
    assert "Valid certificate" in page
    assert "Åsa Öberg" in page
