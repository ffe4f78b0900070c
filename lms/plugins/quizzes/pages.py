"""What every quiz page needs: who is asking, the quiz's context, the status pages."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from lms.models import Role
from lms.plugins.quizzes.display import percent

# Who sees draft courses (as the catalogue lets them) and may take their quizzes as a
# preview, with nothing stored.
PREVIEWERS = (Role.educator, Role.centre_admin, Role.site_admin)


def user():
    return current_user._get_current_object()


def lang() -> str:
    return str(get_locale())


def draft_asked() -> bool:
    """``?preview=draft``, as the catalogue's preview links carry."""
    return request.args.get("preview") == "draft"


def course_url(slug: str) -> str:
    """The catalogue's public course page (a stable URL; we never import the catalog)."""
    return f"{request.script_root}/courses/{slug}/"


def back_url(quiz) -> str:
    slug = quiz.version.course.slug
    if quiz.module is not None:
        return f"{request.script_root}/courses/{slug}/{quiz.module.slug}/"
    return course_url(slug)


def context(quiz) -> dict:
    version = quiz.version
    return {
        "quiz": quiz,
        "quiz_title": quiz.title_in(lang()),
        "course_title": version.text(lang())["title"],
        "course_slug": version.course.slug,
        "course_url": course_url(version.course.slug),
        "back_url": back_url(quiz),
        "percent": percent,
    }


def status(quiz, state: str, code: int = 200, **extra):
    return render_template("quizzes/status.html", state=state, **context(quiz), **extra), code


def result_url(attempt) -> str:
    quiz = attempt.quiz
    return url_for(
        "quizzes.result",
        course=quiz.version.course.slug,
        quiz=quiz.slug,
        attempt_id=attempt.id,
    )
