"""A choice pinned with <!-- pin --> keeps its place when the quiz shuffles its choices."""

from __future__ import annotations

from collections import Counter

from lms.content.sync import sync_courses
from lms.extensions import db
from lms.plugins.quizzes.grading import draw
from lms.plugins.quizzes.services import start_attempt
from tests.conftest import write_course
from tests.quizzes.conftest import quiz_of

QUIZ = """---
title: Protective equipment
shuffle: true
---
## Which protective equipment is worn when handling the bag?
- [ ] Cryo gloves
- [ ] Face shield
- [ ] Lab coat
- [x] All of the above <!-- pin -->

## Who checks the identity of the bag?
- [ ] The nurse alone <!-- pin -->
- [x] Two people together
- [ ] The pharmacy
- [ ] Nobody
"""


def _version(courses_dir):
    from lms.content.models import Course

    folder = write_course(courses_dir, "pinned", modules=1, quiz_modules=(1,))
    (folder / "01-module-1.quiz.md").write_text(QUIZ)
    assert [r.outcome for r in sync_courses(folder)] == ["new"]
    return db.session.scalar(db.select(Course).where(Course.slug == "pinned")).latest_version


def test_pinned_choices_are_stored(app, courses_dir):
    quiz = quiz_of(_version(courses_dir))
    first, second = quiz.questions
    assert [c.get("pinned", False) for c in first.choices] == [False, False, False, True]
    assert [c.get("pinned", False) for c in second.choices] == [True, False, False, False]


def test_four_hundred_draws_keep_pinned_choices_in_place(app, courses_dir):
    quiz = quiz_of(_version(courses_dir))
    first, second = quiz.questions
    firsts = Counter()
    for _ in range(400):
        orders = draw(quiz.questions, per_attempt=None, shuffle=True).choice_orders
        assert orders[str(first.id)][-1] == 3  # "All of the above" is always last
        assert orders[str(second.id)][0] == 0  # the one pinned first stays first
        firsts[orders[str(first.id)][0]] += 1
        assert sorted(orders[str(first.id)]) == [0, 1, 2, 3]
    assert set(firsts) == {0, 1, 2}  # the others are still shuffled


def test_an_attempt_shows_the_pinned_choice_last(app, courses_dir, make_user):
    quiz = quiz_of(_version(courses_dir))
    first = quiz.questions[0]
    for _ in range(20):
        user = make_user()
        attempt = start_attempt(user.id, quiz)
        assert attempt.choice_orders[str(first.id)][-1] == 3
