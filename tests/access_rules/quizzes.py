"""Quizzes: learners take quizzes; staff preview drafts' quizzes and grant extra attempts;
educators and site admins see question statistics."""

from lms.models import Role
from tests.access_rules import ANY

EDUCATORS = {Role.educator, Role.site_admin}
STAFF = {Role.educator, Role.centre_admin, Role.site_admin}

RULES = {
    "quizzes.take": ANY,
    "quizzes.start": ANY,
    "quizzes.result": ANY,
    "quizzes.preview_submit": STAFF,
    "quizzes.educator_index": EDUCATORS,
    "quizzes.educator_quiz": EDUCATORS,
    "quizzes.educator_csv": EDUCATORS,
    "quizzes.waiting": STAFF,
    "quizzes.grant": STAFF,
}

SAMPLE_ARGS = {
    "course": "test-course",
    "quiz": "no-such-quiz",
    "attempt_id": 1,
    "quiz_id": 1,
    "user_id": 1,
}
