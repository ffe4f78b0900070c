"""The draft as learners will see it, in both languages; answering a previewed quiz shows the
feedback and stores nothing."""

from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import func, select

from lms.extensions import db
from tests.authoring.conftest import (
    MODULE,
    PNG,
    QUIZ,
    QUIZ_SV,
    SLUG,
    create_course,
    save,
    text_of,
    upload_picture,
)

BASE = f"/educator/courses/{SLUG}/preview"


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_course_and_module_pages_in_both_languages(as_educator, app_course):
    upload_picture(as_educator, PNG, "shipper.png")
    module = MODULE + "\n![A dry shipper](images/shipper.png)\n\n[The quiz](01-receiving.quiz.md)\n"
    save(as_educator, "01-receiving.md", module)
    course = as_educator.get(f"{BASE}/en/")
    assert course.status_code == 200
    assert "Receiving a cell product" in text_of(course)
    assert "Ends with a quiz" in text_of(course)
    page = as_educator.get(f"{BASE}/en/receiving/")
    html = page.get_data(as_text=True)
    assert "<strong>dry shipper</strong>" in html
    assert f'src="/educator/courses/{SLUG}/raw/images/shipper.png"' in html
    assert f'href="{BASE}/en/quiz/receiving/"' in html
    assert "/courses/cell-handling/assets/" not in html
    swedish = as_educator.get(f"{BASE}/sv/quiz/receiving/")
    assert "Vem signerar för försändelsen?" in text_of(swedish)
    assert 'lang="sv"' in swedish.get_data(as_text=True)  # Swedish content in an English UI
    assert as_educator.get(f"{BASE}/de/").status_code == 404
    assert as_educator.get(f"{BASE}/en/no-such-module/").status_code == 404


def test_answering_a_previewed_quiz_stores_nothing(as_educator, app_course):
    before = row_counts()
    page = as_educator.post(f"{BASE}/sv/quiz/receiving/", data={"q1": "1", "q2": ["0", "2"]})
    text = text_of(page)
    assert page.status_code == 200
    assert "Would not pass" in text
    assert "Score: 50%" in text
    assert "Bara utbildad personal får ta emot en cellprodukt." in text  # the explanation
    assert "Nothing was stored." in text
    assert row_counts() == before


def test_a_draft_with_errors_cannot_be_previewed(as_educator, app_course):
    save(as_educator, "01-receiving.md", MODULE.replace("minutes: 10", "minutes: -1"))
    page = as_educator.get(f"{BASE}/en/receiving/")
    assert page.status_code == 409
    assert "The draft cannot be previewed yet" in text_of(page)


def test_only_the_drafts_languages_are_offered(as_educator):
    """A draft with no Swedish file offers English only; asking for Swedish shows its own
    language; once a Swedish file is there, both are offered."""
    assert create_course(as_educator).status_code == 302
    save(as_educator, "01-receiving.md", MODULE)
    save(as_educator, "01-receiving.quiz.md", QUIZ)
    page = as_educator.get(f"{BASE}/en/")
    html = page.get_data(as_text=True)
    assert f'href="{BASE}/sv/"' not in html
    assert "the draft has no other language" in text_of(page)
    moved = as_educator.get(f"{BASE}/sv/receiving/")
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(f"{BASE}/en/receiving/")
    start = as_educator.get(f"{BASE}/")
    assert start.headers["Location"].endswith(f"{BASE}/en/")
    save(as_educator, "01-receiving.quiz.sv.md", QUIZ_SV)
    html = as_educator.get(f"{BASE}/en/").get_data(as_text=True)
    assert f'href="{BASE}/sv/"' in html


def test_the_editors_preview_opens_the_language_of_the_file_being_edited(as_educator, app_course):
    """Issue 23: editing the Swedish file, Preview shows the Swedish page of that very
    module, quiz or course; editing an original, the draft's own language."""
    module_sv = "---\ntitle: Ta emot en cellprodukt\n---\n## Vid dörren\n\nKontrollera kärlet.\n"
    assert save(as_educator, "01-receiving.sv.md", module_sv).status_code == 302
    course_sv = "---\ntitle: Hantera celler\nsummary: Ta emot och förvara.\n---\n"
    course_sv += "Produktresumén och lokala rutiner har företräde framför kursen.\n"
    assert save(as_educator, "course.sv.md", course_sv).status_code == 302
    expected = {
        "01-receiving.sv.md": (f"{BASE}/sv/receiving/", "Kontrollera kärlet."),
        "01-receiving.quiz.sv.md": (f"{BASE}/sv/quiz/receiving/", "Vem signerar för försändelsen?"),
        "course.sv.md": (f"{BASE}/sv/", "Hantera celler"),
        "01-receiving.md": (f"{BASE}/en/receiving/", "dry shipper"),
        "01-receiving.quiz.md": (f"{BASE}/en/quiz/receiving/", "Receiving quiz"),
        "course.md": (f"{BASE}/en/", "Cell handling"),
    }
    for path, (target, seen) in expected.items():
        editor = as_educator.get(f"/educator/courses/{SLUG}/files/{path}").get_data(as_text=True)
        link = re.search(r'<a href="([^"]+)"[^>]*>Preview this file</a>', editor)
        assert link, path
        response = as_educator.get(html_lib.unescape(link.group(1)))
        while response.status_code in (301, 302):
            response = as_educator.get(response.headers["Location"])
        assert response.request.path == target, path
        assert seen in text_of(response), path
