"""'All of the above' keeps its place: a choice pinned with <!-- pin --> is not shuffled."""

import pytest

from lms.content import load_course
from lms.content.pinning import refers_to_other_choices
from tests.content.helpers import quiz_md, write_files

QUESTION = (
    "## Which protective equipment is worn when handling the bag?\n"
    "- [ ] Cryo gloves\n- [ ] Face shield\n- [ ] Lab coat\n"
)


def _load(tmp_path, body: str, **front):
    folder = write_files(tmp_path, {"01-intro.quiz.md": quiz_md(body, **front)})
    return load_course(folder)


def test_all_of_the_above_under_shuffle_is_a_warning(tmp_path):
    course, problems = _load(tmp_path, QUESTION + "- [x] All of the above\n", shuffle=True)
    assert course is not None  # a warning, not an error
    assert [str(p) for p in problems] == [
        "courses/probe/01-intro.quiz.md:9: warning: question 1: 'All of the above' refers to "
        "the other choices, but shuffle moves them: end its line with <!-- pin --> to keep it "
        "where it is written"
    ]
    assert [c.pinned for c in course.quizzes[0].questions[0].choices] == [False] * 4


def test_pinned_choice_is_stored_pinned_and_not_warned_about(tmp_path):
    body = QUESTION + "- [x] All of the above <!-- pin -->\n"
    course, problems = _load(tmp_path, body, shuffle=True)
    assert problems == []
    choices = course.quizzes[0].questions[0].choices
    assert [c.pinned for c in choices] == [False, False, False, True]
    assert choices[-1].text == "All of the above"
    assert "pin" not in choices[-1].html


def test_without_shuffle_nothing_is_said(tmp_path):
    _, problems = _load(tmp_path, QUESTION + "- [x] All of the above\n")
    assert problems == []


@pytest.mark.parametrize(
    "text",
    [
        "All of the above",
        "all the above",
        "None of the above.",
        "Both of the above",
        "Neither of the above",
        "All of these",
        "Both A and B",
        "A and C",
        "A, B and C",
        "Both (a) and (b)",
        "Alla ovanstående",
        "Samtliga ovanstående",
        "Inget av ovanstående",
        "Ingen av ovanstående",
        "Inga av ovanstående",
        "Alla alternativen ovan",
        "Både A och B",
        "Båda ovanstående",
        "A och B",
    ],
)
def test_choices_that_refer_to_others(text):
    assert refers_to_other_choices(text)


@pytest.mark.parametrize(
    "text",
    [
        "Between 2 and 8 °C",
        "Above -150 °C",
        "All staff who handle the bag",
        "None",
        "The QP and the nurse",
        "Vitamin A and zinc",
        "Ovanför ytan",
        "Alla sjuksköterskor",
        "Plan A",
    ],
)
def test_choices_that_do_not(text):
    assert not refers_to_other_choices(text)
