"""The Markdown course pipeline: load -> validate -> render -> sanitise.

A pure library (no Flask, no database): the CLI checks courses with `check_courses`, the sync
stores what `load_courses` returns, and nothing at request time renders Markdown.
"""

from .documents import (
    ChoiceDoc,
    CourseDoc,
    CourseTranslation,
    Heading,
    ModuleDoc,
    ModuleTranslation,
    Problem,
    QuestionDoc,
    QuizDoc,
    QuizTranslation,
    Rendered,
)
from .links import CourseLinks, KeepLinks, LinkResolver
from .loader import check_courses, load_course, load_courses
from .render import render_inline, render_markdown
from .sanitize import sanitize

__all__ = [
    "ChoiceDoc",
    "CourseDoc",
    "CourseLinks",
    "CourseTranslation",
    "Heading",
    "KeepLinks",
    "LinkResolver",
    "ModuleDoc",
    "ModuleTranslation",
    "Problem",
    "QuestionDoc",
    "QuizDoc",
    "QuizTranslation",
    "Rendered",
    "check_courses",
    "load_course",
    "load_courses",
    "render_inline",
    "render_markdown",
    "sanitize",
]
