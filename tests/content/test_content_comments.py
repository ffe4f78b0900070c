"""HTML comments are invisible in every Markdown preview: the platform ignores them too."""

from lms.content import load_course, render_inline, render_markdown
from lms.content.comments import strip_comments
from tests.content.helpers import quiz_md, write_files

REVIEWED_QUIZ = quiz_md(
    "<!-- Reviewed by the pharmacy group, spring term -->\n"
    "\n"
    "## Which temperature is right for storage?\n"
    "<!-- the stem is fine -->\n"
    "- [ ] Room temperature\n"
    "- [x] Below -150 °C\n"
    "<!-- - [ ] -20 °C (removed after review) -->\n"
    "> Vapour phase of liquid nitrogen.\n"
    "<!--\n"
    "## A question taken out for now\n"
    "- [x] yes\n"
    "- [ ] no\n"
    "-->\n"
    "\n"
    "## Second question <!-- keep short -->\n"
    "- [x] Yes <!-- the answer -->\n"
    "- [ ] No\n"
)


def test_comments_in_a_quiz_are_ignored(tmp_path):
    folder = write_files(tmp_path, {"01-intro.quiz.md": REVIEWED_QUIZ})
    course, problems = load_course(folder)
    assert problems == []
    (quiz,) = course.quizzes
    assert [q.stem_text for q in quiz.questions] == [
        "Which temperature is right for storage?",
        "Second question",
    ]
    first, second = quiz.questions
    assert [c.text for c in first.choices] == ["Room temperature", "Below -150 °C"]
    assert [c.text for c in second.choices] == ["Yes", "No"]
    stored = " ".join(
        q.stem_html + q.explanation_html + "".join(c.html for c in q.choices)
        for q in quiz.questions
    )
    for hidden in ("Reviewed", "removed after review", "taken out", "keep short", "the answer"):
        assert hidden not in stored


def test_a_comment_never_reaches_a_page():
    texts = [
        "Before <!-- inline --> after.",
        "<!--\nseveral\n\nparagraphs\n\n-->\nAfter.",
        "- item <!-- in a list -->\n- another",
        "<!-- a --> After on the same line.",
        "> quoted <!-- in a quote -->",
        "Heading <!-- x -->\n===",
    ]
    for text in texts:
        for html in (render_markdown(text).html, render_inline(text)):
            assert "<!--" not in html
            for word in ("inline", "several", "paragraphs", "in a list", "in a quote", "x -->"):
                assert word not in html, (text, html)


def test_a_comment_inside_code_is_code():
    text = "```html\n<!-- shown -->\n```\n\nUse `<!-- this -->` to hide text."
    assert strip_comments(text) == text
    html = render_markdown(text).html
    assert "&lt;!-- shown --&gt;" in html
    assert "&lt;!-- this --&gt;" in html


def test_stripping_keeps_the_lines():
    text = "one\n<!-- two\nthree -->\nfour <!-- x --> five\n"
    assert strip_comments(text) == "one\n\n\nfour  five\n"


def test_a_comment_in_a_module_is_ignored_and_an_unclosed_one_is_a_warning(tmp_path):
    module = (
        "---\ntitle: M\nminutes: 5\n---\n## Part\n\n<!-- draft note -->\nText.\n\n"
        "<!-- forgot to close\n\nEverything here is hidden in a preview.\n"
    )
    folder = write_files(tmp_path, {"01-intro.md": module})
    course, problems = load_course(folder)
    assert course is not None
    assert [str(p) for p in problems] == [
        "courses/probe/01-intro.md:10: warning: this comment is never closed with '-->': "
        "everything after it is hidden"
    ]
    assert "draft note" not in course.modules[0].html
