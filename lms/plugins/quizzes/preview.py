"""Educators and admins take a draft course's quiz as learners will, with nothing stored.

The quiz page of a version that is not the published one (a draft course, or ``?preview=
draft``) shows a form drawn in memory; its submission is graded in memory and shows the
feedback a learner gets after a first attempt. No attempt, answer or enrolment is written.
The draw travels in the form (question ids and choice orders): it is checked against the
quiz, and a forged one can only change what the previewer sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, render_template, request, url_for

from lms.access import roles_required
from lms.content.models import Quiz
from lms.extensions import db
from lms.params import whole_number
from lms.plugins.quizzes import pages, services
from lms.plugins.quizzes.blueprint import bp
from lms.plugins.quizzes.display import feedback_questions, form_questions, reveals_answers
from lms.plugins.quizzes.grading import InvalidAnswers, draw, grade, read_answers


@dataclass
class PreviewAttempt:
    """What the quiz templates read of an attempt, held in memory only."""

    quiz: Quiz
    question_ids: list[int]
    choice_orders: dict[str, list[int]]
    answers: dict = field(default_factory=dict)
    number: int = 1
    passed: bool | None = None
    score_percent: float | None = None
    id: None = None
    lock_version: int = 0
    in_progress: bool = True


def _render_form(quiz: Quiz, attempt: PreviewAttempt, selected: dict, *, message=None, code=200):
    questions = _questions(quiz, attempt.question_ids)
    return (
        render_template(
            "quizzes/take.html",
            attempt=attempt,
            questions=form_questions(attempt, questions, pages.lang(), selected),
            message=message,
            allowed=quiz.max_attempts,
            used=1,
            preview=True,
            draw_fields=_draw_fields(attempt),
            **pages.context(quiz),
        ),
        code,
    )


def form(quiz: Quiz):
    """The quiz page of a draft: a fresh draw, as a learner's first attempt would get."""
    drawn = draw(quiz.questions, per_attempt=quiz.questions_per_attempt, shuffle=quiz.shuffle)
    return _render_form(quiz, PreviewAttempt(quiz, drawn.question_ids, drawn.choice_orders), {})


def _draw_fields(attempt: PreviewAttempt) -> dict[str, str]:
    fields = {"version_id": str(attempt.quiz.version_id)}
    # Not "q...": the answers' fields are named q<id>, and read_answers refuses others.
    fields["drawn"] = ",".join(str(qid) for qid in attempt.question_ids)
    for qid, order in attempt.choice_orders.items():
        fields[f"order-{qid}"] = ",".join(str(i) for i in order)
    return fields


def _questions(quiz: Quiz, ids: list[int]):
    by_id = {q.id: q for q in quiz.questions}
    return [by_id[qid] for qid in ids]


def _posted_draw(quiz: Quiz) -> PreviewAttempt | None:
    """The draw the form was built with, or None when it does not fit the quiz."""
    by_id = {q.id: q for q in quiz.questions}
    ids = [whole_number(part) for part in request.form.get("drawn", "").split(",")]
    if not ids or None in ids or len(set(ids)) != len(ids) or not set(ids) <= set(by_id):
        return None
    orders = {}
    for qid in ids:
        order = [whole_number(i) for i in request.form.get(f"order-{qid}", "").split(",")]
        if sorted(i for i in order if i is not None) != list(range(len(by_id[qid].choices))):
            return None
        orders[str(qid)] = order
    return PreviewAttempt(quiz, ids, orders)


@bp.post("/courses/<course>/quiz/<quiz>/preview")
@roles_required(*pages.PREVIEWERS)
def preview_submit(course: str, quiz: str):
    """Grade a preview in memory and show the feedback a learner would get."""
    found = services.find_course(course)
    version_id = whole_number(request.form.get("version_id"))
    served = (
        db.session.scalar(db.select(Quiz).where(Quiz.version_id == version_id, Quiz.slug == quiz))
        if found is not None and version_id
        else None
    )
    if served is None or served.version.course_id != found.id:
        abort(404)
    attempt = _posted_draw(served)
    if attempt is None:
        abort(400)
    questions = _questions(served, attempt.question_ids)
    try:
        answers = read_answers(questions, request.form)
    except InvalidAnswers as error:
        kept = read_answers(questions, request.form, strict=False)
        return _render_form(served, attempt, kept, message=str(error), code=422)
    result = grade(
        questions, answers, partial_credit=served.partial_credit, pass_mark=served.pass_mark
    )
    attempt.answers, attempt.passed = answers, result.passed
    attempt.score_percent, attempt.in_progress = result.score_percent, False
    left = None if served.max_attempts is None else served.max_attempts - 1
    reveal = reveals_answers(served.show_answers, passed=result.passed, left=left)
    again = url_for("quizzes.take", course=course, quiz=quiz, preview="draft")
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        questions=feedback_questions(
            attempt, questions, pages.lang(), result.per_question, reveal=reveal
        ),
        reveal=reveal,
        left=left,
        allowed=served.max_attempts,
        can_retry=False,
        locked_out=False,
        contacts=[],
        preview=True,
        again_url=again,
        **pages.context(served),
    )
