"""Words (issue 17): every page shows a course's title in the page's language where the
course has it; plurals follow the number; Swedish says "Genomförda", "Ska vara klar
senast" and "Giltigt till" rather than the easily confused "Förfallodatum"."""

from __future__ import annotations

from datetime import date, timedelta

from lms.models import Role

SV = {"Accept-Language": "sv"}


def test_swedish_assignments_page_shows_swedish_course_titles(client, auth, make_user, make_course):
    version = make_course("cell-basics", title="Cell Basics", swedish=True, modules=1)
    admin = make_user(role=Role.centre_admin, centre="skane")  # the browser picks the language
    nurse = make_user(centre="skane", name="Åsa Öberg")
    auth.login(admin)
    due = date.today() + timedelta(days=10)
    done = client.post(
        "/centre/assignments",
        data={
            "course": version.course_id,
            "target": "person",
            "person": nurse.id,
            "due_on": due.isoformat(),
        },
        headers=SV,
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Tilldelad till 1 person (" in done  # not "1 personer"
    listing = done[done.index('id="list-title"') :]
    assert "Kurs cell-basics" in listing
    assert "Cell Basics" not in listing
    assert "Ska vara klar senast" in done
    assert "Förfallodatum" not in done
    english = client.get("/centre/assignments", headers={"Accept-Language": "en"})
    text = english.get_data(as_text=True)
    assert "Cell Basics" in text[text.index('id="list-title"') :]


def test_english_me_shows_english_certificate_titles_and_swedish_headings(
    client, auth, make_user, make_course
):
    make_course(
        "cell-basics",
        title="Cell Basics",
        swedish=True,
        modules=1,
        quiz_modules=(),
        course={"certificate_valid_months": 12},
    )
    learner = make_user(locale="sv")  # the certificate is issued with the Swedish title
    auth.login(learner)
    client.post("/courses/cell-basics/enrol")
    client.post("/courses/cell-basics/module-1/complete")
    client.post("/lang", data={"lang": "en", "next": "/me/"})
    english = client.get("/me/").get_data(as_text=True)
    certificates = english[english.index('id="certificates-heading"') :]
    assert "Cell Basics" in certificates
    assert "Kurs cell-basics" not in certificates
    client.post("/lang", data={"lang": "sv", "next": "/me/"})
    swedish = client.get("/me/").get_data(as_text=True)
    assert '<h2 id="completed-title">Genomförda</h2>' in swedish
    assert "Giltigt till" in swedish
    assert "Kurs cell-basics" in swedish[swedish.index('id="certificates-heading"') :]
