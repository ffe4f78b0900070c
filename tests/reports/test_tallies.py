"""The tallies the centre pages read equal a recount of the records on every day.

The counts depend on the date (an expiry or a due date passing), so each check recounts
with the exact status rules over every row and compares with what the page's statement
(settled tallies plus the rows dated within the window) gives, on many days."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import services as certificates
from lms.plugins.reports import services, store
from lms.plugins.reports.query import Filter, status_rows
from lms.plugins.reports.services import STATUS


def _recount(filt: Filter) -> dict:
    on = services.today()
    rows = status_rows(
        STATUS, filt, today=on, warn_until=on + timedelta(days=services.warning_days())
    ).subquery()
    query = select(rows.c.centre_id, rows.c.course_id, rows.c.status, func.count()).group_by(
        rows.c.centre_id, rows.c.course_id, rows.c.status
    )
    return {(c, k, s): n for c, k, s, n in db.session.execute(query)}


def _figures(filt: Filter) -> dict:
    figures = services.figures(services.tables(), filt)
    return {
        (centre, course, status): n
        for (centre, course), tally in figures.by_centre_course.items()
        for status, n in tally.counts.items()
        if n
    }


def _agree(centres) -> None:
    db.session.expire_all()
    assert store.differences(services.tables()) == 0
    for filt in (
        Filter(all_centres=True),
        Filter(centre_id=centres["skane"].id),
        Filter(centre_id=centres["skane"].id, profession="nurse"),
    ):
        assert _figures(filt) == _recount(filt), filt


def _spread(known, make_user, records, n: int = 24) -> None:
    """People whose certificates expire and assignments fall due on many days around now,
    across month ends."""
    on = services.today()
    for i in range(n):
        user = make_user(name=f"Spread {i:02d}", centre="skane" if i % 3 else "karolinska")
        e = records.enrol(user, known.a1, progress=i % 2 == 0)
        if i % 2:
            c = records.complete(e, known.a1, on - timedelta(days=300))
            records.certify(c, user, known.a1, expires_on=on + timedelta(days=i * 9 - 60))
        else:
            records.assign(user, known.a1, on + timedelta(days=i * 6 - 40))


def test_counts_equal_a_recount_on_every_day_as_dates_pass(
    known, make_user, records, centres, clock
):
    _spread(known, make_user, records)
    start = clock.now
    for days in range(-70, 260, 11):  # past expiry dates, month ends, the warning window
        clock.set(start + timedelta(days=days))
        _agree(centres)


def test_counts_follow_every_kind_of_change(app, known, make_user, records, centres, clock):
    _spread(known, make_user, records, n=6)
    _agree(centres)
    newcomer = make_user(name="Newcomer", centre="skane")
    enrolment = records.enrol(newcomer, known.b1)  # created
    _agree(centres)
    completion = records.complete(enrolment, known.b1, services.today())  # completed
    cert = records.certify(
        completion, newcomer, known.b1, expires_on=services.today() + timedelta(days=3)
    )
    _agree(centres)
    clock.advance(days=5)  # expired: a date passing, nothing written
    assert (
        _figures(Filter(centre_id=centres["skane"].id))[
            (centres["skane"].id, known.b1.course_id, "expired")
        ]
        >= 1
    )
    _agree(centres)
    admin = make_user(role=Role.site_admin, centre=None)
    assert certificates.revoke(cert, admin, "Issued in error")  # revoked
    db.session.commit()
    _agree(centres)
    newcomer.centre_id = centres["karolinska"].id  # moved to another centre
    db.session.commit()
    _agree(centres)
    from lms.auth import services as auth

    auth.set_active(newcomer, False, actor=admin)  # deactivated: only records still count
    _agree(centres)
    clock.advance(days=app.config["LMS_RETENTION_DAYS"] + 1)
    auth.anonymise(newcomer, actor=admin)  # anonymised: counted as before, by centre
    _agree(centres)
    records.enrol(make_user(name="Later", centre="skane"), known.a1)
    _agree(centres)


def test_month_chart_equals_a_recount(known, make_user, records, centres):
    _spread(known, make_user, records)
    from lms.plugins.reports.services import COMPLETIONS

    by_month = dict(services.completions_by_month(services.tables(), Filter(all_centres=True)))
    counted = Counter(
        (at.year, at.month) for (at,) in db.session.execute(select(COMPLETIONS.c.completed_at))
    )
    for month, n in by_month.items():
        assert n == counted[(month.year, month.month)]
    assert sum(by_month.values()) > 0
