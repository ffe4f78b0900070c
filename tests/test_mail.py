"""The outbox against a real SMTP server (aiosmtpd on loopback): requests only queue, a drain
sends each message once, a server that is down loses nothing, a refused address is not
retried for ever."""

from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import mail
from lms.extensions import db
from lms.mail.models import FAILED, QUEUED, SENT, OutboxMessage
from tests.mailbox import queued

BASE = "https://learn.atmp.test"


def forgot(client, address: str):
    return client.post("/auth/forgot", data={"email": address})


def test_reset_mail_is_delivered_with_headers_and_a_link_from_the_base_url(
    app, client, make_user, smtp_server
):
    make_user(email="karin@example.com", name="Karin Berg", locale="en")
    assert forgot(client, "karin@example.com").status_code == 302
    assert smtp_server.messages == []  # the request only queued it
    (row,) = queued("karin@example.com")
    assert row.status == QUEUED

    report = mail.drain()
    assert [recipient for _id, recipient, _s in report.sent] == ["karin@example.com"]
    (message,) = smtp_server.to("karin@example.com")
    assert message["From"] == app.config["MAIL_SENDER"]
    assert message["Subject"] == "Reset your ATMP Learn password"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "en"
    assert message["Message-ID"].endswith("@learn.atmp.test>")
    body = message.get_content()
    assert "Hello Karin Berg" in body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith(f"{BASE}/auth/reset/")
    assert client.get(link.removeprefix(BASE)).status_code == 200  # the token works
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (SENT, 1, None)
    assert mail.drain().sent == []  # idempotent: nothing twice
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_transaction_sends_nothing(app):
    mail.enqueue("nobody@example.com", "Subject", "Body")
    db.session.rollback()
    assert queued() == []


def test_forgot_password_never_fails_when_the_mail_server_is_down(
    client, make_user, smtp_server, clock
):
    make_user(email="down@example.com")
    smtp_server.stop()
    response = forgot(client, "down@example.com")
    assert response.status_code == 302
    assert "we have sent it a link" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )

    report = mail.drain()
    assert report.sent == []
    assert len(report.deferred) == 1
    (row,) = queued("down@example.com")
    assert (row.status, row.attempts) == (QUEUED, 1)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()

    smtp_server.start()
    assert mail.drain().sent == []  # waiting out its backoff
    clock.advance(minutes=2)
    assert len(mail.drain().sent) == 1
    assert len(smtp_server.to("down@example.com")) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (SENT, 2)


def test_a_refused_recipient_is_marked_failed_and_not_retried(make_user, smtp_server, clock):
    mail.enqueue("gone@example.com", "One", "Body one")
    mail.enqueue("here@example.com", "Two", "Body two")
    db.session.commit()
    smtp_server.refuse.add("gone@example.com")
    report = mail.drain()
    assert [r for _i, r, _s in report.sent] == ["here@example.com"]
    assert [r for _i, r, _e in report.failed] == ["gone@example.com"]
    (row,) = queued("gone@example.com")
    assert row.status == FAILED
    assert row.last_error.startswith("550")
    clock.advance(days=1)
    assert mail.drain(retry_now=True).sent == []
    db.session.refresh(row)
    assert (row.status, row.attempts) == (FAILED, 1)


def test_a_message_that_keeps_failing_is_given_up_with_its_error(app, smtp_server, clock):
    app.config["LMS_MAIL_MAX_ATTEMPTS"] = 3
    mail.enqueue("someone@example.com", "Subject", "Body")
    db.session.commit()
    smtp_server.stop()
    for _ in range(3):
        mail.drain()
        clock.advance(hours=2)
    (row,) = queued()
    assert row.status == FAILED
    assert row.attempts == 3
    assert row.last_error.startswith("gave up after 3")


def test_two_drains_at_once_send_each_message_once(app, smtp_server):
    for n in range(40):
        mail.enqueue(f"person{n}@example.com", f"Message {n}", f"Body {n}")
    db.session.commit()
    reports, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                start.wait()
                reports.append(mail.drain())
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    delivered = sorted(m["To"] for m in smtp_server.messages)
    assert delivered == sorted(f"person{n}@example.com" for n in range(40))
    assert sum(len(r.sent) for r in reports) == 40
    sent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT)
    assert db.session.scalar(sent) == 40


def test_a_key_makes_a_message_unique(app):
    first = mail.enqueue("a@example.com", "Reminder", "Body", key="reminder:1:course:2026-03-01")
    again = mail.enqueue("a@example.com", "Reminder", "Body", key="reminder:1:course:2026-03-01")
    db.session.commit()
    assert first is not None
    assert again is None
    assert len(queued()) == 1


def test_send_mail_command_prints_what_it_sent_and_is_idempotent(runner, smtp_server):
    mail.enqueue("cli@example.com", "Hej", "Body")
    db.session.commit()
    result = runner.invoke(args=["lms", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "to cli@example.com: Hej" in result.output
    assert "1 sent, 0 queued again, 0 failed; 0 waiting in the outbox." in result.output
    again = runner.invoke(args=["lms", "send-mail"])
    assert "0 sent" in again.output
    assert len(smtp_server.messages) == 1


def test_send_mail_command_exits_1_while_the_server_is_down(runner, smtp_server):
    mail.enqueue("cli@example.com", "Hej", "Body")
    db.session.commit()
    smtp_server.stop()
    result = runner.invoke(args=["lms", "send-mail"])
    assert result.exit_code == 1
    assert "queued again" in result.output
    assert "1 waiting in the outbox" in result.output


def test_without_a_mail_server_the_drain_writes_to_the_log(app, caplog):
    mail.enqueue("dev@example.com", "Dev subject", "Dev body with a link")
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="lms.mail"):
        report = mail.drain()
    assert len(report.sent) == 1
    assert "dev@example.com" in caplog.text
    assert "Dev body with a link" in caplog.text


@pytest.mark.parametrize("config_overrides", [{"LMS_MAIL_KICK": True}])
def test_mail_goes_out_right_after_the_response_without_the_timer(
    app, client, make_user, smtp_server
):
    make_user(email="quick@example.com")
    response = forgot(client, "quick@example.com")
    assert response.status_code == 302
    response.close()  # what the WSGI server does once the response is sent
    app.extensions["lms.mail"].join(30)
    assert len(smtp_server.to("quick@example.com")) == 1


def test_bodies_of_old_messages_are_blanked_but_their_keys_stay(app, smtp_server, clock):
    mail.enqueue("old@example.com", "Old", "A token link", key="once")
    db.session.commit()
    mail.drain()
    clock.advance(days=app.config["LMS_MAIL_KEEP_DAYS"] + 1)
    mail.drain()
    (row,) = queued()
    assert (row.body_text, row.key, row.status) == ("", "once", SENT)
    assert mail.enqueue("old@example.com", "Old", "Again", key="once") is None


def test_backoff_doubles_up_to_an_hour(app):
    from lms.mail.outbox import backoff

    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (60, 120, 240)]
    assert backoff(20) == timedelta(hours=1)
