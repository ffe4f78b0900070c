"""Entry points: load one course, load all courses, check them for `flask lms check-courses`.

Paths in problems are shown relative to the parent of the courses folder, so that an
educator sees `courses/atmp-fundamentals/01-intro.md:12: ...` whatever the working directory
of the command was, and can paste the path into an editor.
"""

from __future__ import annotations

from pathlib import Path

from .builder import CourseBuilder
from .documents import CourseDoc, Problem, errors


def load_course(
    folder: Path, *, display_root: Path | None = None
) -> tuple[CourseDoc | None, list[Problem]]:
    """Load one course folder; the document is None when there is any problem other than a
    warning (the warnings are returned with it).

    Problems show paths relative to `display_root`, by default the parent of the courses
    folder (`folder.parent.parent`), which gives `courses/<course>/<file>`.
    """
    folder = Path(folder)
    if display_root is None:
        display_root = folder.absolute().parent.parent
    builder = CourseBuilder(folder, display_root)
    course = builder.build()
    problems = sorted(set(builder.problems))
    return (course if not errors(problems) else None), problems


def _is_course_folder(folder: Path) -> bool:
    # A course folder has Markdown files of its own; the courses folder only has folders
    # (and perhaps a README, which is why course.md alone is not the test).
    return (folder / "course.md").exists() or any(
        p.suffix == ".md" and p.name.lower() != "readme.md" for p in folder.iterdir()
    )


def course_folders(root: Path) -> tuple[list[Path], Path]:
    """The course folders under `root` and the display root for their problems.

    `root` is either the courses folder or a single course folder.
    """
    root = Path(root)
    if _is_course_folder(root):
        return [root], root.absolute().parent.parent
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return folders, root.absolute().parent


def load_courses(root: Path) -> tuple[list[CourseDoc], list[Problem]]:
    """Every course under `root` that checks, plus the problems of those that do not."""
    root = Path(root)
    if not root.is_dir():
        return [], [Problem(str(root), 1, "no such folder")]
    folders, display_root = course_folders(root)
    courses: list[CourseDoc] = []
    problems: list[Problem] = []
    for folder in folders:
        course, found = load_course(folder, display_root=display_root)
        problems.extend(found)
        if course is not None:
            courses.append(course)
    return courses, problems


def check_courses(root: Path) -> list[Problem]:
    """All problems of all courses under `root` (a courses folder or one course folder),
    warnings included (see :attr:`Problem.warning`)."""
    return load_courses(root)[1]
