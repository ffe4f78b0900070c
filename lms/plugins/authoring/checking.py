"""The draft as the course pipeline sees it: written to a temporary course folder and read by
the same loader and checker as ``flask lms check-courses`` (one code path, no copy of it).

Loading renders every Markdown file, so a loaded draft is kept in memory per app process,
keyed by its files' paths and hashes: the next page view of an unchanged draft is free, and
any change makes a new key.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer

from lms.content import CourseDoc, Problem, load_course
from lms.content.documents import errors
from lms.extensions import db
from lms.plugins.authoring.models import DraftFile, Workspace

STORE = "authoring.loaded"
MAX_LOADED = 16
"""Loaded drafts kept per app process; the least recently used goes first."""


NO_MODULES = "the course has no modules"  # lms.content.builder's message


@dataclass(frozen=True)
class Loaded:
    """A draft as checked: the document (None while any problem is an error) and problems
    with paths relative to the course folder (``01-intro.md``)."""

    key: str
    doc: CourseDoc | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def needs_first_module(self) -> bool:
        """True while the draft has no module yet (a course just made): the next step to
        show, not a problem to list."""
        return any(p.message.startswith(NO_MODULES) for p in self.errors)

    @property
    def problems_to_show(self) -> list[Problem]:
        """The problems without "the course has no modules" (shown as the next step)."""
        return [p for p in self.problems if not p.message.startswith(NO_MODULES)]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def for_file(self, path: str) -> list[Problem]:
        return [p for p in self.problems_to_show if p.path == path]


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, Loaded] = OrderedDict()


def init_app(app: Flask) -> None:
    app.extensions[STORE] = _Store()


@contextmanager
def materialised(slug: str, files: Mapping[str, bytes]) -> Iterator[Path]:
    """A temporary course folder named ``slug`` holding ``files`` (paths already checked by
    :func:`lms.plugins.authoring.paths.clean_path`); removed on exit."""
    with tempfile.TemporaryDirectory(prefix="lms-draft-") as tmp:
        folder = Path(tmp) / slug
        folder.mkdir()
        for path, data in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield folder


def check_folder(folder: Path) -> tuple[CourseDoc | None, list[Problem]]:
    """``load_course`` with problems shown relative to the course folder itself."""
    return load_course(folder, display_root=folder)


def files_key(slug: str, rows) -> str:
    """Names the draft's exact content from (path, sha256) pairs, without its bytes."""
    digest = hashlib.sha256(slug.encode())
    for path, sha in sorted(rows):
        digest.update(f"\0{path}\0{sha}".encode())
    return digest.hexdigest()


def file_bytes(workspace: Workspace) -> dict[str, bytes]:
    """Every file of the draft with its bytes, in one query."""
    rows = db.session.scalars(
        select(DraftFile)
        .where(DraftFile.workspace_id == workspace.id)
        .options(undefer(DraftFile.data))
        .order_by(DraftFile.path)
    )
    return {row.path: row.data for row in rows}


def paths(workspace: Workspace) -> set[str]:
    """The paths of the draft's files."""
    return set(
        db.session.scalars(select(DraftFile.path).where(DraftFile.workspace_id == workspace.id))
    )


def check_files(slug: str, files: Mapping[str, bytes]) -> tuple[CourseDoc | None, list[Problem]]:
    with materialised(slug, files) as folder:
        return check_folder(folder)


def load_draft(workspace: Workspace) -> Loaded:
    """The draft checked and, when it has no errors, loaded; from memory when unchanged."""
    slug = workspace.course.slug
    pairs = db.session.execute(
        select(DraftFile.path, DraftFile.sha256).where(DraftFile.workspace_id == workspace.id)
    ).all()
    key = files_key(slug, [tuple(p) for p in pairs])
    store: _Store = current_app.extensions[STORE]
    with store.lock:
        found = store.items.get(key)
        if found is not None:
            store.items.move_to_end(key)
            return found
    doc, problems = check_files(slug, file_bytes(workspace))
    loaded = Loaded(key, doc, tuple(problems))
    with store.lock:
        store.items[key] = loaded
        while len(store.items) > MAX_LOADED:
            store.items.popitem(last=False)
    return loaded


def picture_problems(slug: str, path: str, data: bytes) -> list[Problem]:
    """What the course checker says about one picture on its own (an SVG with scripts, say):
    the picture is checked in a folder of its own and only its problems are kept."""
    _doc, problems = check_files(slug, {path: data})
    return [p for p in problems if p.path == path and not p.warning]
