"""The reports' own table: what each person's training status depends on, per course.

Derived, never a record: every row can be recomputed from the enrolment and certificates
plugins' tables (``flask lms reports rebuild``), and is, for the people a transaction
touches, in that same transaction (:mod:`.store`). Only the date is missing: the status
(expired, expiring, overdue...) is decided when a page reads, so the table never ages.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db

# What the status rules of :func:`.query.status_rows` read, besides centre, course, profession.
STATUS_INPUTS = (
    "active",
    "comp_at",
    "revoked",
    "cert_id",
    "expires_on",
    "cert_completed_at",
    "due_on",
    "enrolled",
    "progress",
    "assign_id",
)


class PersonCourseFacts(db.Model):
    __tablename__ = "reports_status"
    __table_args__ = (
        # Covers the centre page's count (every column the status and the grouping read),
        # so SQLite and PostgreSQL answer it from the index alone, in centre order.
        Index("ix_reports_status_centre", "centre_id", "course_id", "profession", *STATUS_INPUTS),
        Index("ix_reports_status_course", "course_id"),
        # The few rows whose status today decides (:mod:`.tally`): found by date.
        Index("ix_reports_status_expires", "expires_on"),
        Index("ix_reports_status_due", "due_on"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), primary_key=True)
    # The person's, copied so a page reads one table: refreshed when the person changes.
    profession: Mapped[str] = mapped_column(String(20))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    active: Mapped[bool]
    # 1/0/NULL: an active enrolment, with progress; NULL when never enrolled.
    enrolled: Mapped[int | None]
    progress: Mapped[int | None]
    enrolled_at: Mapped[datetime | None]
    assign_id: Mapped[int | None]  # the newest assignment, with its due date
    due_on: Mapped[date | None]
    comp_at: Mapped[datetime | None]  # the newest completion that counts
    cert_id: Mapped[int | None]  # the newest certificate that is not revoked
    cert_code: Mapped[str | None] = mapped_column(String(32))
    cert_completed_at: Mapped[datetime | None]
    expires_on: Mapped[date | None]
    revoked: Mapped[int | None]  # 1 when a certificate of this course was revoked


class CountedCompletion(db.Model):
    """A completion the month chart counts (its certificate, if any, not revoked), with the
    person's centre and profession copied like above, so the chart reads one index."""

    __tablename__ = "reports_completion"
    __table_args__ = (
        Index(
            "ix_reports_completion_centre",
            "centre_id",
            "completed_at",
            "course_id",
            "profession",
        ),
    )

    completion_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"))
    profession: Mapped[str] = mapped_column(String(20))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    completed_at: Mapped[datetime]


class StatusTally(db.Model):
    """How many rows of ``reports_status`` share a centre, course, profession, *kind* and
    month (:mod:`.tally`): the counts the centre page and the network view read instead of
    the 1,000,000 rows they come from. Derived like the tables above, kept current in the
    same transaction. ``centre_key`` 0: no centre; ``month`` 0: no date matters."""

    __tablename__ = "reports_tally"

    centre_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    profession: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int]


class MonthTally(db.Model):
    """How many counted completions (``reports_completion``) per centre, course, profession
    and UTC month (``year * 12 + month - 1``): the month chart's numbers."""

    __tablename__ = "reports_month_tally"

    centre_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    profession: Mapped[str] = mapped_column(String(20), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int]


class DayTally(db.Model):
    """How many dated rows of ``reports_status`` (kinds ``expires``, ``expires_newer``,
    ``due:*`` of :mod:`.tally`) share a centre, course, profession, kind and *day* (the
    expiry or due date): the page reads only the days of the two months around today and
    the end of the warning window, where the month alone does not decide the status."""

    __tablename__ = "reports_day_tally"
    __table_args__ = (Index("ix_reports_day_tally_day", "day"),)

    centre_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    profession: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int]


class Untrained(db.Model):
    """An active person at a centre with no row in ``reports_status`` (no enrolment,
    assignment or completion yet): the people list's "no training record" rows and their
    count read this (an index on the centre) instead of anti-joining a centre's every
    person. Derived, kept current with the status rows (:mod:`.store`)."""

    __tablename__ = "reports_untrained"
    __table_args__ = (Index("ix_reports_untrained_centre", "centre_id", "profession"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    profession: Mapped[str] = mapped_column(String(20))
