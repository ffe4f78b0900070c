"""Training requirements and the reminders sent about them.

A requirement is never deleted: withdrawing it sets ``withdrawn_at``/``by``/``reason`` and
withdraws the open assignments it made (through ``assignment_withdrawn``). A reminder row is
written in the transaction that queues its mail; its unique key (person, subject, kind,
threshold date) makes a second run, a concurrent run on another server or a run after a
crash add nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre, User, utcnow


class Requirement(db.Model):
    """Who (``centre_id``: one centre or None for every centre; ``profession`` and ``unit``:
    None for any) must hold ``course_id`` within ``days_to_complete`` days of joining or of
    the requirement's creation."""

    __tablename__ = "compliance_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    profession: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(120))
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    days_to_complete: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    centre: Mapped[Centre | None] = relationship()
    course: Mapped[Course] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def matches(self, user: User) -> bool:
        """Whether an (active, confirmed) person falls under this requirement now."""
        if not self.active or not user.active or user.centre_id is None:
            return False
        if self.centre_id is not None and user.centre_id != self.centre_id:
            return False
        if self.profession and str(user.profession) != self.profession:
            return False
        return not self.unit or (user.unit or "").casefold() == self.unit.casefold()


class Reminder(db.Model):
    """One message about one thing: ``subject`` is ``assignment:<id>``, ``certificate:<id>``
    or ``centre:<id>`` (digest); ``kind`` is assigned, due, overdue, expiring or digest;
    ``threshold_on`` the date the reminder is for (Europe/Stockholm); ``days`` how many days
    were left when it was sent (due, expiring, assigned), so a nearer reminder is not
    preceded by a farther one."""

    __tablename__ = "compliance_reminder"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "subject", "kind", "threshold_on", name="uq_compliance_reminder_key"
        ),
        Index("ix_compliance_reminder_subject", "subject", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    subject: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    threshold_on: Mapped[date]
    days: Mapped[int | None]
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ComplianceFact(db.Model):
    """What one active person at a centre adds to the counts of :class:`ComplianceTally`
    (:mod:`.tally`): derived from the records, never a record, kept current in the
    transaction that changes them. ``kind``: ``people`` (the person, course 0), ``held``
    (the person holds the course until ``on_date``), ``open`` (an open assignment due on
    ``on_date``; ``until_date``: valid outside training counts until then), ``cert`` (the
    newest valid certificate, expiring on ``on_date``)."""

    __tablename__ = "compliance_fact"
    __table_args__ = (Index("ix_compliance_fact_kind", "kind", "centre_id", "on_date"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    centre_id: Mapped[int]
    profession: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(120))
    on_date: Mapped[date]
    until_date: Mapped[date]


class ComplianceTally(db.Model):
    """How many :class:`ComplianceFact` rows share a key: what the centre page's digest and
    the matrix's column counts read instead of a centre's every person (issue 18). The
    dates stay in the key, so a count never goes stale when the day turns: a page sums the
    rows on the right side of today (bounded by days, not by people)."""

    __tablename__ = "compliance_tally"
    # The matrix's reads: one centre's courses held until a date on or after today.
    __table_args__ = (
        Index("ix_compliance_tally_held", "kind", "centre_id", "course_id", "on_date"),
    )

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    centre_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    profession: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit: Mapped[str] = mapped_column(String(120), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    on_date: Mapped[date] = mapped_column(primary_key=True)
    until_date: Mapped[date] = mapped_column(primary_key=True)
    n: Mapped[int]
