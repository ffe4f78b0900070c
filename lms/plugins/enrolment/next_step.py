"""The course page's one main action: where the learner is, and what they do next.

A learner who did anything in the course (a module done, or any quiz attempt, passed or
not, in the current cycle) continues; only someone with nothing done starts (or, after a
revoked certificate, takes the course again). Reading a module that closes with a quiz
records nothing until the quiz is passed, so the quiz attempts are asked of the quizzes
plugin through ``quiz_activity``; without that plugin only modules count.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms import events
from lms.plugins.enrolment.state import CourseState, ModuleOutline, QuizOutline

START, AGAIN, CONTINUE = "start", "again", "continue"


@dataclass(frozen=True)
class NextStep:
    """``kind``: start, again (a new cycle after a revoked certificate) or continue;
    ``href``: the page of the next thing to do; ``module``: the module to read next
    (None when a quiz is next); ``quiz``: the quiz to take next (None when reading)."""

    kind: str
    href: str
    module: ModuleOutline | None = None
    quiz: QuizOutline | None = None


def activity(st: CourseState) -> events.QuizActivity | None:
    """The learner's quiz attempts on the enrolment's version in this cycle (one query),
    or None when no plugin answers (quizzes is off)."""
    enrolment = st.enrolment
    answers = events.emit(
        events.quiz_activity,
        events.CompletionQuery(
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            version_id=enrolment.version_id,
            enrolment_id=enrolment.id,
            since=st.retake.started_at if st.retake is not None else None,
        ),
    )
    found = [a for a in answers if isinstance(a, events.QuizActivity)]
    if not found:
        return None
    return events.QuizActivity(
        attempted=frozenset().union(*(a.attempted for a in found)),
        passed=frozenset().union(*(a.passed for a in found)),
    )


def next_step(st: CourseState, slug: str) -> NextStep | None:
    """The main action of a learner enrolled in course ``slug``; None when the course is
    completed or nothing the learner can open is left (e.g. only a signature, which its
    own panel offers)."""
    if st.completion is not None:
        return None
    done = activity(st)
    attempted = done.attempted if done is not None else frozenset()
    begun = st.done_count > 0 or bool(attempted)
    kind = CONTINUE if begun else (AGAIN if st.retake is not None else START)
    course = f"/courses/{slug}"
    module = st.next_module
    if module is not None:
        quiz = st.quizzes.get(module.id)
        if quiz is not None and quiz.id in attempted:  # read it, tried the quiz: try again
            return NextStep(kind, f"{course}/quiz/{quiz.slug}/", quiz=quiz)
        return NextStep(kind, f"{course}/{module.slug}/", module=module)
    if done is None:
        return None
    quiz = next((q for q in st.course_quizzes if q.id not in done.passed), None)
    if quiz is None:
        return None
    return NextStep(kind, f"{course}/quiz/{quiz.slug}/", quiz=quiz)
