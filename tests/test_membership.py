"""Centre membership: a person asks, the centre decides; moves keep the history; e-mail
domains count only for a proven address; every change is audited and announced."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.extensions import db
from lms.models import AuditEvent, CentreMembership, MembershipStatus, Role, User
from tests.mailbox import bodies_to


def rows_of(user) -> list[CentreMembership]:
    return list(
        db.session.scalars(
            select(CentreMembership)
            .where(CentreMembership.user_id == user.id)
            .order_by(CentreMembership.id)
        )
    )


def ask(client, centre) -> None:
    response = client.post("/auth/profile/centre", data={"centre": str(centre.id)})
    assert response.status_code == 302


@pytest.fixture
def changes(app):
    """The membership_changed payloads this test causes."""
    seen = []

    def receiver(sender, payload, **_extra):
        seen.append(payload)

    events.connect(app, events.membership_changed, receiver)
    yield seen
    events.membership_changed.disconnect(receiver, sender=app)


def test_ask_then_the_centre_admin_confirms(client, auth, make_user, centres, changes):
    person = make_user(centre=None, name="Pia Person")
    admin = make_user(role=Role.centre_admin, centre="umea")
    auth.login(person)
    ask(client, centres["umea"])
    assert "You asked to join Norrlands universitetssjukhus" in client.get(
        "/auth/profile"
    ).get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    page = client.get("/centre/members").get_data(as_text=True)
    assert "Pia Person" in page
    (request_row,) = rows_of(person)
    response = client.post(
        f"/centre/members/requests/{request_row.id}", data={"decision": "confirm"}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.centre_id == centres["umea"].id
    db.session.refresh(request_row)
    assert (request_row.status, request_row.decided_by_id) == (MembershipStatus.confirmed, admin.id)
    assert [(c.old_centre_id, c.new_centre_id, c.via, c.actor_id) for c in changes] == [
        (None, centres["umea"].id, "admin", admin.id)
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.confirmed"))
    assert (event.actor_id, event.subject_id, event.details["new_centre"]) == (
        admin.id,
        person.id,
        "umea",
    )


def test_a_move_ends_the_old_membership_and_the_old_centre_keeps_it(
    client, auth, make_user, centres, changes
):
    person = make_user(centre="skane", name="Mats Mover")
    auth.login(person)
    ask(client, centres["umea"])
    db.session.refresh(person)
    assert person.centre_id == centres["skane"].id  # asking moves nothing
    auth.logout()
    skane_admin = make_user(role=Role.centre_admin, centre="skane")
    auth.login(skane_admin)
    page = client.get("/centre/members").get_data(as_text=True)
    assert "Asked to move to Norrlands universitetssjukhus" in page
    waiting = rows_of(person)[-1]
    # Skåne's admin cannot decide a request to Umeå: it is not there for them.
    assert client.post(f"/centre/members/requests/{waiting.id}").status_code == 404
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="umea"))
    client.post(f"/centre/members/requests/{waiting.id}", data={"decision": "confirm"})
    db.session.refresh(person)
    assert person.centre_id == centres["umea"].id
    old, new = rows_of(person)
    assert (old.status, old.moved_to_id) == (MembershipStatus.ended, centres["umea"].id)
    assert old.ended_at is not None
    assert new.status == MembershipStatus.confirmed
    assert [(c.old_centre_id, c.new_centre_id) for c in changes] == [
        (centres["skane"].id, centres["umea"].id)
    ]
    auth.logout()
    auth.login(skane_admin)
    page = client.get("/centre/members").get_data(as_text=True)
    assert re.search(r"Mats Mover.*Moved to Norrlands universitetssjukhus on", page, re.S)


def test_decline_needs_a_reason_and_the_person_sees_it(client, auth, make_user, centres):
    person = make_user(centre=None)
    auth.login(person)
    ask(client, centres["umea"])
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="umea"))
    (row,) = rows_of(person)
    response = client.post(f"/centre/members/requests/{row.id}", data={"decision": "decline"})
    assert response.status_code == 422
    assert "Say why." in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == MembershipStatus.requested
    client.post(
        f"/centre/members/requests/{row.id}",
        data={"decision": "decline", "reason": "Not on our staff list"},
    )
    db.session.refresh(row)
    assert (row.status, row.reason) == (MembershipStatus.declined, "Not on our staff list")
    auth.logout()
    auth.login(person)
    assert "Not on our staff list" in client.get("/auth/profile").get_data(as_text=True)


def test_an_admins_own_centre_is_only_a_site_admins_to_change(client, auth, make_user, centres):
    other_admin = make_user(role=Role.centre_admin, centre=None)
    auth.login(other_admin)
    ask(client, centres["umea"])
    assert rows_of(other_admin) == []  # admins do not ask: a site admin places them
    auth.logout()
    admin = make_user(role=Role.centre_admin, centre="umea")
    colleague = make_user(role=Role.centre_admin, centre="umea")
    auth.login(admin)
    response = client.post(f"/centre/members/{colleague.id}/remove", data={"reason": "x"})
    assert response.status_code == 200
    assert "A site admin changes the centre of an admin." in response.get_data(as_text=True)
    db.session.refresh(colleague)
    assert colleague.centre_id == centres["umea"].id


def test_remove_a_member_with_a_reason(client, auth, make_user, centres, changes):
    person = make_user(centre="umea", name="Lea Leaver")
    admin = make_user(role=Role.centre_admin, centre="umea")
    auth.login(admin)
    assert client.post(f"/centre/members/{person.id}/remove").status_code == 422
    client.post(f"/centre/members/{person.id}/remove", data={"reason": "Left the hospital"})
    db.session.refresh(person)
    assert person.centre_id is None
    (row,) = rows_of(person)
    assert (row.status, row.moved_to_id, row.end_reason) == (
        MembershipStatus.ended,
        None,
        "Left the hospital",
    )
    assert "Left on" in client.get("/centre/members").get_data(as_text=True)
    assert changes[-1].new_centre_id is None


def test_the_database_allows_one_open_request_and_one_current_membership(make_user, centres):
    person = make_user(centre="umea")
    for status in (MembershipStatus.confirmed, MembershipStatus.requested):
        for _ in range(2):
            db.session.add(
                CentreMembership(
                    user_id=person.id,
                    centre_id=centres["skane"].id,
                    status=status,
                    source="request",
                )
            )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# E-mail domains ------------------------------------------------------------------------


@pytest.fixture
def region_domain(client, auth, make_user, centres):
    """Umeå lists regionvasterbotten.se (added by a site admin through the page)."""
    auth.login(make_user(role=Role.site_admin))
    response = client.post(
        "/centre/members/domains?centre=umea", data={"domain": "@RegionVasterbotten.se "}
    )
    assert response.status_code == 302
    auth.logout()
    return "regionvasterbotten.se"


def register(client, centres, email: str):
    return client.post(
        "/auth/register",
        data={
            "name": "Dora Domain",
            "email": email,
            "password": "en lång lösenfras med ord",
            "confirm": "en lång lösenfras med ord",
            "centre": str(centres["umea"].id),
            "profession": "nurse",
        },
    )


def test_a_typed_domain_address_proves_nothing_until_the_link_is_used(
    app, client, region_domain, centres
):
    register(client, centres, "dora@regionvasterbotten.se")
    dora = db.session.scalar(select(User).where(User.email == "dora@regionvasterbotten.se"))
    assert dora.centre_id is None  # typing the address is not owning it
    assert "Send the link again" in client.get("/auth/profile").get_data(as_text=True)
    (body,) = bodies_to(app, "dora@regionvasterbotten.se")
    link = re.search(r"https://learn\.atmp\.test(/auth/verify-email/\S+)", body).group(1)
    client.post("/auth/logout")
    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    db.session.refresh(dora)
    assert (dora.centre_id, dora.email_verified_at) == (None, None)
    assert client.post(link).status_code == 302
    db.session.refresh(dora)
    assert dora.centre_id == centres["umea"].id
    assert dora.email_verified_at is not None
    (row,) = rows_of(dora)
    assert (row.status, row.decided_via, row.decided_by_id) == (
        MembershipStatus.confirmed,
        "email_domain",
        None,
    )


def test_a_password_reset_proves_the_address_too(app, client, region_domain, centres):
    register(client, centres, "dora@regionvasterbotten.se")
    client.post("/auth/logout")
    client.post("/auth/forgot", data={"email": "dora@regionvasterbotten.se"})
    body = bodies_to(app, "dora@regionvasterbotten.se")[-1]
    link = re.search(r"https://learn\.atmp\.test(/auth/reset/\S+)", body).group(1)
    new = "ett nytt och långt lösenord"
    client.post(link, data={"password": new, "confirm": new})
    dora = db.session.scalar(select(User).where(User.email == "dora@regionvasterbotten.se"))
    assert dora.centre_id == centres["umea"].id


def test_a_proven_address_joins_a_domain_centre_at_once(
    client, auth, make_user, region_domain, centres
):
    person = make_user(centre=None, email="eva@regionvasterbotten.se")
    person.email_verified_at = person.created_at
    db.session.commit()
    auth.login(person)
    ask(client, centres["umea"])
    db.session.refresh(person)
    assert person.centre_id == centres["umea"].id


def test_only_site_admins_edit_domains_and_bad_ones_are_refused(
    client, auth, make_user, region_domain
):
    auth.login(make_user(role=Role.centre_admin, centre="umea"))
    assert client.post("/centre/members/domains", data={"domain": "x.se"}).status_code == 403
    page = client.get("/centre/members").get_data(as_text=True)
    assert "regionvasterbotten.se" in page
    auth.logout()
    auth.login(make_user(role=Role.site_admin))
    for bad, message in (("not a domain", "not a domain"), (region_domain, "already listed")):
        response = client.post(
            "/centre/members/domains?centre=skane", data={"domain": bad}, follow_redirects=True
        )
        assert message in response.get_data(as_text=True)


# Imports -------------------------------------------------------------------------------


def upload(client, course, text: str):
    from tests.enrolment.test_import import upload as upload_and_confirm

    return upload_and_confirm(client, course, text.encode(), name="s.csv")


def test_an_import_confirms_a_request_to_its_centre_and_moves_nobody(
    client, auth, make_user, make_course, centres
):
    course = make_course("import-course", modules=1, quiz_modules=())
    asking = make_user(centre=None, email="asking@example.com")
    elsewhere = make_user(centre="skane", email="elsewhere@example.com")
    auth.login(asking)
    ask(client, centres["umea"])
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="umea"))
    response = upload(
        client, course, "email,name,profession\nelsewhere@example.com,Else Where,nurse\n"
    )
    assert response.status_code == 422
    assert "belongs to another centre" in response.get_data(as_text=True)
    response = upload(
        client,
        course,
        "email,name,profession\nasking@example.com,Asking,nurse\nnew@example.com,New,nurse\n",
    )
    assert response.status_code == 302
    db.session.refresh(asking)
    db.session.refresh(elsewhere)
    assert asking.centre_id == centres["umea"].id
    assert elsewhere.centre_id == centres["skane"].id
    new = db.session.scalar(select(User).where(User.email == "new@example.com"))
    (row,) = rows_of(new)
    assert (row.source.value, row.decided_via, row.status) == (
        "import",
        "import",
        MembershipStatus.confirmed,
    )


def test_my_data_lists_memberships(client, auth, make_user):
    person = make_user(centre="umea")
    auth.login(person)
    data = client.post("/auth/my-data.json").get_json()
    assert data["centre_memberships"][0]["status"] == "confirmed"


# The old centre's reports keep the person ---------------------------------------------


def test_the_old_centre_lists_who_moved_away_instead_of_dropping_them(
    client, auth, make_user, make_course, centres, clock
):
    from datetime import date, datetime

    from lms.plugins.enrolment.models import Assignment, Enrolment

    clock.set("2026-03-10T10:00Z")
    version = make_course("mandatory", modules=1, quiz_modules=(), course={"enrolment": "assigned"})
    person = make_user(centre="skane", name="Mona Moved")
    db.session.add(
        Enrolment(
            user_id=person.id,
            course_id=version.course_id,
            version_id=version.id,
            method="assigned",
            enrolled_at=datetime(2026, 1, 5),
        )
    )
    db.session.add(
        Assignment(
            course_id=version.course_id,
            user_id=person.id,
            centre_id=person.centre_id,
            due_on=date(2026, 2, 1),
            created_at=datetime(2026, 1, 5),
        )
    )
    db.session.commit()
    auth.login(make_user(role=Role.site_admin))
    response = client.post(
        f"/admin/users/{person.id}",
        data={"centre": str(centres["umea"].id), "reason": "New job"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    page = client.get("/centre/people").get_data(as_text=True)
    assert re.search(
        r"Mona Moved.*Moved to Norrlands universitetssjukhus on 10 Mar 2026", page, re.S
    )
    assert "Mona Moved" not in client.get("/centre/people?status=overdue").get_data(as_text=True)
    assert "Mona Moved" in client.get("/centre/people?status=left").get_data(as_text=True)
    csv = client.get("/centre/report.csv").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if "Mona Moved" in line)
    assert "Moved to Norrlands universitetssjukhus on 2026-03-10" in row  # exports: ISO 8601
    assert "2026-02-01" in row  # the due date she had while she was here
    figures = client.get("/centre/").get_data(as_text=True)
    assert "Mona Moved" not in figures


def test_a_person_withdraws_their_request(client, auth, make_user, centres):
    person = make_user(centre=None)
    auth.login(person)
    ask(client, centres["umea"])
    assert client.post("/auth/profile/centre/cancel").status_code == 302
    (row,) = rows_of(person)
    assert row.status == MembershipStatus.cancelled
    assert "Ask to join this centre" in client.get("/auth/profile").get_data(as_text=True)


def test_a_site_admin_changing_anothers_centre_must_say_why(client, auth, make_user, centres):
    auth.login(make_user(role=Role.site_admin))
    person = make_user(centre="skane")
    response = client.post(f"/admin/users/{person.id}", data={"centre": str(centres["umea"].id)})
    assert response.status_code == 422
    assert "Say why" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.centre_id == centres["skane"].id


@pytest.mark.parametrize(
    "url", ["/centre/members", "/centre/requirements", "/centre/matrix", "/centre/assignments"]
)
def test_a_site_admin_chooses_the_centre_on_every_centre_page(client, auth, make_user, url):
    """One centre chooser (lms/templates/_centre_picker.html) for the site admin; a centre
    admin sees none (their own centre is the only one)."""
    auth.login(make_user(role=Role.site_admin))
    page = client.get(url, query_string={"centre": "skane"}).get_data(as_text=True)
    assert '<select id="centre-picker" name="centre">' in page
    assert '<option value="skane" selected>' in page
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="umea"))
    assert 'id="centre-picker"' not in client.get(url).get_data(as_text=True)
