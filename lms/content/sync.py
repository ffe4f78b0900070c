"""Store checked courses in the database: ``flask lms sync-courses``.

Each course is synced in its own transaction. A course that does not check is refused with
its problems and the version already stored keeps serving. An unchanged course (same content
hash) is a no-op. A version row, once stored, is never changed or deleted: learners' records
point at it. Changing a course's files without bumping ``version`` is refused, so a version
number always names exactly one text. A course managed in the app (``Course.managed_in``) is
refused too: the authoring plugin publishes it through :func:`stage_version`, the same code.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.content import search
from lms.content.documents import CourseDoc, QuestionDoc
from lms.content.files import disk_path
from lms.content.loader import course_folders, load_course
from lms.content.models import (
    MANAGED_IN_APP,
    Asset,
    Course,
    CourseVersion,
    Module,
    Question,
    Quiz,
)
from lms.extensions import db
from lms.models import utcnow
from lms.text import nfc


@dataclass
class SyncResult:
    slug: str
    outcome: str  # "new", "unchanged" or "refused"
    version: str = ""
    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{self.slug}: {self.outcome}" + (f" {self.version}" if self.version else "")
        return "\n".join([head, *(f"  {m}" for m in self.messages)])


def semver(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("+")[0].split("-")[0].split("."))
    return major, minor, patch


def _question_payload(question: QuestionDoc) -> dict:
    payload = {
        "stem": question.stem_html,
        "choices": [[c.html, c.correct] for c in question.choices],
        "explanation": question.explanation_html,
    }
    if any(c.pinned for c in question.choices):  # only then: older hashes stay as they were
        payload["pinned"] = [i for i, c in enumerate(question.choices) if c.pinned]
    if question.tip_html:  # only then: the hashes of versions stored before stay the same
        payload["tip"] = question.tip_html
    return payload


def module_hash(doc: CourseDoc, number: int) -> str:
    """What a learner reads and answers in one module, in every language."""
    module = next(m for m in doc.modules if m.number == number)
    quiz = doc.quiz_for_module(number)
    payload = {
        "html": module.html,
        "translations": {k: v.html for k, v in sorted(module.translations.items())},
        "quiz": [_question_payload(q) for q in quiz.questions] if quiz else None,
        "pass_mark": quiz.pass_mark if quiz else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _choice(choice) -> dict:
    stored = {"html": choice.html, "text": choice.text, "correct": choice.correct}
    if choice.pinned:
        stored["pinned"] = True  # keeps its place when the quiz shuffles
    return stored


def _question_row(question: QuestionDoc, translations: dict[str, QuestionDoc]) -> Question:
    return Question(
        number=question.number,
        stem_html=question.stem_html,
        stem_text=question.stem_text,
        explanation_html=question.explanation_html,
        tip_html=question.tip_html,
        multiple=question.multiple,
        choices=[_choice(c) for c in question.choices],
        translations={
            lang: {
                "stem_html": q.stem_html,
                "explanation_html": q.explanation_html,
                "tip_html": q.tip_html,
                "choices": [c.html for c in q.choices],
            }
            for lang, q in translations.items()
        },
    )


def build_version(doc: CourseDoc, course: Course, folder: Path) -> CourseVersion:
    major, minor, patch = semver(doc.version)
    search = [doc.title, doc.summary] + [
        part for t in doc.translations.values() for part in (t.title, t.summary)
    ]
    version = CourseVersion(
        course_id=course.id,
        version=doc.version,
        major=major,
        minor=minor,
        patch=patch,
        content_hash=doc.content_hash,
        title=doc.title,
        summary=doc.summary,
        description_html=doc.description_html,
        audiences=list(doc.audiences),
        language=doc.language,
        estimated_minutes=doc.estimated_minutes,
        enrolment=doc.enrolment,
        enrolment_key=doc.enrolment_key,
        pass_mark=doc.pass_mark,
        certificate_valid_months=doc.certificate_valid_months,
        recertify_days=doc.recertify_days,
        signature_required=doc.signature_required,
        status=doc.status,
        owners=[owner.lower() for owner in doc.owners],
        translations={
            lang: {"title": t.title, "summary": t.summary, "description_html": t.description_html}
            for lang, t in doc.translations.items()
        },
        search_text=nfc(" ".join(search)).lower(),
    )
    modules_by_number = {}
    for m in doc.modules:
        row = Module(
            number=m.number,
            slug=m.slug,
            title=m.title,
            minutes=m.minutes,
            audiences=list(m.audiences),
            html=m.html,
            toc_html=m.toc_html,
            translations={
                lang: {"title": t.title, "html": t.html, "toc_html": t.toc_html}
                for lang, t in m.translations.items()
            },
            content_hash=module_hash(doc, m.number),
        )
        modules_by_number[m.number] = row
        version.modules.append(row)
    for q in doc.quizzes:
        quiz = Quiz(
            number=q.number,
            slug=q.slug,
            title=q.title,
            pass_mark=q.pass_mark,
            max_attempts=q.max_attempts,
            shuffle=q.shuffle,
            questions_per_attempt=q.questions_per_attempt,
            partial_credit=q.partial_credit,
            show_answers=q.show_answers,
            translations={lang: {"title": t.title} for lang, t in q.translations.items()},
            module=modules_by_number.get(q.module_number) if q.module_number else None,
        )
        for index, question in enumerate(q.questions):
            translated = {lang: t.questions[index] for lang, t in q.translations.items()}
            quiz.questions.append(_question_row(question, translated))
        version.quizzes.append(quiz)
    for relative in doc.images:
        data = disk_path(folder, relative).read_bytes()
        db.session.add(
            Asset(
                version=version,
                path=relative,
                media_type=mimetypes.guess_type(relative)[0] or "application/octet-stream",
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
        )
    return version


def _refusal(doc: CourseDoc, course: Course) -> str | None:
    same_number = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.version == doc.version
        )
    )
    if same_number is not None:
        return (
            f"version {doc.version} is already stored with different content: "
            "bump `version` in course.md"
        )
    newest = db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course.id)
        .order_by(
            CourseVersion.major.desc(), CourseVersion.minor.desc(), CourseVersion.patch.desc()
        )
        .limit(1)
    )
    if newest is not None and semver(doc.version) < (newest.major, newest.minor, newest.patch):
        return f"version {doc.version} is older than the stored {newest.version}"
    return None


def _course_for_update(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug).with_for_update())
    if course is None:
        course = Course(slug=slug)
        db.session.add(course)
        db.session.flush()
    return course


def _managed_in_app(slug: str) -> str:
    return (
        f"managed in the app (its draft and newer versions are made there), so courses/{slug} "
        f"may not overwrite it; to manage it from courses/ again run "
        f"`flask lms take-over-course {slug} --to-git` (download the app's draft as a ZIP "
        "first), or remove the folder"
    )


def stage_version(
    doc: CourseDoc, folder: Path, *, from_app: bool = False
) -> tuple[SyncResult, CourseVersion | None]:
    """Add ``doc`` (loaded from ``folder``, which holds its pictures) to the session as a new
    version of its course, flushed but not committed; the caller commits or rolls back, so
    a publish can add its own rows to the same transaction.

    Returns the result and the new version, or None with an "unchanged" or "refused" result
    (the session may then hold a locked course row: roll back). ``from_app``: the authoring
    plugin publishes a course managed in the app; the sync (False) refuses such a course.
    Raises IntegrityError when another process stored the same version first.
    """
    course = _course_for_update(doc.slug)
    existing = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id,
            CourseVersion.content_hash == doc.content_hash,
        )
    )
    if existing is not None:
        return SyncResult(doc.slug, "unchanged", doc.version), None
    if not from_app and course.managed_in == MANAGED_IN_APP:
        return SyncResult(doc.slug, "refused", doc.version, [_managed_in_app(doc.slug)]), None
    refusal = _refusal(doc, course)
    if refusal:
        return SyncResult(doc.slug, "refused", doc.version, [refusal]), None
    version = build_version(doc, course, folder)
    db.session.add(version)
    db.session.flush()
    search.index_version(version)  # the modules' words, in the same transaction
    course.latest_version_id = version.id
    if doc.status == "published":
        course.published_version_id = version.id
    return SyncResult(doc.slug, "new", doc.version), version


def announce_published(version: CourseVersion) -> None:
    """After the commit that stored ``version`` as the course's published one: send
    ``version_published`` (the enrolment plugin moves unfinished enrolments of the same
    major version onto it, each in a transaction of its own). Both ways a version is stored
    call it: the sync below and publishing in the app."""
    events.emit(
        events.version_published,
        events.VersionPublished(course_id=version.course_id, version_id=version.id, at=utcnow()),
    )


def sync_course(doc: CourseDoc, folder: Path) -> SyncResult:
    try:
        result, version = stage_version(doc, folder)
        if version is None:
            db.session.rollback()
            return result
        db.session.commit()
    except IntegrityError:
        # Another process stored the same version first: nothing is lost, nothing to do.
        db.session.rollback()
        return SyncResult(doc.slug, "unchanged", doc.version, ["stored by another process"])
    except Exception:
        db.session.rollback()
        raise
    if doc.status == "published":
        announce_published(version)
    return result


def sync_courses(root: Path) -> list[SyncResult]:
    root = Path(root)
    if not root.is_dir():
        return [SyncResult(str(root), "refused", messages=["no such folder"])]
    folders, display_root = course_folders(root)
    results = []
    for folder in folders:
        doc, problems = load_course(folder, display_root=display_root)
        if doc is None:
            results.append(SyncResult(folder.name, "refused", messages=[str(p) for p in problems]))
            continue
        result = sync_course(doc, folder)
        result.messages.extend(str(p) for p in problems)  # warnings only, by now
        results.append(result)
    return results
