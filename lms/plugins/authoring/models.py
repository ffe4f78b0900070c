"""The draft workspace of a course: the files a course folder would hold, in the database.

Kept in the database, not on a disk, so any number of app instances share one draft. A
workspace belongs to one course (``content_course``); each file is a row with its path, its
bytes and their sha256. ``revision`` counters make concurrent edits safe: a save names the
revision it started from and is refused when the row moved on (optimistic concurrency).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import Course
from lms.extensions import db
from lms.models import User, utcnow


class Workspace(db.Model):
    """One course's draft. ``owners`` repeats the ``owners:`` of the draft's course.md as
    last read without a problem, so a broken course.md never locks its owners out."""

    __tablename__ = "authoring_workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), unique=True)
    owners: Mapped[list] = mapped_column(JSON, default=list)  # lower-case e-mail addresses
    # Bumped by every change of any file: a publish names the revision the educator checked.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    course: Mapped[Course] = relationship()
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="workspace", order_by="DraftFile.path"
    )


class DraftFile(db.Model):
    __tablename__ = "authoring_file"
    __table_args__ = (UniqueConstraint("workspace_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("authoring_workspace.id"))
    path: Mapped[str] = mapped_column(String(300))  # relative POSIX path: images/x.png
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded when asked
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    workspace: Mapped[Workspace] = relationship(back_populates="files")
    updated_by: Mapped[User | None] = relationship(lazy="joined")
