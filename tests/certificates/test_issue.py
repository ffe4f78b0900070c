"""Issuing: exactly one certificate per completion, with snapshots that never change."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.extensions import db
from lms.models import Profession, utcnow
from lms.plugins.certificates import codes, services
from lms.plugins.certificates.models import Certificate
from tests.certificates.conftest import NAME, completed


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_completion_issues_a_certificate_with_snapshots(app, certificate):
    assert certificate is not None
    assert certificate.name == NAME
    assert certificate.profession == "nurse"
    assert certificate.centre_name == "Skånes universitetssjukhus"
    assert certificate.course_title == "Gene Therapy Basics"
    assert certificate.course_slug == "gene-therapy-basics"
    assert certificate.version == "1.0.0"
    assert len(certificate.content_hash) == 64
    assert certificate.score_percent == 92.5
    assert certificate.language == "sv"  # the learner chose none: the platform default
    assert certificate.expires_on == services.add_months(certificate.completed_on, 24)
    assert certificate.revoked_at is None


def test_snapshot_survives_a_rename_and_a_new_course_version(app, certificate, make_course, client):
    user = certificate.user
    user.name = "Someone Else"
    user.profession = Profession.physician
    db.session.commit()
    make_course("gene-therapy-basics", title="Renamed course", version="2.0.0")
    db.session.expire_all()
    stored = db.session.get(Certificate, certificate.id)
    assert (stored.name, stored.profession, stored.course_title, stored.version) == (
        NAME,
        "nurse",
        "Gene Therapy Basics",
        "1.0.0",
    )
    page = client.get(f"/certificates/{stored.code}", follow_redirects=True)
    assert NAME in page.get_data(as_text=True)
    assert "Renamed course" not in page.get_data(as_text=True)


def test_the_same_completion_twice_gives_one_certificate(app, make_user, make_course, complete):
    user, version = make_user(), make_course()
    issued = []

    def on_issued(sender, payload):
        issued.append(payload)

    with events.certificate_issued.connected_to(on_issued, sender=app):
        first = complete(user, version, completion_id=7)
        second = complete(user, version, completion_id=7)
    assert first is not None
    assert second.id == first.id
    assert _count() == 1
    assert [p.certificate_id for p in issued] == [first.id]
    assert issued[0].code == first.code


def test_concurrent_completions_give_one_certificate(app, make_user, make_course):
    user, version = make_user(), make_course()
    payload = completed(user, version, 42)
    threads, barrier, errors, issued = [], threading.Barrier(8), [], []

    def on_issued(sender, payload):
        issued.append(payload)

    def fire():
        try:
            with app.app_context():
                barrier.wait()
                events.emit(events.course_completed, payload)
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    with events.certificate_issued.connected_to(on_issued, sender=app):
        for _ in range(8):
            threads.append(threading.Thread(target=fire))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    db.session.commit()  # end this session's read snapshot, to see what the threads stored
    assert errors == []
    assert _count() == 1
    assert len(issued) == 1


def test_losing_the_race_to_the_constraint_is_already_issued(
    app, make_user, make_course, complete, monkeypatch
):
    """As on PostgreSQL when two signals pass the existence check at once: the second
    insert hits the unique constraint and is read as "already issued", not an error."""
    user, version = make_user(), make_course()
    first = complete(user, version, completion_id=9)
    real_exists, calls = services._exists, []

    def stale_check(completion_id):
        calls.append(completion_id)
        return False if len(calls) == 1 else real_exists(completion_id)

    monkeypatch.setattr(services, "_exists", stale_check)
    assert services.issue(completed(user, version, 9)) is None
    assert calls == [9, 9]
    assert _count() == 1
    assert db.session.get(Certificate, first.id).completion_id == 9


def test_the_database_refuses_a_second_certificate_for_a_completion(app, certificate):
    values = {
        c.name: getattr(certificate, c.name)
        for c in Certificate.__table__.columns
        if c.name not in ("id", "code")
    }
    db.session.add(Certificate(code="0" * 28, **values))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _count() == 1


def test_renewal_gives_a_new_certificate_and_keeps_the_old(app, make_user, make_course, complete):
    user = make_user()
    old_version = make_course("car-t", course={"certificate_valid_months": 12})
    old = complete(user, old_version, at=datetime(2025, 1, 31, 10, 0))
    new_version = make_course("car-t", version="1.1.0", course={"certificate_valid_months": 12})
    new = complete(user, new_version, at=datetime(2026, 1, 15, 10, 0))
    assert new.id != old.id
    assert new.code != old.code
    assert (old.version, new.version) == ("1.0.0", "1.1.0")
    assert old.expires_on == date(2026, 1, 31)
    assert new.expires_on == date(2027, 1, 15)
    assert _count() == 2
    rows = services.rows(services.for_user(user.id))
    assert [(r.certificate.id, r.current) for r in rows] == [(new.id, True), (old.id, False)]


def test_course_without_validity_never_expires(app, make_user, make_course, complete):
    certificate = complete(make_user(), make_course())
    assert certificate.expires_on is None
    assert services.status(certificate, date(2100, 1, 1)) == services.VALID


def test_learner_language_is_kept(app, make_user, make_course, complete):
    certificate = complete(make_user(locale="en"), make_course(swedish=True))
    assert certificate.language == "en"
    swede = complete(make_user(locale="sv"), make_course("other", swedish=True))
    assert swede.language == "sv"
    assert swede.course_title == "Kurs other"  # the Swedish title, in the learner's language


def test_completion_date_is_the_swedish_date(app, make_user, make_course, complete):
    # 23:30 UTC on New Year's Eve is already 1 January in Stockholm.
    certificate = complete(make_user(), make_course(), at=datetime(2025, 12, 31, 23, 30))
    assert certificate.completed_on == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 15), 12, date(2027, 5, 15)),
        (date(2026, 12, 1), 24, date(2028, 12, 1)),
    ],
)
def test_add_months_clamps_the_day(start, months, expected):
    assert services.add_months(start, months) == expected


def test_unknown_version_is_an_error_and_stores_nothing(app, make_user, make_course):
    user, version = make_user(), make_course()
    bad = events.CourseCompleted(
        user.id, version.course_id, version.id + 99, 1, 1, datetime(2026, 1, 1)
    )
    with pytest.raises(ValueError, match="unknown"):
        events.emit(events.course_completed, bad)
    assert _count() == 0


def test_personal_data_download_holds_the_certificates(app, certificate):
    sections = dict(
        events.emit(events.personal_data, events.PersonalDataRequest(user_id=certificate.user_id))
    )
    (entry,) = sections["certificates"]
    assert entry["code"] == codes.display(certificate.code)
    assert entry["name"] == NAME
    assert entry["status"] == "valid"


def test_anonymisation_replaces_the_name_and_keeps_the_certificate(app, client, certificate):
    user = certificate.user
    user.name = f"Anonymised person {user.id}"
    db.session.commit()
    events.emit(events.user_anonymised, events.UserAnonymised(user_id=user.id, at=utcnow()))
    db.session.expire_all()
    stored = db.session.get(Certificate, certificate.id)
    assert stored.name == f"Anonymised person {user.id}"
    assert stored.code == certificate.code
    page = client.get(f"/certificates/{codes.display(stored.code)}").get_data(as_text=True)
    assert NAME not in page
    assert "Gene Therapy Basics" in page
