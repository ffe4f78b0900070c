"""Reminders through the outbox to a real SMTP server: headers, language, links; no
duplicates across runs; a server that is down keeps them queued; a refused recipient."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.mail.models import FAILED, QUEUED, SENT, OutboxMessage
from lms.models import Profession, Role
from lms.plugins.compliance import reminders
from lms.plugins.compliance.models import Reminder
from tests.compliance.conftest import requirement_for


def send_mail(runner) -> str:
    return runner.invoke(args=["lms", "send-mail"]).output


def test_reminders_arrive_in_the_persons_language_with_links(
    runner, smtp_server, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    sv = make_user(centre="karolinska", locale="sv", name="Åsa Öberg")
    en = make_user(centre="karolinska", locale="en")
    requirement_for(admin, cart_course, reason="EU product information")
    clock.set("2026-03-24T08:00Z")
    runner.invoke(args=["lms", "send-reminders"])
    send_mail(runner)
    [assigned_sv, due_sv] = smtp_server.to(sv.email)
    assert assigned_sv["Subject"] == "Kurs tilldelad: Kurs car-t-nursing"
    assert assigned_sv["Content-Language"] == "sv"
    body = assigned_sv.get_body(("plain",)).get_content()
    assert "Hej Åsa Öberg" in body
    assert "Slutför den senast: 31 mars 2026" in body
    assert "https://learn.atmp.test/courses/car-t-nursing/" in body
    assert due_sv["Subject"] == "Ska vara klar 31 mars 2026: Kurs car-t-nursing"
    [assigned_en, _due_en] = smtp_server.to(en.email)
    assert assigned_en["Content-Language"] == "en"
    assert "Complete it by: 31 March 2026" in assigned_en.get_body(("plain",)).get_content()
    # a second run and a second drain send nothing more
    runner.invoke(args=["lms", "send-reminders"])
    send_mail(runner)
    assert len(smtp_server.to(sv.email)) == 2
    assert len(smtp_server.to(en.email)) == 2


def test_two_concurrent_runs_queue_each_reminder_once(app, make_user, cart_course, clock):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    for _n in range(5):
        make_user(centre="karolinska")
    requirement_for(admin, cart_course)
    clock.set("2026-03-24T08:00Z")
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "LMS_COURSES_DIR")}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    from lms import clock as lms_clock

    apps = [create_app({**config, "LMS_MAIL_KICK": False}) for _ in range(2)]
    for other in apps:
        lms_clock.fix(other, clock.now)

    def one_run(other):
        try:
            with other.app_context():
                start.wait(timeout=10)
                reminders.run()
                db.session.remove()
        except BaseException as exc:  # a lost race may fail: it must not duplicate
            errors.append(exc)

    threads = [threading.Thread(target=one_run, args=(other,)) for other in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for other in apps:
        with other.app_context():
            db.engine.dispose()
    db.session.remove()
    if errors:  # the loser of a race rolled back whole; a third run finishes its work
        reminders.run()
    dues = db.session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.kind == "due")
    )
    assert dues == 5
    messages = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.key.like("compliance:%:due:%"))
    )
    assert messages == 5


def test_server_down_keeps_reminders_queued_then_sends_them(
    runner, smtp_server, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurse = make_user(centre="karolinska", locale="en")
    refused = make_user(centre="karolinska", locale="en")
    smtp_server.refuse.add(refused.email)
    smtp_server.stop()
    requirement_for(admin, cart_course)
    send_mail(runner)
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == QUEUED)
        )
        == 2
    )
    assert smtp_server.messages == []
    smtp_server.start()
    runner.invoke(args=["lms", "send-mail", "--retry-now"])
    assert [m["Subject"] for m in smtp_server.to(nurse.email)] == [
        "Training assigned: CAR-T nursing"
    ]
    statuses = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.status)).all())
    assert statuses == {nurse.email: SENT, refused.email: FAILED}
