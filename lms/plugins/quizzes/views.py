"""Taking a quiz. Thin: resolve what is asked, let services decide, render the outcome.

A GET only shows: the quiz's start page, the form of the attempt in progress, or where the
learner stands (passed, no attempt left). Starting an attempt (and enrolling in an open
course with it) is a POST, as is submitting it, so a link from anywhere changes nothing.
"""

from __future__ import annotations

from contextlib import suppress

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from lms import events
from lms.access import login_required
from lms.extensions import csrf, release_write_lock
from lms.params import whole_number
from lms.plugins.quizzes import grants, pages, preview, services
from lms.plugins.quizzes.blueprint import bp
from lms.plugins.quizzes.display import feedback_questions, form_questions, reveals_answers
from lms.plugins.quizzes.grading import InvalidAnswers, read_answers


def _form(quiz, attempt, questions, selected, *, message=None, code=200):
    return (
        render_template(
            "quizzes/take.html",
            attempt=attempt,
            questions=form_questions(attempt, questions, pages.lang(), selected),
            message=message,
            allowed=services.allowed_attempts(quiz, attempt.user_id),
            used=attempt.number,
            **pages.context(quiz),
        ),
        code,
    )


def _show(course, quiz_slug: str):
    user = pages.user()
    may_preview = user.has_role(*pages.PREVIEWERS)
    quiz = services.served_quiz(
        course, quiz_slug, preview=may_preview, draft=may_preview and pages.draft_asked()
    )
    if quiz is not None and quiz.version_id != course.published_version_id:
        return preview.form(quiz)
    attempt = services.in_progress_attempt(user.id, course.id, quiz_slug)
    if attempt is not None:
        questions = services.drawn_questions(attempt)
        return _form(attempt.quiz, attempt, questions, attempt.answers or {})
    if quiz is None:
        abort(404)
    enrolled = services.enrolment_allows(user.id, quiz, enrol=False)
    if not enrolled and quiz.version.enrolment != "open":
        return pages.status(quiz, "not_enrolled", 403)
    used = services.attempts_used(user.id, quiz.id)
    left = services.attempts_left(quiz, user.id, used)
    passed = services.passed_attempt(user.id, quiz.id)
    if passed is not None:
        return pages.status(quiz, "passed", result_url=pages.result_url(passed), left=left)
    if left == 0:
        latest = services.latest_attempt(user.id, quiz.id)
        return pages.status(
            quiz,
            "no_attempts",
            result_url=pages.result_url(latest) if latest else None,
            contacts=grants.contacts(user, quiz),
        )
    return render_template(
        "quizzes/start.html",
        used=used,
        allowed=services.allowed_attempts(quiz, user.id),
        questions=quiz.questions_per_attempt or len(quiz.questions),
        enrols=not enrolled,
        **pages.context(quiz),
    )


def _submit(course, quiz_slug: str):
    user = pages.user()
    attempt_id = whole_number(request.form.get("attempt_id"))
    lock_version = whole_number(request.form.get("lock_version"))
    attempt = services.load_result(attempt_id, user.id) if attempt_id else None
    if attempt is None or attempt.quiz.slug != quiz_slug:
        abort(404)
    quiz = attempt.quiz
    if quiz.version.course_id != course.id:
        abort(404)
    if not attempt.in_progress:
        return pages.status(quiz, "already_submitted", 409, result_url=pages.result_url(attempt))
    questions = services.drawn_questions(attempt)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        # Keep what was ticked: show it again (nothing stored) with a fresh token.
        kept = read_answers(questions, request.form, strict=False)
        message = _("Your session had expired; your answers are kept. Check them and submit again.")
        return _form(quiz, attempt, questions, kept, message=message, code=400)
    if not services.enrolment_allows(user.id, quiz, enrol=False):
        return pages.status(quiz, "not_enrolled", 403)
    if lock_version != attempt.lock_version:
        return pages.status(quiz, "already_submitted", 409, result_url=pages.result_url(attempt))
    try:
        answers = read_answers(questions, request.form)
    except InvalidAnswers as error:
        kept = read_answers(questions, request.form, strict=False)
        return _form(quiz, attempt, questions, kept, message=str(error), code=422)
    result_url = pages.result_url(attempt)
    try:
        services.submit(attempt, lock_version, answers, questions)
    except services.AlreadySubmitted:
        return pages.status(quiz, "already_submitted", 409, result_url=result_url)
    release_write_lock()  # stored, and the listeners of quiz_passed have written too
    return redirect(result_url, code=303)


@bp.route("/courses/<course>/quiz/<quiz>/", methods=["GET", "POST"])
@login_required
def take(course: str, quiz: str):
    """GET: show the quiz (see the module docstring). POST: submit the attempt."""
    found = services.find_course(course)
    if found is None:
        abort(404)
    if request.method == "POST":
        return _submit(found, quiz)
    return _show(found, quiz)


# The submit keeps the learner's answers when the token is missing or stale, so it checks
# the token itself (validate_csrf above) instead of CSRFProtect refusing the whole POST.
csrf.exempt(take)


@bp.post("/courses/<course>/quiz/<quiz>/start")
@login_required
def start(course: str, quiz: str):
    """Start an attempt (enrolling in an open course first), or resume the one in
    progress; then the quiz page shows its form. The published version only."""
    found = services.find_course(course)
    if found is None:
        abort(404)
    user = pages.user()
    here = url_for("quizzes.take", course=course, quiz=quiz)
    if services.in_progress_attempt(user.id, found.id, quiz) is not None:
        return redirect(here, code=303)
    served = services.served_quiz(found, quiz)
    if served is None:
        abort(404)
    if not services.enrolment_allows(user.id, served, enrol=True):
        return pages.status(served, "not_enrolled", 403)
    with suppress(services.NoAttemptsLeft):  # then the quiz page says so, and whom to ask
        services.start_attempt(user.id, served)
    release_write_lock()
    return redirect(here, code=303)


@bp.route("/courses/<course>/quiz/<quiz>/attempts/<int:attempt_id>")
@login_required
def result(course: str, quiz: str, attempt_id: int):
    user = pages.user()
    attempt = services.load_result(attempt_id, user.id)
    if attempt is None or attempt.quiz.slug != quiz or attempt.quiz.version.course.slug != course:
        abort(404)
    if attempt.in_progress:
        return redirect(url_for("quizzes.take", course=course, quiz=quiz))
    the_quiz = attempt.quiz
    questions = services.drawn_questions(attempt)
    scores = services.answer_scores(attempt.id)
    left = services.attempts_left(the_quiz, user.id)
    passed = attempt.passed or services.passed_attempt(user.id, the_quiz.id) is not None
    reveal = reveals_answers(the_quiz.show_answers, passed=passed, left=left)
    finish = events.panels(
        events.quiz_result_panels,
        events.QuizResultPage(
            user_id=user.id,
            course_id=the_quiz.version.course_id,
            version_id=the_quiz.version_id,
            course_slug=course,
            quiz_id=the_quiz.id,
            attempt_id=attempt.id,
            passed=bool(attempt.passed),
        ),
    )
    return render_template(
        "quizzes/result.html",
        finish_panels=finish,
        attempt=attempt,
        questions=feedback_questions(attempt, questions, pages.lang(), scores, reveal=reveal),
        reveal=reveal,
        left=left,
        allowed=services.allowed_attempts(the_quiz, user.id),
        can_retry=not attempt.passed and left != 0,
        locked_out=left == 0 and not passed,
        contacts=grants.contacts(user, the_quiz) if left == 0 and not passed else [],
        **pages.context(the_quiz),
    )
