"""The stored form of the courses: what the sync writes and every page reads.

A course has many versions; a version is never changed or deleted once stored, because
enrolments, attempts and certificates point at it and must say exactly which text a learner
completed. ``latest_version`` is what educators preview; ``published_version`` is what
learners get. Markdown is rendered and sanitised before it gets here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import utcnow

MANAGED_IN_COURSES = "courses"
MANAGED_IN_APP = "app"


class Course(db.Model):
    __tablename__ = "content_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    latest_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_version.id", use_alter=True)
    )
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_version.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the course's text is kept: "courses" (the courses/ folder, usually under git,
    # loaded by the sync) or "app" (the draft workspace of the authoring plugin). The sync
    # refuses to overwrite a course managed in the app.
    managed_in: Mapped[str] = mapped_column(
        String(10), default=MANAGED_IN_COURSES, server_default=MANAGED_IN_COURSES
    )

    latest_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[latest_version_id], post_update=True
    )
    published_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )


class CourseVersion(db.Model):
    __tablename__ = "content_version"
    __table_args__ = (
        UniqueConstraint("course_id", "content_hash"),
        UniqueConstraint("course_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    major: Mapped[int]
    minor: Mapped[int]
    patch: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text)
    audiences: Mapped[list] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(5))
    estimated_minutes: Mapped[int]
    enrolment: Mapped[str] = mapped_column(String(20))
    enrolment_key: Mapped[str | None] = mapped_column(String(200))
    pass_mark: Mapped[int]
    certificate_valid_months: Mapped[int | None]
    # Days before a certificate expires that the holder is assigned the course again
    # (front matter ``recertify_days``; None: LMS_RECERTIFY_DAYS).
    recertify_days: Mapped[int | None]
    # ``signature: required``: the learner signs before the course counts as completed.
    signature_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20))
    owners: Mapped[list] = mapped_column(JSON)
    # {"sv": {"title": ..., "summary": ..., "description_html": ...}}
    translations: Mapped[dict] = mapped_column(JSON)
    # Lower-cased text of titles and summaries in every language, for catalogue search.
    search_text: Mapped[str] = mapped_column(Text)
    # What changed since the version before, in the publishing educator's words (versions
    # published in the app); shown to learners asked to re-take modules after a major one.
    change_note: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    modules: Mapped[list[Module]] = relationship(
        back_populates="version", order_by="Module.number", cascade="all"
    )
    quizzes: Mapped[list[Quiz]] = relationship(
        back_populates="version", order_by="Quiz.number", cascade="all"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def text(self, language: str) -> dict:
        """Title, summary and description in ``language``, else in the original."""
        original = {
            "title": self.title,
            "summary": self.summary,
            "description_html": self.description_html,
        }
        return self.translations.get(language) or original


class Module(db.Model):
    __tablename__ = "content_module"
    __table_args__ = (
        UniqueConstraint("version_id", "slug"),
        UniqueConstraint("version_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    number: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int]
    audiences: Mapped[list] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    toc_html: Mapped[str] = mapped_column(Text)
    # {"sv": {"title": ..., "html": ..., "toc_html": ...}}
    translations: Mapped[dict] = mapped_column(JSON)
    # Hash of the module's text and its quiz: a major version asks learners to re-take only
    # the modules whose hash changed.
    content_hash: Mapped[str] = mapped_column(String(64))

    version: Mapped[CourseVersion] = relationship(back_populates="modules")

    def text(self, language: str) -> dict:
        original = {"title": self.title, "html": self.html, "toc_html": self.toc_html}
        return self.translations.get(language) or original


class Quiz(db.Model):
    __tablename__ = "content_quiz"
    __table_args__ = (UniqueConstraint("version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("content_module.id"), index=True)
    number: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    pass_mark: Mapped[int]
    max_attempts: Mapped[int | None]
    shuffle: Mapped[bool]
    questions_per_attempt: Mapped[int | None]
    partial_credit: Mapped[bool]
    # When a learner sees the right answers: after_pass (passed, or no attempt left),
    # after_last_attempt, always or never (docs/course-format.md).
    show_answers: Mapped[str] = mapped_column(
        String(20), default="after_pass", server_default="after_pass"
    )
    translations: Mapped[dict] = mapped_column(JSON)  # {"sv": {"title": ...}}

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")
    module: Mapped[Module | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.number", cascade="all"
    )

    def title_in(self, language: str) -> str:
        return self.translations.get(language, {}).get("title", self.title)


class Question(db.Model):
    """A question with its answer key. Never send ``choices[*].correct`` or the
    explanation to a browser before the quiz's ``show_answers`` allows; the tip (an
    explanation the author marked ``[!TIP]``) may go with any feedback."""

    __tablename__ = "content_question"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("content_quiz.id"), index=True)
    number: Mapped[int]
    stem_html: Mapped[str] = mapped_column(Text)
    stem_text: Mapped[str] = mapped_column(Text)
    explanation_html: Mapped[str] = mapped_column(Text)
    tip_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    multiple: Mapped[bool]
    # [{"html": ..., "text": ..., "correct": bool, "pinned": true (only when pinned)}]
    choices: Mapped[list] = mapped_column(JSON)
    # {"sv": {"stem_html": ..., "explanation_html": ..., "tip_html": ..., "choices": [html]}}
    translations: Mapped[dict] = mapped_column(JSON)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class Asset(db.Model):
    """A picture of a course version, stored so every version keeps its own pictures and
    several app instances need no shared disk."""

    __tablename__ = "content_asset"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(60))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    version: Mapped[CourseVersion] = relationship()


class SearchText(db.Model):
    """The words of one module in one language, for full-text search (see
    :mod:`lms.content.search`): written at sync with the version, never changed. The
    databases' full-text indexes over it (an FTS5 table on SQLite, a GIN index on
    PostgreSQL) are made by migration 0017_search."""

    __tablename__ = "content_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("content_module.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
