"""Read-only copies of stored course versions, kept in memory by each app.

A course version is never changed once stored (see lms.content.models): whatever a page shows
of version 12 is the same on every request. So the catalogue loads a version with its modules
and quizzes once, copies what its pages show into frozen objects, and serves later requests
from memory. Only "which version is published now" is asked of the database each time. The
copies are plain data, safe to share between a worker's threads, and never reach into a
database session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.content.models import CourseVersion, Module, Quiz
from lms.extensions import db
from lms.text import fold

MAX_VERSIONS = 128
"""Versions kept per app process; the least recently used goes first."""

STORE = "catalog.versions"


def _texts(row, languages: Iterable[str]) -> MappingProxyType:
    """The row's text in each UI language, picked by the content model's own ``text``."""
    return MappingProxyType({lang: MappingProxyType(dict(row.text(lang))) for lang in languages})


@dataclass(frozen=True)
class ModuleCopy:
    id: int
    number: int
    slug: str
    minutes: int
    language: str  # of the original text
    translated: frozenset[str]
    texts: MappingProxyType  # language -> {"title", "html", "toc_html"}

    def text(self, language: str):
        return self.texts.get(language) or self.texts[self.language]

    def language_in(self, language: str) -> str:
        """The language the text shown for UI ``language`` is written in."""
        return language if language in self.translated else self.language


@dataclass(frozen=True)
class QuizCopy:
    id: int
    module_id: int | None
    slug: str
    language: str
    translated: frozenset[str]
    titles: MappingProxyType  # language -> title

    def title_in(self, language: str) -> str:
        return self.titles.get(language) or self.titles[self.language]

    def language_in(self, language: str) -> str:
        return language if language in self.translated else self.language


@dataclass(frozen=True)
class VersionCopy:
    id: int
    course_id: int
    version: str
    status: str
    language: str
    audiences: tuple[str, ...]
    estimated_minutes: int
    enrolment: str
    search_text: str
    translated: frozenset[str]
    texts: MappingProxyType  # language -> {"title", "summary", "description_html"}
    modules: tuple[ModuleCopy, ...]
    quizzes: tuple[QuizCopy, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def languages(self) -> list[str]:
        """The course's own language first, then the languages it is translated into."""
        return [self.language, *sorted(self.translated - {self.language})]

    def text(self, language: str):
        return self.texts.get(language) or self.texts[self.language]

    def language_in(self, language: str) -> str:
        return language if language in self.translated else self.language


def _copy(version: CourseVersion) -> VersionCopy:
    languages = {*current_app.config["LMS_LOCALES"], version.language}
    return VersionCopy(
        id=version.id,
        course_id=version.course_id,
        version=version.version,
        status=version.status,
        language=version.language,
        audiences=tuple(version.audiences),
        estimated_minutes=version.estimated_minutes,
        enrolment=version.enrolment,
        search_text=fold(version.search_text),  # case and diacritics off (lms.text.fold)
        translated=frozenset(version.translations),
        texts=_texts(version, languages),
        modules=tuple(
            ModuleCopy(
                id=m.id,
                number=m.number,
                slug=m.slug,
                minutes=m.minutes,
                language=version.language,
                translated=frozenset(m.translations),
                texts=_texts(m, languages),
            )
            for m in version.modules
        ),
        quizzes=tuple(
            QuizCopy(
                id=q.id,
                module_id=q.module_id,
                slug=q.slug,
                language=version.language,
                translated=frozenset(q.translations),
                titles=MappingProxyType({lang: q.title_in(lang) for lang in languages}),
            )
            for q in version.quizzes
        ),
    )


class Store:
    """The copies of one app, by version id (ids are never reused: versions are not deleted)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[int, VersionCopy] = OrderedDict()


def init_app(app: Flask) -> None:
    app.extensions[STORE] = Store()


def versions(ids: Iterable[int | None]) -> dict[int, VersionCopy]:
    """Copies of the versions ``ids``; those not in memory are loaded in three queries."""
    wanted = {i for i in ids if i is not None}
    store: Store = current_app.extensions[STORE]
    with store.lock:
        found = {i: store.items[i] for i in wanted if i in store.items}
        for i in found:
            store.items.move_to_end(i)
    missing = wanted - set(found)
    if missing:
        rows = db.session.scalars(
            select(CourseVersion)
            .where(CourseVersion.id.in_(missing))
            .options(
                selectinload(CourseVersion.modules).load_only(
                    Module.id,
                    Module.number,
                    Module.slug,
                    Module.title,
                    Module.minutes,
                    Module.html,
                    Module.toc_html,
                    Module.translations,
                ),
                selectinload(CourseVersion.quizzes).load_only(
                    Quiz.id, Quiz.module_id, Quiz.slug, Quiz.title, Quiz.translations
                ),
            )
        )
        loaded = {row.id: _copy(row) for row in rows}
        with store.lock:
            store.items.update(loaded)
            while len(store.items) > MAX_VERSIONS:
                store.items.popitem(last=False)
        found.update(loaded)
    return found
