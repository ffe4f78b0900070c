"""Question statistics for educators: SQL aggregations over the per-question answer rows.

Queries per page are constant: one for the quizzes, one GROUP BY for answers per question,
one GROUP BY for picks per choice; no attempt is loaded into Python.

Statistics follow a quiz across the versions of its course in which it did not change: a
typo fixed in a module publishes a new version, but the quiz's questions are the same, so
its answers count together (issue 17). "The same quiz" is the same address (slug) in the
same course with the same :func:`fingerprint` (questions, choices, answer key, in order).
Published versions are immutable, so a fingerprint is computed once per process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from lms.content.models import Course, CourseVersion, Question, Quiz
from lms.content.search import plain_text
from lms.extensions import db
from lms.models import Role
from lms.plugins.quizzes.models import SUBMITTED, Answer, Attempt, Pick
from lms.text import spreadsheet_text

FLAG_MIN_ANSWERS = 5
FLAG_BELOW_PERCENT = 50


def may_see(user, version: CourseVersion) -> bool:
    """Site admins see every quiz; an educator those of the versions they own."""
    if user.has_role(Role.site_admin):
        return True
    return user.has_role(Role.educator) and user.email.lower() in (version.owners or [])


def _owned_version_ids(user) -> list[int] | None:
    """None: all (site admin). Owners are a JSON list, filtered here in one query."""
    if user.has_role(Role.site_admin):
        return None
    email = user.email.lower()
    rows = db.session.execute(select(CourseVersion.id, CourseVersion.owners))
    return [vid for vid, owners in rows if email in (owners or [])]


FINGERPRINTS = "quizzes.fingerprints"
MAX_FINGERPRINTS = 4096
"""Quiz fingerprints kept per app (a quiz row never changes; 64-character strings: < 1 MB)."""


def fingerprint(quiz: Quiz) -> str:
    """A SHA-256 of what the learner answers and how it is marked: each question's stem,
    whether several choices are right, and its choices with their key, in order (the quiz's
    title, translations and explanations may change without changing it). Kept per app,
    not per process: two apps (tests, or two databases) may reuse a quiz id."""
    cache: dict[int, str] = current_app.extensions.setdefault(FINGERPRINTS, {})
    if len(cache) >= MAX_FINGERPRINTS:
        cache.clear()
    if quiz.id not in cache:
        content = [
            [q.number, q.stem_text, q.multiple, [[c["text"], c["correct"]] for c in q.choices]]
            for q in quiz.questions
        ]
        digest = hashlib.sha256(json.dumps([quiz.slug, content]).encode()).hexdigest()
        cache[quiz.id] = digest
    return cache[quiz.id]


def same_quizzes(quiz: Quiz) -> list[Quiz]:
    """``quiz`` and the quizzes of its course's other versions that are the same quiz (same
    slug and :func:`fingerprint`), newest version first."""
    candidates = db.session.scalars(
        select(Quiz)
        .join(Quiz.version)
        .where(CourseVersion.course_id == quiz.version.course_id, Quiz.slug == quiz.slug)
        .options(selectinload(Quiz.questions))
        .order_by(CourseVersion.id.desc())
    ).all()
    mine = fingerprint(quiz)
    return [q for q in candidates if q.id == quiz.id or fingerprint(q) == mine]


@dataclass(frozen=True)
class QuizRow:
    quiz: Quiz
    version: CourseVersion
    course_slug: str
    attempts: int
    passed: int
    # Versions (newest first) whose quiz is this same quiz; the counts are theirs together.
    versions: tuple[str, ...] = ()


def quiz_rows(user) -> list[QuizRow]:
    """The quizzes this user may see, with attempt and pass counts; a quiz that stayed the
    same across versions is one row (its newest version), counting all of them."""
    counts = (
        select(
            Attempt.quiz_id.label("quiz_id"),
            func.count(Attempt.id).label("attempts"),
            func.sum(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
        )
        .where(Attempt.status == SUBMITTED)
        .group_by(Attempt.quiz_id)
        .subquery()
    )
    query = (
        select(Quiz, CourseVersion, Course.slug, counts.c.attempts, counts.c.passed)
        .join(Quiz.version)
        .join(Course, Course.id == CourseVersion.course_id)
        .outerjoin(counts, counts.c.quiz_id == Quiz.id)
        .order_by(Course.slug, CourseVersion.id.desc(), Quiz.number)
    )
    owned = _owned_version_ids(user)
    if owned is not None:
        query = query.where(Quiz.version_id.in_(owned))
    query = query.options(selectinload(Quiz.questions))
    groups: dict[tuple, QuizRow] = {}
    for quiz, version, slug, attempts, passed in db.session.execute(query):
        key = (version.course_id, quiz.slug, fingerprint(quiz))
        row = groups.get(key)
        if row is None:
            groups[key] = QuizRow(
                quiz, version, slug, attempts or 0, passed or 0, (version.version,)
            )
        else:
            groups[key] = QuizRow(
                row.quiz,
                row.version,
                row.course_slug,
                row.attempts + (attempts or 0),
                row.passed + (passed or 0),
                (*row.versions, version.version),
            )
    return list(groups.values())


def find_quiz(quiz_id: int) -> Quiz | None:
    return db.session.scalar(
        select(Quiz)
        .where(Quiz.id == quiz_id)
        .join(Quiz.version)
        .options(contains_eager(Quiz.version))
    )


@dataclass(frozen=True)
class ChoiceStat:
    index: int
    text: str
    right: bool
    picks: int
    percent: float


@dataclass(frozen=True)
class QuestionStat:
    number: int
    text: str
    multiple: bool
    answers: int
    correct: int
    percent_correct: float
    mean_score: float
    flagged: bool
    choices: list[ChoiceStat] = field(default_factory=list)


def _percent(part: int, whole: int) -> float:
    return round(part / whole * 100, 1) if whole else 0.0


def _heading_text(stem_html: str) -> str:
    """The question's heading as text: the first paragraph of its stored stem HTML."""
    first = stem_html.split("</p>", 1)[0]
    return plain_text(first)


def _texts(question: Question, lang: str | None) -> tuple[str, list[str]]:
    """The question's heading and its choices as text in ``lang`` where the quiz has that
    translation, otherwise in the course's own language."""
    own = (question.stem_text, [c["text"] for c in question.choices])
    translated = (question.translations or {}).get(lang) if lang else None
    if not translated or len(translated.get("choices", [])) != len(question.choices):
        return own
    return _heading_text(translated["stem_html"]), [plain_text(c) for c in translated["choices"]]


def question_stats(quiz: Quiz, lang: str | None = None) -> list[QuestionStat]:
    """Per question of the bank: answers, percent fully right, picks per choice, counted
    over every version in which the quiz stayed the same (:func:`same_quizzes`; questions
    matched by number); flagged when at least FLAG_MIN_ANSWERS answered and fewer than
    FLAG_BELOW_PERCENT got it right. Question and choice texts in ``lang`` ("sv", "en")
    where the quiz is translated into it, else in the course's language."""
    quiz_ids = [q.id for q in same_quizzes(quiz)]
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.number)
    ).all()
    answers = {
        number: (n, right or 0, mean or 0.0)
        for number, n, right, mean in db.session.execute(
            select(
                Question.number,
                func.count(Answer.id),
                func.sum(case((Answer.correct.is_(True), 1), else_=0)),
                func.avg(Answer.score),
            )
            .join(Question, Question.id == Answer.question_id)
            .where(Question.quiz_id.in_(quiz_ids))
            .group_by(Question.number)
        )
    }
    picks: dict[tuple[int, int], int] = {
        (number, choice): n
        for number, choice, n in db.session.execute(
            select(Question.number, Pick.choice, func.count(Pick.id))
            .join(Question, Question.id == Pick.question_id)
            .where(Question.quiz_id.in_(quiz_ids))
            .group_by(Question.number, Pick.choice)
        )
    }
    result = []
    for question in questions:
        stem, choice_texts = _texts(question, lang)
        n, right, mean = answers.get(question.number, (0, 0, 0.0))
        percent_correct = _percent(right, n)
        choices = [
            ChoiceStat(
                index=i,
                text=choice_texts[i],
                right=bool(choice["correct"]),
                picks=picks.get((question.number, i), 0),
                percent=_percent(picks.get((question.number, i), 0), n),
            )
            for i, choice in enumerate(question.choices)
        ]
        result.append(
            QuestionStat(
                number=question.number,
                text=stem,
                multiple=question.multiple,
                answers=n,
                correct=right,
                percent_correct=percent_correct,
                mean_score=round(float(mean) * 100, 1),
                flagged=n >= FLAG_MIN_ANSWERS and percent_correct < FLAG_BELOW_PERCENT,
                choices=choices,
            )
        )
    return result


def safe_cell(value):
    """Text as one printable line; Excel runs a cell starting with = + - @ as a formula,
    so such a cell gets a leading '."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def _decimal(value: float) -> str:
    """In the reader's locale (66,7 in Swedish), so Excel reads a number."""
    return format_decimal(value, format="0.#")


def stats_csv(stats: list[QuestionStat]) -> bytes:
    """One row per choice. UTF-8 with a BOM and ``;`` so Swedish Excel opens it right;
    the csv module quotes any cell holding ``;``, quotes or line breaks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Question"),
            _("Question text"),
            _("Answers"),
            _("Percent correct"),
            _("Often missed"),
            _("Choice"),
            _("Choice text"),
            _("Right answer"),
            _("Times chosen"),
            _("Percent chosen"),
        ]
    )
    yes, no = _("yes"), _("no")
    for stat in stats:
        for choice in stat.choices:
            writer.writerow(
                [
                    safe_cell(value)
                    for value in (
                        stat.number,
                        stat.text,
                        stat.answers,
                        _decimal(stat.percent_correct),
                        yes if stat.flagged else no,
                        choice.index + 1,
                        choice.text,
                        yes if choice.right else no,
                        choice.picks,
                        _decimal(choice.percent),
                    )
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
