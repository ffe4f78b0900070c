"""The course list: what it shows, its filters, and the home page."""

from __future__ import annotations

import re

import pytest

from lms.models import Profession, Role
from tests.catalog.helpers import text


@pytest.fixture
def courses(make_course):
    make_course("for-nurses", title="Nursing Basics", audiences=("nurse",))
    make_course("for-pharmacists", title="Pharmacy Handling", audiences=("pharmacist",))
    make_course("for-both", title="Shared Safety", audiences=("nurse", "pharmacist"), swedish=True)
    make_course("svensk-kurs", title="Svensk Grundkurs", audiences=("nurse",), language="sv")


def listed(response) -> list[str]:
    """The course slugs linked from the list, in order."""
    page = text(response)
    start = page.index('class="cards course-list"') if "course-list" in page else len(page)
    return re.findall(r'href="/courses/([a-z0-9-]+)/"', page[start:])


def test_lists_published_courses_with_their_facts(client, courses):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert sorted(listed(response)) == ["for-both", "for-nurses", "for-pharmacists", "svensk-kurs"]
    page = text(response)
    assert "Summary of for-nurses." in page
    assert "Nurse, Pharmacist" in page  # audiences of for-both, labelled
    assert "English, Swedish" in page  # for-both has a Swedish translation
    assert "30 min" in page
    assert "<dt>Modules</dt><dd>2</dd>" in page
    assert "Courses shown: 4" in page


def test_sorted_by_title(client, courses):
    assert listed(client.get("/courses/?audience=all")) == [
        "for-nurses",
        "for-pharmacists",
        "for-both",
        "svensk-kurs",
    ]


def test_filter_by_audience(client, courses):
    assert sorted(listed(client.get("/courses/?audience=pharmacist"))) == [
        "for-both",
        "for-pharmacists",
    ]
    assert listed(client.get("/courses/?audience=researcher")) == []


def test_filter_by_language_counts_translations(client, courses):
    assert sorted(listed(client.get("/courses/?language=sv"))) == ["for-both", "svensk-kurs"]
    assert sorted(listed(client.get("/courses/?language=en"))) == [
        "for-both",
        "for-nurses",
        "for-pharmacists",
    ]


def test_search_is_case_insensitive_and_covers_translations(client, courses):
    assert listed(client.get("/courses/?q=PHARMACY")) == ["for-pharmacists"]
    # "Kurs for-both" is the Swedish title of for-both.
    assert listed(client.get("/courses/?q=kurs+for-both")) == ["for-both"]
    assert listed(client.get("/courses/?q=summary+of+for-nurses")) == ["for-nurses"]


def test_search_treats_wildcards_as_text(client, courses):
    assert listed(client.get("/courses/?q=%25")) == []
    assert listed(client.get("/courses/?q=_")) == []


def test_filters_combine(client, courses):
    url = "/courses/?audience=nurse&language=sv&q=shared"
    assert listed(client.get(url)) == ["for-both"]
    page = text(client.get(url))
    assert '<option selected value="nurse">' in page
    assert '<option selected value="sv">' in page
    assert 'value="shared"' in page


def test_empty_result_offers_to_clear_filters(client, courses):
    response = client.get("/courses/?q=nothing-like-this")
    page = text(response)
    assert listed(response) == []
    assert "No course matches your filters." in page
    assert 'href="/courses/?audience=all">Clear the filters' in page


def test_unknown_filter_values_are_explained_and_ignored(client, courses):
    response = client.get("/courses/?audience=dentist&language=de")
    assert response.status_code == 200
    page = text(response)
    assert page.count('class="error"') == 2
    assert 'aria-invalid="true"' in page
    assert len(listed(response)) == 4


def test_overlong_search_is_refused_with_a_message(client, courses):
    response = client.get("/courses/?q=" + "x" * 101)
    assert response.status_code == 200
    assert 'class="error"' in text(response)
    assert len(listed(response)) == 4


def test_logged_in_learner_starts_with_own_profession(client, login_as, courses):
    login_as(Role.learner, profession=Profession.pharmacist)
    response = client.get("/courses/")
    page = text(response)
    assert sorted(listed(response)) == ["for-both", "for-pharmacists"]
    assert '<option selected value="pharmacist">' in page
    assert "Showing the courses for your profession (Pharmacist)." in page
    everything = client.get("/courses/?audience=all")
    assert len(listed(everything)) == 4
    assert "Showing the courses for your profession" not in text(everything)


def test_visitor_starts_with_every_profession(client, courses):
    page = text(client.get("/courses/"))
    assert '<option selected value="all">' in page
    assert "Showing the courses for your profession" not in page


def test_every_filter_input_has_a_label(client, courses):
    page = text(client.get("/courses/"))
    for name in ("audience", "language", "q"):
        assert f'<label for="{name}">' in page
        assert f'id="{name}"' in page
    assert 'method="get"' in page
    assert "<script" not in page


def test_home_page_is_the_catalogue(client, courses):
    response = client.get("/")
    assert response.status_code == 200
    assert "<h1>Courses</h1>" in text(response)
    assert len(listed(response)) == 4


def test_nav_links_the_catalogue(client, courses):
    page = text(client.get("/courses/"))
    assert re.search(r'<a href="/courses/"\s+aria-current="page">Courses</a>', page)


def test_swedish_ui_shows_swedish_titles_where_translated(client, courses):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = text(client.get("/courses/"))
    assert ">Kurs for-both</a>" in page
    assert "Svensk sammanfattning." in page
    # No translation: the original, marked as English for screen readers.
    assert '<h2 lang="en"><a href="/courses/for-nurses/">Nursing Basics</a></h2>' in page
    assert '<h2><a href="/courses/for-both/">Kurs for-both</a></h2>' in page
