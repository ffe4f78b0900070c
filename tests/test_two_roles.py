"""A person may hold several roles (issue 17): an educator who is also their centre's admin
gets the pages of both, the centre admin's limited to their own centre, and never a site
admin's view of every centre."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.membership import services as membership
from lms.models import AuditEvent, Role, User
from lms.plugins.authoring.access import may_author
from lms.plugins.catalog.services import sees_drafts
from lms.plugins.certificates.services import may_download
from lms.plugins.quizzes import grants, stats
from lms.plugins.records import audit_query, external

BOTH = (Role.educator, Role.centre_admin)
OWNED = SimpleNamespace(owners=["both@example.com"])
NOT_OWNED = SimpleNamespace(owners=["someone@example.com"])


@pytest.fixture
def both(make_user):
    """An educator who is also Karolinska's centre admin."""
    return make_user(roles=BOTH, centre="karolinska", email="both@example.com", name="Bo Both")


def test_the_person_holds_both_roles_and_learner(both):
    assert both.roles == {Role.learner, Role.educator, Role.centre_admin}
    assert both.has_role(Role.educator)
    assert both.has_role(Role.centre_admin)
    assert both.has_role(Role.learner)
    assert not both.has_role(Role.site_admin)


def test_the_educators_rights_hold_for_their_own_courses(both):
    assert may_author(both, OWNED.owners)
    assert not may_author(both, NOT_OWNED.owners)
    assert stats.may_see(both, OWNED)
    assert not stats.may_see(both, NOT_OWNED)
    assert sees_drafts(both)


def test_extra_attempts_as_owner_anywhere_and_as_admin_at_home(both, make_user):
    away = make_user(centre="skane")
    home = make_user(centre="karolinska")
    quiz = SimpleNamespace(version=OWNED)
    other_quiz = SimpleNamespace(version=NOT_OWNED)
    assert grants.may_grant(both, quiz, away)  # the owner, whatever the centre
    assert grants.may_grant(both, other_quiz, home)  # the centre admin, at home
    assert not grants.may_grant(both, other_quiz, away)  # neither


def test_the_centre_admins_rights_stop_at_their_own_centre(both, make_user):
    home = make_user(centre="karolinska")
    away = make_user(centre="skane")
    for person, allowed in ((home, True), (away, False)):
        certificate = SimpleNamespace(user_id=person.id, user=person)
        assert may_download(both, certificate) is allowed
        assert external.may_record(both, person) is allowed
        assert audit_query.may_see_person(both, person) is allowed
        assert membership.may_decide(both, person, person.centre_id) is allowed


def test_the_navigation_shows_both_sets_of_pages_and_no_site_admins(client, auth, both):
    auth.login(both)
    html = client.get("/auth/profile").get_data(as_text=True)
    for label in ("Course editing", "Quiz statistics", "Members", "Requirements", "Audit trail"):
        assert f">{label}</a>" in html, label
    assert ">People</a>" not in html
    assert "Educator, Centre admin" in html  # the profile names both roles


@pytest.mark.parametrize(
    "url",
    [
        "/educator/courses/",
        "/educator/quizzes/",
        "/quizzes/extra-attempts",
        "/centre/members",
        "/centre/requirements",
        "/centre/matrix",
        "/centre/assignments",
        "/centre/import",
        "/centre/course-keys",
        "/centre/",
        "/records/audit",
        "/records/external",
    ],
)
def test_both_sets_of_pages_open(client, auth, both, url):
    auth.login(both)
    assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", ["/admin/users", "/centre/job-titles", "/sso/admin/"])
def test_no_site_admin_page_opens(client, auth, both, url):
    auth.login(both)
    assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize(
    "url",
    [
        "/centre/members?centre=skane",
        "/centre/requirements?centre=skane",
        "/centre/matrix?centre=skane",
        "/centre/assignments?centre=skane",
        "/centre/import?centre=skane",
        "/centre/people?centre=skane",
        "/records/audit?centre={skane}",
        "/records/external?centre=skane",
    ],
)
def test_another_centre_is_never_shown(client, auth, both, make_user, centres, url):
    away = make_user(centre="skane", name="Sven Skånsk")
    make_user(centre="karolinska", name="Karin Hemma")
    from lms import audit

    audit.record("person.updated", actor=away, subject=away)
    db.session.commit()
    auth.login(both)
    response = client.get(url.format(skane=centres["skane"].id))
    # 422: a centre admin's audit trail offers no centre to choose (nothing is shown).
    assert response.status_code in (200, 422), url
    html = response.get_data(as_text=True)
    assert "Sven Skånsk" not in html
    if "/members" in url or "/people" in url:
        assert "Karin Hemma" in html  # their own centre's instead


def test_another_centres_history_is_not_found(client, auth, both, make_user):
    away = make_user(centre="skane")
    home = make_user(centre="karolinska")
    auth.login(both)
    assert client.get(f"/records/people/{away.id}/history").status_code == 404
    assert client.get(f"/records/people/{home.id}/history").status_code == 200


def test_the_report_is_the_centres_not_the_networks(client, auth, both):
    auth.login(both)
    html = client.get("/centre/?centre=skane").get_data(as_text=True)
    assert "Training at Karolinska Universitetssjukhuset" in html
    assert 'name="centre"' not in html  # no centre picker: that is a site admin's
    assert 'href="/centre/?view=courses"' in html


def test_the_report_of_their_own_courses_counts_people_without_names(
    client, auth, both, make_user, make_course
):
    owned = make_course("owned-course", title="Owned Course", course={"owners": [both.email]})
    make_course("other-course", title="Other Course")
    away = make_user(centre="skane", name="Sven Skånsk")
    from lms.plugins.enrolment import services as enrolment

    enrolment.enrol(away, owned.course)
    db.session.commit()
    auth.login(both)
    html = client.get("/centre/?view=courses&centre=skane").get_data(as_text=True)
    assert "Training in your courses" in html
    assert "Owned Course" in html
    assert "Other Course" not in html
    assert "Skånes universitetssjukhus" in html  # counted per centre
    assert "Sven Skånsk" not in html  # never named
    assert "/centre/people" not in html


def test_a_plain_centre_admin_cannot_ask_for_the_courses_view(client, auth, make_user):
    auth.login(make_user(role=Role.centre_admin, centre="karolinska"))
    html = client.get("/centre/?view=courses").get_data(as_text=True)
    assert "Training at Karolinska Universitetssjukhuset" in html
    assert "Your courses at every centre" not in html


def test_site_admin_sets_two_roles_and_the_audit_names_both(client, auth, make_user, centres):
    admin = make_user(role=Role.site_admin)
    person = make_user(role=Role.educator, name="Tove Två")
    auth.login(admin)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert '<input checked id="roles-0" name="roles" type="checkbox" value="educator">' in page
    assert '<input id="roles-1" name="roles" type="checkbox" value="centre_admin">' in page
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "roles": ["educator", "centre_admin"],
            "centre": str(centres["karolinska"].id),
            "reason": "Runs the unit's training too",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, person.id)
    assert stored.roles == {Role.learner, Role.educator, Role.centre_admin}
    assert {row.granted_by_id for row in stored.role_rows} == {None, admin.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.changed"))
    assert event.details["old"] == ["educator"]
    assert event.details["new"] == ["educator", "centre_admin"]
    history = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Changed the role from Educator to Educator, Centre admin" in history
    swedish = client.get(f"/admin/users/{person.id}", headers={"Accept-Language": "sv"})
    assert "Utbildare, Centrumadministratör" in swedish.get_data(as_text=True)

    # Taking one role away keeps the other.
    client.post(
        f"/admin/users/{person.id}",
        data={"roles": ["centre_admin"], "centre": str(centres["karolinska"].id), "reason": "x"},
    )
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == {Role.learner, Role.centre_admin}


def test_a_site_admin_who_is_also_a_centre_admin_keeps_every_centre(client, auth, make_user):
    person = make_user(roles=(Role.centre_admin, Role.site_admin), centre="karolinska")
    auth.login(person)
    html = client.get("/centre/members?centre=skane").get_data(as_text=True)
    assert "Skånes universitetssjukhus" in html


def test_the_session_loads_the_person_and_their_roles_in_one_statement(app, both):
    from lms.security import load_user
    from tests.sql import counting

    key = both.get_id()
    db.session.remove()
    with app.test_request_context(), counting(transaction_control=False) as sent:
        user = load_user(key)
        assert user.roles == {Role.learner, *BOTH}
        assert user.centre.slug == "karolinska"
    assert len(sent) == 1, sent
