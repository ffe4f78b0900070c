"""Destructive actions confirm first, also without JavaScript (issue 17): a POST without
``confirm=yes`` answers with a page saying what will happen and changes nothing; the page's
button posts the same form with ``confirm=yes``. "Anonymise" is offered only once it would
be done, and the page says when that is."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms.clock import utcnow
from lms.extensions import db
from lms.models import Role
from lms.plugins.enrolment.models import Enrolment


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_deactivating_asks_first_and_says_what_happens(app, client, auth, make_user):
    admin = make_user(role=Role.site_admin)
    person = make_user(name="Karin Karlsson", email="karin@example.com")
    auth.login(admin)
    response = client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Deactivate Karin Karlsson?</h1>" in page
    assert "karin@example.com) is signed out everywhere" in page
    days = app.config["LMS_RETENTION_DAYS"]
    assert f"After {days} days their name and e-mail address may be anonymised." in page
    assert f'href="/admin/users/{person.id}"' in page  # cancel goes back
    db.session.refresh(person)
    assert person.active is True  # nothing changed yet
    fields = hidden_fields(page)
    assert fields["active"] == "0"
    assert fields["confirm"] == "yes"
    assert "csrf_token" in fields
    client.post(f"/admin/users/{person.id}/active", data=fields)
    db.session.refresh(person)
    assert person.active is False


def test_reactivating_needs_no_confirmation(client, auth, make_user):
    from lms.auth import services

    admin = make_user(role=Role.site_admin)
    person = make_user()
    services.set_active(person, False, actor=admin)
    auth.login(admin)
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "1"}).status_code == 302
    db.session.refresh(person)
    assert person.active is True


def test_anonymise_is_offered_only_when_it_would_be_done(app, client, auth, make_user):
    from lms.auth import services

    admin = make_user(role=Role.site_admin)
    person = make_user(name="Olle Old")
    services.set_active(person, False, actor=admin)
    auth.login(admin)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Anonymising becomes possible on" in page
    assert f'action="/admin/users/{person.id}/anonymise"' not in page
    person.deactivated_at = utcnow() - timedelta(days=app.config["LMS_RETENTION_DAYS"] + 1)
    db.session.commit()
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'action="/admin/users/{person.id}/anonymise"' in page
    asked = client.post(f"/admin/users/{person.id}/anonymise").get_data(as_text=True)
    assert "<h1>Anonymise Olle Old?</h1>" in asked
    assert "cannot be undone" in asked
    db.session.refresh(person)
    assert person.name == "Olle Old"
    client.post(f"/admin/users/{person.id}/anonymise", data=hidden_fields(asked))
    db.session.refresh(person)
    assert person.anonymised_at is not None


def test_leaving_a_course_asks_first(client, auth, make_user, make_course):
    make_course("open-course", modules=1, quiz_modules=())
    learner = make_user()
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    response = client.post("/courses/open-course/unenrol")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Leave " in page
    assert "Your progress, quiz attempts and any certificate are kept" in page
    assert db.session.scalar(select(Enrolment.status)) == "active"
    client.post("/courses/open-course/unenrol", data=hidden_fields(page))
    assert db.session.scalar(select(Enrolment.status)) == "withdrawn"


def test_removing_a_centres_email_domain_asks_first(client, auth, make_user, centres):
    from lms.membership import domains
    from lms.models import CentreEmailDomain

    admin = make_user(role=Role.site_admin, centre=None)
    row = domains.add(centres["karolinska"], "regionstockholm.se", actor=admin)
    db.session.commit()
    domain_id = row.id
    auth.login(admin)
    asked = client.post(f"/centre/members/domains/{domain_id}/delete").get_data(as_text=True)
    assert "<h1>Remove the domain regionstockholm.se?</h1>" in asked
    assert "Its people stay members." in asked
    assert db.session.get(CentreEmailDomain, domain_id) is not None  # nothing yet
    client.post(f"/centre/members/domains/{domain_id}/delete", data=hidden_fields(asked))
    db.session.expire_all()
    assert db.session.get(CentreEmailDomain, domain_id) is None
