"""When a quiz shows its answers, and the tips it may show before (issue 12, §3).

``show_answers`` in a quiz's front matter; a tip is an explanation whose block quote starts
with ``[!TIP]`` (GitHub's own alert syntax, so the author's preview shows it as a tip).
"""

from __future__ import annotations

import pytest

from lms.content.frontmatter import Kind, parse
from lms.content.loader import load_course
from lms.content.quizparse import compare_translation, parse_questions, render_questions

QUIZ = "---\ntitle: Q\n{extra}---\n## One?\n- [x] a\n- [ ] b\n"


def quiz_messages(extra: str) -> list[str]:
    text = QUIZ.format(extra=extra)
    return [f"{p.line}: {p.message}" for p in parse(text, Kind.QUIZ, "q.md").problems]


@pytest.mark.parametrize("value", ["after_pass", "after_last_attempt", "always", "never"])
def test_show_answers_takes_four_values(value):
    assert quiz_messages(f"show_answers: {value}\n") == []
    matter = parse(QUIZ.format(extra=f"show_answers: {value}\n"), Kind.QUIZ, "q.md")
    assert matter.values["show_answers"] == value


def test_show_answers_defaults_to_after_pass():
    assert parse(QUIZ.format(extra=""), Kind.QUIZ, "q.md").values["show_answers"] == "after_pass"


def test_an_unknown_value_is_a_problem_at_its_line():
    assert quiz_messages("pass_mark: 80\nshow_answers: later\n") == [
        "4: 'show_answers' must be one of after_pass, after_last_attempt, always, never"
    ]


def parse_body(body: str):
    return parse_questions(body, path="q.md", line_offset=3)


def test_a_tip_is_the_first_block_quote_when_it_starts_with_the_marker():
    body = (
        "## Which category is a CAR-T product?\n"
        "- [ ] Somatic cell therapy\n"
        "- [x] Gene therapy\n"
        "> [!TIP]\n"
        "> Think about what is done to the T cells.\n"
        "\n"
        "> The T cells are genetically modified to carry a chimeric antigen receptor.\n"
    )
    questions, problems = parse_body(body)
    assert problems == []
    (doc,) = render_questions(questions)
    assert "Think about what is done to the T cells." in doc.tip_html
    assert "[!TIP]" not in doc.tip_html
    assert "genetically modified" not in doc.tip_html
    assert "genetically modified" in doc.explanation_html
    assert "Think about" not in doc.explanation_html


@pytest.mark.parametrize("marker", ["[!TIP]", "[!tip]", " [!Tip] "])
def test_a_whole_explanation_may_be_a_tip(marker):
    questions, problems = parse_body(
        f"## Q?\n- [x] a\n- [ ] b\n>{marker}\n> Read module 2 again.\n"
    )
    assert problems == []
    (doc,) = render_questions(questions)
    assert "Read module 2 again." in doc.tip_html
    assert doc.explanation_html.strip() == ""


def test_without_the_marker_everything_waits_for_the_answers():
    questions, _problems = parse_body("## Q?\n- [x] a\n- [ ] b\n> Because a.\n")
    (doc,) = render_questions(questions)
    assert doc.tip_html == ""
    assert "Because a." in doc.explanation_html


def test_an_empty_tip_and_a_late_tip_are_problems_at_their_lines():
    body = (
        "## Q?\n- [x] a\n- [ ] b\n> [!TIP]\n\n> Because a.\n"
        "\n## R?\n- [x] c\n- [ ] d\n> Because c.\n\n> [!TIP]\n> Too late.\n"
    )
    _questions, problems = parse_body(body)
    assert [f"{p.line}: {p.message}" for p in problems] == [
        "7: question 1: the tip ('> [!TIP]') is empty",
        "16: question 2: a tip ('> [!TIP]') must be the first block quote after the choices",
    ]


def test_a_translation_without_the_originals_tip_is_warned_about():
    original, _ = parse_body("## Q?\n- [x] a\n- [ ] b\n> [!TIP]\n> Hint.\n")
    translated, _ = parse_body("## F?\n- [x] a\n- [ ] b\n> Ledtråd.\n")
    (problem,) = compare_translation(translated, original, path="q.sv.md", original_name="q.md")
    assert problem.warning
    assert problem.message == "question 1 has no tip ('> [!TIP]') but in q.md it has"


def test_after_last_attempt_needs_max_attempts(course_copy):
    quiz = course_copy / "01-what-is-an-atmp.quiz.md"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("---\n", "---\nshow_answers: after_last_attempt\n", 1))
    if "max_attempts" in text:
        pytest.skip("the fixture quiz must have no max_attempts for this case")
    doc, problems = load_course(course_copy)
    assert doc is None
    assert any(
        p.line == 2 and "'show_answers: after_last_attempt' needs 'max_attempts'" in p.message
        for p in problems
    ), [str(p) for p in problems]


def test_show_answers_and_tips_reach_the_course_document(course_copy):
    quiz = course_copy / "99-final.quiz.md"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("---\n", "---\nshow_answers: never\n", 1))
    doc, problems = load_course(course_copy)
    assert doc is not None, [str(p) for p in problems]
    assert doc.quiz("final").show_answers == "never"
