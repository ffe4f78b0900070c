"""Quizzes: learners take quizzes; educators and site admins see question statistics."""

from lms.models import Role
from tests.access_rules import ANY

EDUCATORS = {Role.educator, Role.site_admin}

RULES = {
    "quizzes.take": ANY,
    "quizzes.result": ANY,
    "quizzes.educator_index": EDUCATORS,
    "quizzes.educator_quiz": EDUCATORS,
    "quizzes.educator_csv": EDUCATORS,
}

SAMPLE_ARGS = {"course": "test-course", "quiz": "no-such-quiz", "attempt_id": 1, "quiz_id": 1}
