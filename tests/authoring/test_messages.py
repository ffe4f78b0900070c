"""The checker's English messages reach the educator in their language: every template the
checker uses today is matched; a message nobody translated yet stays English, marked so."""

from __future__ import annotations

from flask_babel import force_locale

from lms.plugins.authoring.checking import check_files
from lms.plugins.authoring.messages import translate

BROKEN = {
    "course.md": b"---\ntitle: X\nsummary: Y\naudiences: [nurse, cook]\nversion: 1.0\n"
    b"language: en\nestimated_minutes: 0\npass_mark: 120\nowners: [nobody]\ncolour: red\n---\n",
    "course.fr.md": b"---\ntitle: Z\n---\n",
    "01-a.md": b"---\ntitle: A\nminutes: 5\naudiences: [physician]\n---\n"
    b"[x](http://example.com) [y](09-none.md) ![](images/a.png) ![b](images/none.png)\n",
    "01-b.md": b"---\ntitle: B\n---\n",
    "02-quiz.md": b"no front matter\n",
    "01-a.quiz.md": b"---\ntitle: Q\nshuffle: maybe\nquestions_per_attempt: 5\n---\nIntro\n"
    b"## One\n- [ ] a\n- [ ] a\n## Two\n- [x] only\n## \n",
    "01-a.quiz.sv.md": b"---\ntitle: F\n---\n## Ett\n- [x] a\n- [ ] b\n",
    "notes.txt": b"x",
    "images/a.png": b"\x89PNG\r\n\x1a\n",
    "images/readme.txt": b"x",
    "03-latin1.md": "---\ntitle: Å\nminutes: 1\n---\n".encode("latin-1"),
}


def test_every_message_of_a_broken_course_is_translated(app):
    _doc, problems = check_files("Bad_Slug", BROKEN)
    messages = sorted({p.message for p in problems})
    assert len(messages) >= 20  # the fixture hits most of the checker's templates
    with app.test_request_context(), force_locale("sv"):
        untranslated = [m for m in messages if translate(m).lang is not None]
        shown = {m: translate(m).text for m in messages}
    assert untranslated == []
    assert shown["missing required key 'minutes'"] == "den obligatoriska nyckeln 'minutes' saknas"
    assert all(text != message for message, text in shown.items())


def test_an_unknown_message_stays_english_and_says_so(app):
    with app.test_request_context(), force_locale("sv"):
        shown = translate("a check added after these templates")
    assert (shown.text, shown.lang) == ("a check added after these templates", "en")
    with app.test_request_context(), force_locale("en"):
        assert translate("question 2 needs at least two choices").lang is None


PLURALS = [
    # (checker's English message, Swedish shown) for 1 and 2
    (
        "'questions_per_attempt' is 5 but the quiz has only 1 question",
        "'questions_per_attempt' är 5 men quizet har bara 1 fråga",
    ),
    (
        "'questions_per_attempt' is 5 but the quiz has only 2 questions",
        "'questions_per_attempt' är 5 men quizet har bara 2 frågor",
    ),
    (
        "the translation has 1 question, 01-a.quiz.md has 2",
        "översättningen har 1 fråga, 01-a.quiz.md har 2",
    ),
    (
        "the translation has 2 questions, 01-a.quiz.md has 1",
        "översättningen har 2 frågor, 01-a.quiz.md har 1",
    ),
    (
        "question 1 has 1 choice, in 01-a.quiz.md it has 2",
        "fråga 1 har 1 svarsalternativ, i 01-a.quiz.md har den 2",
    ),
    (
        "question 1 has 2 choices, in 01-a.quiz.md it has 3",
        "fråga 1 har 2 svarsalternativ, i 01-a.quiz.md har den 3",
    ),
]


def test_counted_messages_use_real_plurals_in_both_languages(app):
    """Issue 23: "1 question", "2 questions" (never "question(s)"), and in Swedish
    "1 fråga", "2 frågor"; the checker writes the English as the pages show it."""
    files = {
        "course.md": BROKEN["course.md"],
        "01-a.md": b"---\ntitle: A\nminutes: 5\n---\nText.\n",
        "01-a.quiz.md": b"---\ntitle: Q\nquestions_per_attempt: 5\n---\n## One\n- [x] a\n- [ ] b\n",
        "01-a.quiz.sv.md": b"---\ntitle: F\n---\n## Ett\n- [x] a\n## Tva\n- [x] a\n- [ ] b\n",
    }
    _doc, problems = check_files("counted", files)
    messages = {p.message for p in problems}
    assert "'questions_per_attempt' is 5 but the quiz has only 1 question" in messages
    assert "the translation has 2 questions, 01-a.quiz.md has 1" in messages
    files["01-a.quiz.sv.md"] = b"---\ntitle: F\n---\n## Ett\n- [x] a\n"
    files["01-a.quiz.md"] = b"---\ntitle: Q\n---\n## One\n- [x] a\n- [ ] b\n"
    _doc, problems = check_files("counted", files)
    assert "question 1 has 1 choice, in 01-a.quiz.md it has 2" in {p.message for p in problems}
    for english, swedish in PLURALS:
        with app.test_request_context(), force_locale("sv"):
            assert translate(english).text == swedish
            assert translate(english).lang is None
        with app.test_request_context(), force_locale("en"):
            assert translate(english).text == english
