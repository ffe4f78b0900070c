"""Enrolments, progress, completions, assignments and admin-set enrolment keys.

These are training records: rows are added, never deleted, and a completed record is never
changed. Unique constraints (not only code) stop a retried or concurrent request from
writing a second enrolment, progress mark or completion.

Cycles: a learner may have to take a course again within the same enrolment, e.g. after a
site admin revoked the certificate of their completion (later also for recertification).
That starts a new *cycle* (:class:`Cycle`, ``Enrolment.cycle``): progress and completions
belong to one cycle, so the earlier ones stay as they were and the new round starts empty.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import User, utcnow

ACTIVE = "active"
WITHDRAWN = "withdrawn"


class Enrolment(db.Model):
    """One row per learner and course. Unenrolling marks it withdrawn and keeps every
    record; enrolling again re-activates the same row, so a completion is never repeated."""

    __tablename__ = "enrolment_enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    # The version the learner works on; progress and completion belong to it.
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    # open, key, assigned, import, quiz: how the learner got here first.
    method: Mapped[str] = mapped_column(String(20))
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # The current cycle: 1, then 2 after the learner is asked to take the course again.
    cycle: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


class Progress(db.Model):
    """A module done (or a course quiz passed) within one enrolment.

    ``module_id`` names a module of one version, so moving to a new version adds rows for
    the new version's modules and leaves the old ones as they were. A course quiz has no
    module: its row carries only ``quiz_id`` and the score.
    """

    __tablename__ = "enrolment_progress"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "cycle", "module_id"),
        UniqueConstraint("enrolment_id", "cycle", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment_enrolment.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("content_module.id"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("content_quiz.id"))
    # reading (marked done), quiz (quiz passed) or carried (from an earlier version).
    source: Mapped[str] = mapped_column(String(20))
    score_percent: Mapped[float | None]
    attempt_id: Mapped[int | None]
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment_progress.id"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def records_owner_id(self) -> int | None:
        """Whose record this is, for :mod:`lms.records` (progress has no ``user_id``)."""
        enrolment = object_session(self).get(Enrolment, self.enrolment_id)
        return enrolment.user_id if enrolment is not None else None


class Completion(db.Model):
    """A course version completed within an enrolment: written once, never changed."""

    __tablename__ = "enrolment_completion"
    __table_args__ = (UniqueConstraint("enrolment_id", "version_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment_enrolment.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    score_percent: Mapped[float | None]

    version: Mapped[CourseVersion] = relationship()


class Cycle(db.Model):
    """Why and when an enrolment started cycle ``number`` (2, 3 ...): the learner takes the
    course again. ``reason``: ``certificate_revoked`` (the completion ``ends_completion_id``
    no longer counts). Written once; the history of an enrolment's cycles."""

    __tablename__ = "enrolment_cycle"
    __table_args__ = (UniqueConstraint("enrolment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment_enrolment.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    number: Mapped[int]
    reason: Mapped[str] = mapped_column(String(30))
    ends_completion_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment_completion.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(db.Model):
    """A course made mandatory for one person, with an optional due date: by a centre admin,
    or by a training requirement (``requirement_id``, the compliance plugin's id, and
    ``reason``, the requirement's name shown to the person).

    Never deleted, and its terms never updated: a new due date is a new row (with an audit
    event); the newest open assignment governs. Withdrawal is a state: ``withdrawn_at``,
    ``withdrawn_by_id`` (None for a rule, e.g. the person no longer matches a requirement)
    and ``withdrawn_reason`` are set once; a withdrawn assignment asks nothing any more.
    """

    __tablename__ = "enrolment_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    # Indexed for the reminder job's date windows (set-based, issue 14).
    due_on: Mapped[date | None] = mapped_column(index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    requirement_id: Mapped[int | None] = mapped_column(index=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CourseKey(db.Model):
    """An enrolment key set in the app, hashed. The newest row per course is the key in
    force (a row without a hash clears it); older rows stay as the history of changes."""

    __tablename__ = "enrolment_course_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    key_hash: Mapped[str | None] = mapped_column(String(255))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobTitle(db.Model):
    """A job title as HR systems write it ("Leg. sjuksköterska"), mapped to a profession.

    The common Swedish titles are built in (:mod:`lms.plugins.enrolment.titles`); a site
    admin adds or overrides titles here. ``title`` is the normalised key (lower case, single
    spaces). Changed rows are audited (``job_title.mapped``)."""

    __tablename__ = "enrolment_job_title"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    profession: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ImportBatch(db.Model):
    """A staff file read and waiting for the admin's confirmation (the preview).

    Holds only the columns the platform uses (e-mail, name, job title, unit), never a
    personal identity number or any other column of the file. Deleted once imported, and
    after a day if never confirmed: it is a draft, not a record."""

    __tablename__ = "enrolment_import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"))
    assign: Mapped[bool] = mapped_column(default=False)
    due_on: Mapped[date | None]
    file_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [{"line", "email", "name", "title", "unit"}]; problems found while reading.
    rows: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    # Headings of columns left out; headings of personal identity number columns.
    ignored: Mapped[list] = mapped_column(JSON, default=list)
    identity_columns: Mapped[list] = mapped_column(JSON, default=list)
    # Title key -> profession chosen by a centre admin for this file only.
    titles: Mapped[dict] = mapped_column(JSON, default=dict)
