"""The parsed, validated and rendered form of a course, as the rest of the app sees it.

Everything here is frozen: a document is built once by the loader and then only read (synced
into the database, compared, shown). Mappings are read-only views so that a document can be
shared between threads without anyone changing it under another's feet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

T = TypeVar("T")


def frozen_mapping(items: Mapping[str, T] | None = None) -> Mapping[str, T]:
    """A read-only copy, so a frozen document cannot be changed through its mappings."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an educator must fix (or, with ``warning`` set, should look at), printed the
    way editors and CI logs can jump to: ``path:line: message`` or
    ``path:line: warning: message``. Warnings never stop a course from loading or syncing."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


def errors(problems) -> list[Problem]:
    """The problems that stop a course (everything but warnings)."""
    return [p for p in problems if not p.warning]


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """Sanitised HTML of one Markdown body, with its table of contents."""

    html: str
    toc_html: str
    headings: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class ChoiceDoc:
    html: str
    correct: bool
    text: str = ""  # the Markdown source, for reports and statistics
    pinned: bool = False  # keeps its place when the quiz shuffles (`<!-- pin -->`)


@dataclass(frozen=True)
class QuestionDoc:
    number: int
    stem_html: str
    choices: tuple[ChoiceDoc, ...]
    explanation_html: str
    multiple: bool
    stem_text: str = ""  # the heading as plain text, for reports and statistics
    # A tip ('> [!TIP]'): shown with the feedback even while the answers are not.
    tip_html: str = ""

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, choice in enumerate(self.choices) if choice.correct)


@dataclass(frozen=True)
class QuizTranslation:
    title: str
    questions: tuple[QuestionDoc, ...]


@dataclass(frozen=True)
class QuizDoc:
    number: int
    slug: str
    title: str
    pass_mark: int
    max_attempts: int | None
    shuffle: bool
    questions_per_attempt: int | None
    partial_credit: bool
    module_number: int | None  # None: a course quiz, which must be passed to complete the course
    questions: tuple[QuestionDoc, ...]
    translations: Mapping[str, QuizTranslation] = field(default_factory=frozen_mapping)
    # When a learner sees the right answers: after_pass (or no attempt left),
    # after_last_attempt, always or never.
    show_answers: str = "after_pass"

    def translated(self, language: str) -> QuizTranslation:
        """The quiz in `language`, or the original when there is no such translation."""
        return self.translations.get(language) or QuizTranslation(self.title, self.questions)


@dataclass(frozen=True)
class ModuleTranslation:
    title: str
    html: str
    toc_html: str


@dataclass(frozen=True)
class ModuleDoc:
    number: int
    slug: str
    title: str
    minutes: int
    audiences: tuple[str, ...]  # the module's own, else the course's
    html: str
    toc_html: str
    translations: Mapping[str, ModuleTranslation] = field(default_factory=frozen_mapping)

    def translated(self, language: str) -> ModuleTranslation:
        """The module in `language`, or the original when there is no such translation."""
        return self.translations.get(language) or ModuleTranslation(
            self.title, self.html, self.toc_html
        )


@dataclass(frozen=True)
class CourseTranslation:
    title: str
    summary: str
    description_html: str


@dataclass(frozen=True)
class CourseDoc:
    slug: str
    title: str
    summary: str
    description_html: str
    audiences: tuple[str, ...]
    version: str
    language: str
    estimated_minutes: int
    enrolment: str
    enrolment_key: str | None
    pass_mark: int
    certificate_valid_months: int | None
    recertify_days: int | None
    status: str
    owners: tuple[str, ...]
    translations: Mapping[str, CourseTranslation]
    modules: tuple[ModuleDoc, ...]
    quizzes: tuple[QuizDoc, ...]
    content_hash: str
    images: tuple[str, ...]
    signature_required: bool = False

    @property
    def major_version(self) -> int:
        return int(self.version.split(".", 1)[0])

    def translated(self, language: str) -> CourseTranslation:
        """The course page in `language`, or the original when there is no such translation."""
        return self.translations.get(language) or CourseTranslation(
            self.title, self.summary, self.description_html
        )

    def module(self, slug: str) -> ModuleDoc | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def quiz(self, slug: str) -> QuizDoc | None:
        return next((q for q in self.quizzes if q.slug == slug), None)

    def quiz_for_module(self, number: int) -> QuizDoc | None:
        """The quiz that closes module `number`, if it has one."""
        return next((q for q in self.quizzes if q.module_number == number), None)

    @property
    def course_quizzes(self) -> tuple[QuizDoc, ...]:
        """Quizzes that belong to no module: each must be passed to complete the course."""
        return tuple(q for q in self.quizzes if q.module_number is None)
