"""The people list: filters, pagination, and bad filter values."""

from __future__ import annotations

import re

from lms.models import Profession
from lms.plugins.reports.people_list import PAGE_SIZE


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)<br>', html)


def test_lists_everyone_with_status_due_date_and_certificate(client, login, known):
    login(known.admin)
    html = client.get("/centre/people").get_data(as_text=True)
    assert "Rows found: 13" in html  # and the admin, who has no training record yet
    assert _names(html)[:3] == ["Anna Åkesson", "Bo Öhman", "Cecilia Ek"]
    assert "Expiring soon" in html
    assert "Certificate revoked" in html
    assert "Deactivated" in html  # Ingrid, counted for the course she completed
    assert "/certificates/0001-" in html  # a link to the public verification page


def test_filter_by_status(client, login, known):
    login(known.admin)
    html = client.get("/centre/people?status=expired").get_data(as_text=True)
    assert _names(html) == ["Bo Öhman"]
    html = client.get("/centre/people?status=overdue").get_data(as_text=True)
    assert _names(html) == ["David Berg"]
    assert "Rows found: 1" in html


def test_filter_by_course_and_status(client, login, known):
    login(known.admin)
    html = client.get("/centre/people?course=course-b&status=completed").get_data(as_text=True)
    assert sorted(_names(html)) == ["Cecilia Ek", "Eva Lind", "Ingrid Vik"]


def test_filter_by_profession(client, login, known):
    login(known.admin)
    html = client.get("/centre/people?profession=pharmacist").get_data(as_text=True)
    assert _names(html) == ["Bo Öhman", "Hans Nord", "Johan Sjö"]


def test_bad_filter_values_are_explained_and_ignored(client, login, known):
    login(known.admin)
    response = client.get("/centre/people?status=bogus&course=nope")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html
    assert 'class="error-summary"' in html
    assert "Rows found: 13" in html  # the bad filters are left out, not half-applied
    # The page number comes from the pager's links, not from a person: junk is a 400.
    assert client.get("/centre/people?page=abc").status_code == 400


def test_pagination(client, login, known, make_user, records):
    for n in range(PAGE_SIZE + 5):
        user = make_user(name=f"Zz Person {n:03d}", centre="skane", profession=Profession.other)
        records.enrol(user, known.b1)
    login(known.admin)
    first = client.get("/centre/people").get_data(as_text=True)
    assert f"Rows found: {13 + PAGE_SIZE + 5}" in first
    assert len(_names(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    second = client.get("/centre/people?page=2").get_data(as_text=True)
    assert len(_names(second)) == 18
    assert set(_names(first)).isdisjoint(_names(second))
    assert 'rel="prev"' in second
    beyond = client.get("/centre/people?page=99").get_data(as_text=True)
    assert "Page 2 of 2" in beyond
    assert _names(beyond) == _names(second)
    filtered = client.get("/centre/people?profession=other&page=2").get_data(as_text=True)
    assert len(_names(filtered)) == 5
    assert "profession=other" in re.search(r'href="([^"]*)" rel="prev"', filtered).group(1)


def test_learner_and_educator_may_not_see_people(client, login, known, make_user):
    login(known.educator)
    assert client.get("/centre/people").status_code == 403
    assert client.get("/centre/report.csv").status_code == 403
    assert client.get("/centre/report.xlsx").status_code == 403


def test_learner_gets_403(client, login, make_user):
    login(make_user())
    for url in ("/centre/", "/centre/people", "/centre/report.csv", "/centre/report.xlsx"):
        assert client.get(url).status_code == 403


def test_lists_people_without_any_training_record_and_searches_by_name(
    client, login, known, make_user
):
    new = make_user(name="Nina Ny", email="nina.ny@sus.example", centre="skane")
    make_user(name="Nils Gone", centre="skane", active=False)
    make_user(name="Nora Umeå", centre="umea")
    login(known.admin)
    html = client.get("/centre/people").get_data(as_text=True)
    assert "Rows found: 14" in html  # the 12 rows, and the admin and Nina who have none
    assert "Nina Ny" in _names(html)
    assert "No training yet" in html
    assert "Nils Gone" not in html
    assert "Nora Umeå" not in html
    html = client.get("/centre/people?status=no_record").get_data(as_text=True)
    assert "Nina Ny" in _names(html)
    assert "Anna Åkesson" not in _names(html)
    # A course filter shows that course's rows only.
    html = client.get("/centre/people?course=course-b").get_data(as_text=True)
    assert "Nina Ny" not in _names(html)
    # Search by name or e-mail, any letter case, å ä ö too.
    html = client.get("/centre/people", query_string={"q": "ÅKESS"}).get_data(as_text=True)
    assert _names(html) == ["Anna Åkesson"] * len(_names(html))
    assert _names(html)
    html = client.get("/centre/people", query_string={"q": "nina.ny@"}).get_data(as_text=True)
    assert _names(html) == ["Nina Ny"]
    assert '<label for="q">Name or e-mail</label>' in html
    csv = client.get("/centre/report.csv", query_string={"q": "nina"}).get_data(as_text=True)
    assert "Nina Ny" in csv
    assert "Anna Åkesson" not in csv
    assert new.id


def test_a_course_never_published_is_not_offered_to_centre_admins(
    client, auth, make_user, make_course
):
    """A draft nobody could take has no records: the centre's course filters leave it out;
    a course published once stays, even with a newer draft."""
    from lms.models import Role

    shown = make_course("published-course")
    hidden = make_course("drafty", status="draft")
    auth.login(make_user(role=Role.centre_admin))
    for url in ("/centre/people", "/centre/"):
        page = client.get(url).get_data(as_text=True)
        assert shown.title in page, url
        assert hidden.title not in page, url
