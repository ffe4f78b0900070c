"""send-reminders: each reminder once, in the person's language, at the right Stockholm day."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models import Profession, Role
from lms.plugins.compliance.models import Reminder
from lms.plugins.enrolment.models import Assignment
from tests.compliance.conftest import complete_course, requirement_for
from tests.mailbox import queued


def subjects(address: str) -> list[str]:
    return [m.subject for m in queued(address)]


def run(runner, *args) -> str:
    result = runner.invoke(args=["lms", "send-reminders", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_due_and_overdue_reminders_once_each_on_stockholm_days(
    runner, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    sv = make_user(centre="karolinska", locale="sv")
    en = make_user(centre="karolinska", locale="en")
    requirement_for(admin, cart_course)  # due 2026-03-31
    assert subjects(en.email) == ["Training assigned: CAR-T nursing"]
    assert "0 queued." in run(runner)  # the assigned notice counts as the 30-day one
    clock.set("2026-03-23T23:30Z")  # 00:30 on 24 March in Stockholm (UTC+1): 7 days left
    output = run(runner)
    assert f"queued due-7 to {sv.email}" in output
    assert subjects(sv.email)[-1] == "Ska vara klar 31 mars 2026: Kurs car-t-nursing"
    assert subjects(en.email)[-1] == "Due 31 March 2026: CAR-T nursing"
    assert "0 queued." in run(runner)  # twice: nothing new
    clock.set("2026-03-31T21:30Z")  # 31 March 23:30 in Stockholm: due today, not overdue
    assert "0 queued." in run(runner)
    clock.set("2026-03-31T22:30Z")  # 1 April in Stockholm: overdue
    output = run(runner)
    assert f"queued overdue to {en.email}" in output
    assert subjects(en.email)[-1] == "Overdue: CAR-T nursing"
    assert "https://learn.atmp.test/courses/car-t-nursing/" in queued(en.email)[-1].body_text
    clock.set("2026-04-05T08:00Z")
    assert "0 queued." in run(runner)
    assert len(queued(en.email)) == 3


def test_never_after_completed_withdrawn_or_deactivated(
    client, auth, runner, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    done = make_user(centre="karolinska")
    withdrawn = make_user(centre="karolinska")
    gone = make_user(centre="karolinska")
    requirement_for(admin, cart_course)
    complete_course(client, auth, done)
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == withdrawn.id))
    from lms.plugins.enrolment import requested

    requested.withdraw(assignment, actor=admin, reason="Left")
    gone.active = False
    db.session.commit()
    clock.set("2026-03-25T08:00Z")
    assert "0 queued." in run(runner)
    clock.set("2026-04-02T08:00Z")
    assert "0 queued." in run(runner)
    for person in (done, withdrawn, gone):
        assert len(queued(person.email)) == 1  # the assigned notice only


def test_dry_run_writes_nothing_and_the_key_is_unique(runner, make_user, cart_course, clock):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurse = make_user(centre="karolinska")
    requirement_for(admin, cart_course)
    clock.set("2026-03-25T08:00Z")
    output = run(runner, "--dry-run")
    assert f"would queue due-7 to {nurse.email}" in output
    assert len(queued(nurse.email)) == 1
    run(runner)
    reminder = db.session.scalar(select(Reminder).where(Reminder.kind == "due"))
    db.session.add(
        Reminder(
            user_id=reminder.user_id,
            subject=reminder.subject,
            kind=reminder.kind,
            threshold_on=reminder.threshold_on,
        )
    )
    try:
        db.session.commit()
        raise AssertionError("a second reminder with the same key was stored")
    except IntegrityError:
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 2


def test_digest_on_its_weekday_and_nothing_when_empty(runner, make_user, cart_course, clock):
    clock.set("2026-03-02T08:00Z")  # a Monday
    admin = make_user(
        role=Role.centre_admin, centre="karolinska", locale="en", profession=Profession.other
    )
    quiet = make_user(role=Role.centre_admin, centre="skane")
    make_user(centre="karolinska")
    assert "queued digest" not in run(runner)  # nothing assigned yet: nothing to say
    requirement_for(admin, cart_course)
    clock.set("2026-03-03T08:00Z")  # Tuesday: not the digest day
    assert "digest" not in run(runner)
    clock.set("2026-03-09T08:00Z")  # Monday
    output = run(runner)
    assert f"queued digest to {admin.email}" in output
    [digest] = [m for m in queued(admin.email) if m.subject.startswith("Training at")]
    assert "new people without their required training: 1" in digest.body_text
    assert "https://learn.atmp.test/centre/matrix" in digest.body_text
    assert queued(quiet.email) == []
    assert "digest" not in run(runner)  # once per week
