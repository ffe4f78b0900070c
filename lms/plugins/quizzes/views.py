"""Quiz pages. Thin: resolve what is asked, let services decide, render the outcome."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from lms.access import login_required, roles_required
from lms.extensions import csrf, release_write_lock, writes_on_get
from lms.models import Role
from lms.plugins.quizzes import services, stats
from lms.plugins.quizzes.display import feedback_questions, form_questions, percent
from lms.plugins.quizzes.grading import InvalidAnswers, read_answers

bp = Blueprint("quizzes", __name__, template_folder="templates")

EDUCATORS = (Role.educator, Role.site_admin)


def _user():
    return current_user._get_current_object()


def _lang() -> str:
    return str(get_locale())


def course_url(slug: str) -> str:
    """The catalogue's public course page (a stable URL; we never import the catalog)."""
    return f"{request.script_root}/courses/{slug}/"


def back_url(quiz) -> str:
    slug = quiz.version.course.slug
    if quiz.module is not None:
        return f"{request.script_root}/courses/{slug}/{quiz.module.slug}/"
    return course_url(slug)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _context(quiz) -> dict:
    version = quiz.version
    return {
        "quiz": quiz,
        "quiz_title": quiz.title_in(_lang()),
        "course_title": version.text(_lang())["title"],
        "course_slug": version.course.slug,
        "course_url": course_url(version.course.slug),
        "back_url": back_url(quiz),
        "percent": percent,
    }


def _status(quiz, state: str, code: int = 200, **extra):
    return render_template("quizzes/status.html", state=state, **_context(quiz), **extra), code


def _form(quiz, attempt, questions, selected, *, message=None, code=200):
    used = attempt.number
    return (
        render_template(
            "quizzes/take.html",
            attempt=attempt,
            questions=form_questions(attempt, questions, _lang(), selected),
            message=message,
            max_attempts=quiz.max_attempts,
            used=used,
            **_context(quiz),
        ),
        code,
    )


def _result_url(attempt) -> str:
    quiz = attempt.quiz
    return url_for(
        "quizzes.result",
        course=quiz.version.course.slug,
        quiz=quiz.slug,
        attempt_id=attempt.id,
    )


def _show_form(course, quiz_slug: str):
    user = _user()
    attempt = services.in_progress_attempt(user.id, course.id, quiz_slug)
    quiz = attempt.quiz if attempt else None
    if quiz is None:
        quiz = services.served_quiz(course, quiz_slug, preview=user.role in EDUCATORS)
    if quiz is None:
        abort(404)
    if not services.enrolment_allows(user.id, quiz):
        return _status(quiz, "not_enrolled", 403)
    if attempt is None:
        passed = None if request.args.get("again") else services.passed_attempt(user.id, quiz.id)
        if passed is not None:
            used = services.attempts_used(user.id, quiz.id)
            left = services.attempts_left(quiz, used)
            return _status(quiz, "passed", result_url=_result_url(passed), left=left)
        try:
            attempt = services.start_attempt(user.id, quiz)
            release_write_lock()  # stored; the form renders without holding the lock
        except services.NoAttemptsLeft:
            latest = services.latest_attempt(user.id, quiz.id)
            return _status(quiz, "no_attempts", result_url=_result_url(latest) if latest else None)
    questions = services.drawn_questions(attempt)
    return _form(quiz, attempt, questions, attempt.answers or {})


def _submit(course, quiz_slug: str):
    user = _user()
    attempt_id = _int(request.form.get("attempt_id"))
    lock_version = _int(request.form.get("lock_version"))
    attempt = services.load_result(attempt_id, user.id) if attempt_id else None
    if attempt is None or attempt.quiz.slug != quiz_slug:
        abort(404)
    quiz = attempt.quiz
    if quiz.version.course_id != course.id:
        abort(404)
    if not attempt.in_progress:
        return _status(quiz, "already_submitted", 409, result_url=_result_url(attempt))
    questions = services.drawn_questions(attempt)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        # Keep what was ticked: show it again (nothing stored) with a fresh token.
        kept = read_answers(questions, request.form, strict=False)
        message = _("Your session had expired; your answers are kept. Check them and submit again.")
        return _form(quiz, attempt, questions, kept, message=message, code=400)
    if not services.enrolment_allows(user.id, quiz):
        return _status(quiz, "not_enrolled", 403)
    if lock_version != attempt.lock_version:
        return _status(quiz, "already_submitted", 409, result_url=_result_url(attempt))
    try:
        answers = read_answers(questions, request.form)
    except InvalidAnswers as error:
        kept = read_answers(questions, request.form, strict=False)
        return _form(quiz, attempt, questions, kept, message=str(error), code=422)
    result_url = _result_url(attempt)
    try:
        services.submit(attempt, lock_version, answers, questions)
    except services.AlreadySubmitted:
        return _status(quiz, "already_submitted", 409, result_url=result_url)
    release_write_lock()  # stored, and the listeners of quiz_passed have written too
    return redirect(result_url, code=303)


# Opening the form writes (the attempt, maybe the enrolment): on SQLite the request takes
# the write lock from its first read, so no read-then-write transaction fails under load.
@bp.route("/courses/<course>/quiz/<quiz>/", methods=["GET", "POST"])
@writes_on_get
@login_required
def take(course: str, quiz: str):
    found = services.find_course(course)
    if found is None:
        abort(404)
    if request.method == "POST":
        return _submit(found, quiz)
    return _show_form(found, quiz)


# The submit keeps the learner's answers when the token is missing or stale, so it checks
# the token itself (validate_csrf above) instead of CSRFProtect refusing the whole POST.
csrf.exempt(take)


@bp.route("/courses/<course>/quiz/<quiz>/attempts/<int:attempt_id>")
@login_required
def result(course: str, quiz: str, attempt_id: int):
    attempt = services.load_result(attempt_id, _user().id)
    if attempt is None or attempt.quiz.slug != quiz or attempt.quiz.version.course.slug != course:
        abort(404)
    if attempt.in_progress:
        return redirect(url_for("quizzes.take", course=course, quiz=quiz))
    the_quiz = attempt.quiz
    questions = services.drawn_questions(attempt)
    scores = services.answer_scores(attempt.id)
    left = services.attempts_left(the_quiz, services.attempts_used(attempt.user_id, the_quiz.id))
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        questions=feedback_questions(attempt, questions, _lang(), scores),
        left=left,
        can_retry=not attempt.passed and left != 0,
        **_context(the_quiz),
    )


@bp.route("/educator/quizzes/")
@roles_required(*EDUCATORS)
def educator_index():
    rows = stats.quiz_rows(_user())
    return render_template("quizzes/educator_index.html", rows=rows, lang=_lang())


def _educator_quiz(quiz_id: int):
    quiz = stats.find_quiz(quiz_id)
    if quiz is None or not stats.may_see(_user(), quiz.version):
        abort(404)
    return quiz


@bp.route("/educator/quizzes/<int:quiz_id>/")
@roles_required(*EDUCATORS)
def educator_quiz(quiz_id: int):
    quiz = _educator_quiz(quiz_id)
    return render_template(
        "quizzes/educator_quiz.html",
        quiz=quiz,
        quiz_title=quiz.title_in(_lang()),
        course_title=quiz.version.text(_lang())["title"],
        questions=stats.question_stats(quiz),
        flag_min=stats.FLAG_MIN_ANSWERS,
        flag_below=stats.FLAG_BELOW_PERCENT,
        percent=percent,
    )


@bp.route("/educator/quizzes/<int:quiz_id>/stats.csv")
@roles_required(*EDUCATORS)
def educator_csv(quiz_id: int):
    quiz = _educator_quiz(quiz_id)
    body = stats.stats_csv(stats.question_stats(quiz))
    name = f"quiz-{quiz.version.course.slug}-{quiz.slug}-{quiz.version.version}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
