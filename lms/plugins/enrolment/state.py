"""Where a learner stands in their courses, read in a fixed number of queries.

The course panel, the module panel and the dashboard all show the same facts (modules done,
the next one, the due date, the major-version notice); they are computed here for any
number of enrolments at once so a page's query count does not grow with its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from flask import current_app, g, has_request_context, request
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import defer, joinedload

from lms import clock
from lms.content.models import Course, CourseVersion, Module, Quiz
from lms.extensions import db
from lms.lru import BoundedCache
from lms.plugins.enrolment import versions
from lms.plugins.enrolment.models import Assignment, Completion, Cycle, Enrolment, Progress

OUTLINES = "enrolment.outlines"
MAX_OUTLINES = 512
"""Versions whose module outline is kept per app process; the least recently used goes first."""


@dataclass(frozen=True)
class ModuleOutline:
    """What the progress panels show of a module, copied from its stored (never changed)
    version: plain data, shared between requests and threads."""

    id: int
    version_id: int
    number: int
    slug: str
    title: str
    titles: MappingProxyType  # language -> translated title
    content_hash: str

    def text(self, language: str) -> dict:
        """Like :meth:`lms.content.models.Module.text`, the title only."""
        return {"title": self.titles.get(language) or self.title}


@dataclass(frozen=True)
class QuizOutline:
    id: int
    module_id: int | None  # None: a course quiz (taken after the modules)
    slug: str
    title: str = ""
    titles: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def title_in(self, language: str) -> str:
        return self.titles.get(language) or self.title


@dataclass(frozen=True)
class Outline:
    modules: tuple[ModuleOutline, ...]
    quizzes: MappingProxyType  # module id -> QuizOutline
    course_quizzes: tuple[QuizOutline, ...] = ()  # by number


def outlines(version_ids: Iterable[int]) -> dict[int, Outline]:
    """Version id -> its modules (by number) and module quizzes, from memory; versions not
    in memory are read in two queries. Version rows never change, so nothing expires."""
    cache: BoundedCache = current_app.extensions.setdefault(OUTLINES, BoundedCache(MAX_OUTLINES))
    found = {i: cache.peek(i) for i in set(version_ids)}
    missing = [i for i, outline in found.items() if outline is None]
    if missing:
        modules: dict[int, list[ModuleOutline]] = defaultdict(list)
        rows = db.session.scalars(
            select(Module)
            .where(Module.version_id.in_(missing))
            .options(defer(Module.html), defer(Module.toc_html), defer(Module.audiences))
            .order_by(Module.number)
        )
        for m in rows:
            titles = {lang: t["title"] for lang, t in m.translations.items() if t.get("title")}
            modules[m.version_id].append(
                ModuleOutline(
                    m.id, m.version_id, m.number, m.slug, m.title,
                    MappingProxyType(titles), m.content_hash,
                )
            )  # fmt: skip
        quizzes: dict[int, dict[int, QuizOutline]] = defaultdict(dict)
        closing: dict[int, list[QuizOutline]] = defaultdict(list)
        for quiz_id, version_id, module_id, slug, title, translations in db.session.execute(
            select(
                Quiz.id, Quiz.version_id, Quiz.module_id, Quiz.slug, Quiz.title, Quiz.translations
            )
            .where(Quiz.version_id.in_(missing))
            .order_by(Quiz.number)
        ):
            titles = {k: t["title"] for k, t in (translations or {}).items() if t.get("title")}
            quiz = QuizOutline(quiz_id, module_id, slug, title, MappingProxyType(titles))
            if module_id is None:
                closing[version_id].append(quiz)
            else:
                quizzes[version_id][module_id] = quiz
        for i in missing:
            found[i] = Outline(tuple(modules[i]), MappingProxyType(quizzes[i]), tuple(closing[i]))
            cache.put(i, found[i])
    return found  # type: ignore[return-value]


@dataclass
class CourseState:
    enrolment: Enrolment
    modules: tuple[ModuleOutline, ...]
    done: set[int]
    quizzes: dict[int, QuizOutline]  # module id -> quiz
    completion: Completion | None
    due_on: date | None
    notice: versions.MajorNotice | None
    assigned: bool = False
    completions: list[Completion] = field(default_factory=list)
    # The current cycle's start when the learner takes the course again (else None), and
    # the completions that no longer count because their certificate was revoked.
    retake: Cycle | None = None
    withdrawn_completion_ids: set[int] = field(default_factory=set)
    course_quizzes: tuple[QuizOutline, ...] = ()

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.modules if m.id in self.done)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def next_module(self) -> Module | None:
        return next((m for m in self.modules if m.id not in self.done), None)

    @property
    def overdue(self) -> bool:
        due = self.due_on
        return self.completion is None and due is not None and due < clock.local_today()

    def is_done(self, slug: str) -> bool:
        return any(m.slug == slug and m.id in self.done for m in self.modules)


def counts():
    """SQL condition: the completion still counts (no cycle was started because its
    certificate was revoked)."""
    return ~exists().where(Cycle.ends_completion_id == Completion.id)


# The statements the course state reads, built once per process: building a statement
# with loader options costs more than running it (issue 18). Lists go in as expanding
# parameters.
_LAST_DONE = (
    select(Completion.user_id, Completion.course_id, func.max(Completion.completed_at))
    .where(
        Completion.user_id.in_(bindparam("user_ids", expanding=True)),
        Completion.course_id.in_(bindparam("course_ids", expanding=True)),
        counts(),
    )
    .group_by(Completion.user_id, Completion.course_id)
)
_OPEN_ASSIGNMENTS = (
    select(Assignment.user_id, Assignment.course_id, Assignment.due_on, Assignment.created_at)
    .where(
        Assignment.user_id.in_(bindparam("user_ids", expanding=True)),
        Assignment.course_id.in_(bindparam("course_ids", expanding=True)),
        Assignment.withdrawn_at.is_(None),
    )
    .order_by(Assignment.id)
)
_PROGRESS = select(Progress.enrolment_id, Progress.module_id, Progress.cycle).where(
    Progress.enrolment_id.in_(bindparam("ids", expanding=True)), Progress.module_id.is_not(None)
)
_CYCLES = select(Cycle).where(Cycle.enrolment_id.in_(bindparam("ids", expanding=True)))
_COMPLETIONS = (
    select(Completion)
    .where(Completion.enrolment_id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Completion.version).defer(CourseVersion.search_text))
    .order_by(Completion.completed_at)
)
_ENROLMENTS = (
    select(Enrolment)
    .where(Enrolment.user_id == bindparam("user_id"))
    .options(
        joinedload(Enrolment.version).defer(CourseVersion.search_text),
        joinedload(Enrolment.course)
        .joinedload(Course.published_version)
        .defer(CourseVersion.search_text),
    )
    .order_by(Enrolment.enrolled_at)
)
_COURSE_ENROLMENTS = _ENROLMENTS.where(Enrolment.course_id == bindparam("course_id"))


def open_due_dates(
    user_ids: list[int], course_ids: list[int]
) -> dict[tuple[int, int], date | None]:
    """(user, course) -> due date of the newest open assignment. An assignment is open until
    it is withdrawn or a completion of that course is recorded after it was made (one that
    still counts: not one whose certificate was revoked)."""
    if not user_ids or not course_ids:
        return {}
    wanted = {"user_ids": list(user_ids), "course_ids": list(course_ids)}
    last_done = {
        (user_id, course_id): at
        for user_id, course_id, at in db.session.execute(_LAST_DONE, wanted)
    }
    rows = db.session.execute(_OPEN_ASSIGNMENTS, wanted)
    found: dict[tuple[int, int], date | None] = {}
    for user_id, course_id, due_on, created_at in rows:
        done_at: datetime | None = last_done.get((user_id, course_id))
        if done_at is None or done_at < created_at:
            found[(user_id, course_id)] = due_on
    return found


def states_for(enrolments: list[Enrolment]) -> list[CourseState]:
    """The state of each enrolment (version moves already applied by the caller)."""
    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    version_ids = {e.version_id for e in enrolments}
    for e in enrolments:
        published = e.course.published_version_id
        if published is not None:
            version_ids.add(published)
    found = outlines(version_ids)
    modules = {i: outline.modules for i, outline in found.items()}
    cycle_of = {e.id: e.cycle for e in enrolments}
    done: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, module_id, cycle in db.session.execute(_PROGRESS, {"ids": ids}):
        if cycle == cycle_of[enrolment_id]:
            done[enrolment_id].add(module_id)
    cycles: dict[int, list[Cycle]] = defaultdict(list)
    if any(e.cycle > 1 for e in enrolments):
        for row in db.session.scalars(_CYCLES, {"ids": ids}):
            cycles[row.enrolment_id].append(row)
    completions: dict[int, list[Completion]] = defaultdict(list)
    for completion in db.session.scalars(_COMPLETIONS, {"ids": ids}):
        completions[completion.enrolment_id].append(completion)
    user_ids = sorted({e.user_id for e in enrolments})
    dues = open_due_dates(user_ids, sorted({e.course_id for e in enrolments}))
    states = []
    for e in enrolments:
        own = modules[e.version_id]
        current = next(
            (c for c in completions[e.id] if c.version_id == e.version_id and c.cycle == e.cycle),
            None,
        )
        states.append(
            CourseState(
                enrolment=e,
                modules=own,
                done=done[e.id],
                quizzes=dict(found[e.version_id].quizzes),
                completion=current,
                due_on=dues.get((e.user_id, e.course_id)),
                notice=versions.major_notice(e, modules),
                assigned=(e.user_id, e.course_id) in dues,
                completions=completions[e.id],
                retake=next((c for c in cycles[e.id] if c.number == e.cycle), None),
                withdrawn_completion_ids={
                    c.ends_completion_id for c in cycles[e.id] if c.ends_completion_id
                },
                course_quizzes=found[e.version_id].course_quizzes,
            )
        )
    return states


def load_enrolments(user_id: int, course_id: int | None = None) -> list[Enrolment]:
    """The person's enrolments (any status; of one course when ``course_id`` is given), in
    enrolment order, with their version and course (and its published version) loaded."""
    if course_id is None:
        return list(db.session.scalars(_ENROLMENTS, {"user_id": user_id}).unique())
    found = db.session.scalars(_COURSE_ENROLMENTS, {"user_id": user_id, "course_id": course_id})
    return list(found.unique())


STATE_MEMO = "enrolment_state_memo"


def state_of(user_id: int, course_id: int) -> CourseState | None:
    """The person's state in the course (None: not enrolled, or withdrawn).

    A page asks this more than once (the course panel, then another plugin through
    ``enrolment_progress``), so within one GET or HEAD request the answer is kept on
    ``flask.g``: such a request changes nothing (no state change on GET), so the second
    answer would be the same. Any other request reads afresh every time, since it may
    have written in between."""
    memo = None
    if has_request_context() and request.method in ("GET", "HEAD"):
        memo = g.setdefault(STATE_MEMO, {})
        if (user_id, course_id) in memo:
            return memo[(user_id, course_id)]
    found = [e for e in load_enrolments(user_id, course_id) if e.is_active]
    state = states_for(found)[0] if found else None
    if memo is not None:
        memo[(user_id, course_id)] = state
    return state
