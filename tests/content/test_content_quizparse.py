"""Quiz bodies: the structure around the questions, and the lines problems point at."""

from lms.content import CourseLinks
from lms.content.quizparse import compare_translation, parse_questions, render_questions


def parse(body: str, offset: int = 3):
    return parse_questions(body, path="q.md", line_offset=offset)


def messages(body: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse(body)[1]]


def test_variants_of_task_lists():
    questions, problems = parse("## Pick?\n* [X] One\n+ [ ] Two\n- [x] Three\n  continued here\n")
    assert problems == []
    (question,) = questions
    assert [(c.text, c.correct, c.line) for c in question.choices] == [
        ("One", True, 5),
        ("Two", False, 6),
        ("Three continued here", True, 7),
    ]
    assert question.correct == (0, 2)


def test_headings_and_choices_inside_fenced_code_belong_to_the_stem():
    body = (
        "## What does this print?\n"
        "\n"
        "```markdown\n"
        "## not a question\n"
        "- [x] not a choice\n"
        "```\n"
        "\n"
        "- [x] A heading\n"
        "- [ ] Nothing\n"
        "\n"
        "> Fenced code is shown as written.\n"
        "> ~~~\n"
        "\n"
        "> It continues after a blank line.\n"
    )
    questions, problems = parse(body)
    assert problems == []
    (question,) = questions
    assert "## not a question" in "\n".join(question.stem)
    assert len(question.choices) == 2
    assert question.explanation_line == 14
    (doc,) = render_questions(questions)
    assert "<pre><code" in doc.stem_html
    assert "It continues after a blank line." in doc.explanation_html


def test_blank_lines_between_choices_are_allowed():
    questions, problems = parse(
        "## Q?\n\n- [x] a\n\n- [ ] b\n\n> Why.\n\n\n## R?\n- [ ] c\n- [x] d\n"
    )
    assert problems == []
    assert [len(q.choices) for q in questions] == [2, 2]
    assert [q.line for q in questions] == [4, 13]


def test_empty_heading_and_empty_choice():
    assert messages("##\n- [x] a\n- [ ]\n") == [
        "4: question 1 has an empty '## ' heading",
        "6: question 1 has an empty choice",
    ]


def test_only_the_first_stray_line_of_a_question_is_reported():
    assert messages("## Q?\n- [x] a\n- [ ] b\n> Why.\n\nOne.\nTwo.\n") == [
        "9: text after the explanation of question 1"
    ]


def test_deeper_headings_stay_in_the_stem():
    questions, problems = parse("## Q?\n### Background\nText.\n- [x] a\n- [ ] b\n")
    assert problems == []
    assert questions[0].stem == ["### Background", "Text."]


def test_choices_and_explanations_resolve_links():
    links = CourseLinks("demo", "q.md", {"01-intro.md": "/courses/demo/intro/"}, frozenset())
    questions, _ = parse(
        "## See [it](01-intro.md)?\n- [x] [Yes](01-intro.md#a)\n- [ ] No\n> [x](02-b.md)\n"
    )
    (doc,) = render_questions(questions, link_resolver=links)
    assert 'href="/courses/demo/intro/"' in doc.stem_html
    assert 'href="/courses/demo/intro/#a"' in doc.choices[0].html
    assert [str(p) for p in links.problems] == [
        "q.md:7: broken link '02-b.md': no module or quiz file '02-b.md' in this course"
    ]


def test_compare_translation_names_the_question():
    original, _ = parse("## A?\n- [x] a\n- [ ] b\n\n## B?\n- [x] a\n- [x] b\n- [ ] c\n")
    translated, _ = parse("## A?\n- [x] a\n- [ ] b\n\n## B?\n- [x] a\n- [ ] b\n- [x] c\n")
    problems = compare_translation(translated, original, path="q.sv.md", original_name="q.md")
    assert [str(p) for p in problems] == [
        "q.sv.md:8: question 2 has other correct choices than in q.md"
    ]
