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
