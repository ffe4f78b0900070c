"""Course and module pages: order, previous/next, contents, Swedish text, 404s."""

from __future__ import annotations

import re

import pytest

from lms.models import Role
from tests.catalog.helpers import text


@pytest.fixture
def course(make_course):
    return make_course(
        "car-t", title="CAR-T Care", modules=3, quiz_modules=(2,), final_quiz=True, swedish=True
    )


def test_course_page_shows_summary_description_and_modules_in_order(client, course):
    response = client.get("/courses/car-t/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>CAR-T Care</h1>" in page
    assert "Summary of car-t." in page
    assert "<p>About car-t.</p>" in page  # stored HTML, not escaped
    assert "<dt>Version</dt><dd>1.0.0</dd>" in page
    assert "<dt>For</dt><dd>Nurse</dd>" in page
    links = re.findall(r'href="/courses/car-t/(module-\d)/"', page)
    assert links == ["module-1", "module-2", "module-3"]
    assert '<li value="2">' in page
    assert page.count("Ends with a quiz") == 1
    items = page.split('<li value="')
    assert "Ends with a quiz" in items[2]
    assert "Ends with a quiz" not in items[1]
    assert "Course quizzes" in page
    assert "Final quiz" in page
    assert "Draft" not in page


def test_course_page_is_public(client, course):
    assert client.get("/courses/car-t/").status_code == 200


def test_module_page_needs_login(client, course):
    response = client.get("/courses/car-t/module-1/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_module_page_shows_text_toc_breadcrumbs_and_neighbours(client, login_as, course):
    login_as(Role.learner)
    page = text(client.get("/courses/car-t/module-2/"))
    assert "<h1>Module 2</h1>" in page
    assert "Some reading about cell therapy. Module 2." in page
    toc = page[page.index("<aside") : page.index("</aside>")]
    assert 'aria-label="Contents of this module"' in toc
    assert 'href="#part-one"' in toc
    assert '<h2 id="part-one">Part one</h2>' in page
    crumbs = page[
        page.index('class="breadcrumbs"') : page.index("</nav>", page.index("breadcrumbs"))
    ]
    assert 'href="/courses/"' in crumbs
    assert 'href="/courses/car-t/">CAR-T Care</a>' in crumbs
    assert 'rel="prev" href="/courses/car-t/module-1/">Previous: <span>Module 1</span>' in page
    assert 'rel="next" href="/courses/car-t/module-3/">Next: <span>Module 3</span>' in page


def test_first_and_last_modules_have_one_neighbour(client, login_as, course):
    login_as(Role.learner)
    first = text(client.get("/courses/car-t/module-1/"))
    assert 'rel="prev"' not in first
    assert 'rel="next" href="/courses/car-t/module-2/"' in first
    last = text(client.get("/courses/car-t/module-3/"))
    assert 'rel="prev" href="/courses/car-t/module-2/"' in last
    assert 'rel="next"' not in last


@pytest.mark.parametrize(
    "url",
    ["/courses/no-such-course/", "/courses/no-such-course/module-1/", "/courses/car-t/module-9/"],
)
def test_unknown_course_or_module_is_404(client, login_as, course, url):
    login_as(Role.site_admin)
    response = client.get(url)
    assert response.status_code == 404
    assert "The page was not found" in text(response)


def test_swedish_ui_gets_the_swedish_text(client, login_as, course):
    login_as(Role.learner)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = text(client.get("/courses/car-t/"))
    assert "<h1>Kurs car-t</h1>" in page
    assert "Svensk sammanfattning." in page
    assert "<p>Om kursen.</p>" in page
    assert ">Modul 1</a>" in page
    # The final quiz has no translation: its English title, marked as English.
    assert '<li lang="en">Final quiz</li>' in page
    module = text(client.get("/courses/car-t/module-1/"))
    assert "<h1>Modul 1</h1>" in module
    assert "Svensk text 1." in module
    assert 'href="#del-ett"' in module
    assert "<span>Modul 2</span>" in module


def test_english_ui_gets_the_original(client, login_as, course):
    login_as(Role.learner)
    page = text(client.get("/courses/car-t/module-1/"))
    assert "<h1>Module 1</h1>" in page
    assert "Svensk text" not in page


def test_untranslated_course_is_marked_with_its_language(client, make_course):
    make_course("english-only", title="English Only")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = text(client.get("/courses/english-only/"))
    assert '<html lang="sv">' in page
    assert '<h1 lang="en">English Only</h1>' in page
    assert '<div class="prose" lang="en">' in page


def test_swedish_course_in_english_ui_is_marked_swedish(client, make_course):
    make_course("svensk", title="Svensk kurs", language="sv")
    page = text(client.get("/courses/svensk/"))
    assert '<h1 lang="sv">Svensk kurs</h1>' in page


def test_a_newly_published_version_is_shown_at_once(client, login_as, make_course):
    make_course("living", title="First Title", version="1.0.0")
    login_as(Role.learner)
    assert "<h1>First Title</h1>" in text(client.get("/courses/living/"))
    assert "<h1>Module 2</h1>" in text(client.get("/courses/living/module-2/"))
    make_course("living", title="Second Title", version="2.0.0", modules=1)
    assert "<h1>Second Title</h1>" in text(client.get("/courses/living/"))
    assert client.get("/courses/living/module-2/").status_code == 404
    assert "Second Title" in text(client.get("/courses/?audience=all"))
