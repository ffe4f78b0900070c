"""Catalogue search finds words in the modules' text (issue 17), through the databases' own
full-text search built at sync: FTS5 on SQLite, tsvector with the swedish and english
configurations on PostgreSQL. Runs on both (LMS_TEST_DATABASE_URL)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.content import search
from lms.content.models import Course, SearchText
from lms.content.sync import sync_courses
from lms.extensions import db

REAL = Path(__file__).resolve().parents[2] / "courses"


def teaching(word: str) -> set[str]:
    """Courses whose module text (not a quiz, not the course page) holds ``word``."""
    found = set()
    for path in REAL.glob("*/[0-9]*.md"):
        if ".quiz." not in path.name and re.search(word, path.read_text(), re.IGNORECASE):
            found.add(path.parent.name)
    return found


@pytest.fixture
def real_courses(app, courses_dir):
    for folder in REAL.iterdir():
        if folder.is_dir():
            shutil.copytree(folder, courses_dir / folder.name)
    results = sync_courses(courses_dir)
    assert all(r.outcome == "new" for r in results), [str(r) for r in results]
    return {c.slug: c for c in db.session.scalars(select(Course))}


def listed(client, q: str) -> set[str]:
    response = client.get("/courses/", query_string={"audience": "all", "q": q})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return set(re.findall(r'<h2[^>]*><a href="/courses/([a-z0-9-]+)/">', page))


QUERIES = [
    ("tocilizumab", r"tocilizumab"),
    ("Kymriah", r"kymriah"),
    ("gmo", r"\bgmo\b"),
    ("förvaring", r"förvaras"),  # Swedish word forms: the noun finds the verb
]


def test_search_finds_the_modules_that_teach_a_word(app, client, real_courses):
    for query, pattern in QUERIES:
        wanted = teaching(pattern)
        assert wanted, f"no module teaches {pattern!r}: the test would prove nothing"
        assert wanted <= listed(client, query), query
    published = [c.published_version_id for c in real_courses.values() if c.published_version]
    by_title = {
        c.published_version_id
        for c in real_courses.values()
        if c.published_version and "tocilizumab" in c.published_version.search_text
    }
    found = search.matching_versions("tocilizumab", published)
    assert found - by_title, "only courses with the word in the title or summary were found"
    assert search.matching_versions("tocilizumab förvaring zzqxnotaword", published) == set()
    # One row per module and language, written at sync.
    modules = sum(
        len(c.published_version.modules) for c in real_courses.values() if c.published_version
    )
    rows = db.session.scalar(select(func.count()).select_from(SearchText))
    assert rows >= modules


@pytest.mark.parametrize("junk", ['"*) OR (', "NEAR(a b", "'; DROP", "a:*|!", "—"])
def test_odd_search_text_is_never_an_error(client, make_course, junk):
    make_course("cell-basics", swedish=True, module_text="Förvaras i kväveånga.")
    assert client.get("/courses/", query_string={"q": junk}).status_code == 200


def test_swedish_word_forms_in_a_course_of_our_own(client, make_course):
    make_course("cell-basics", title="Cell Basics", module_text="The bag is stored frozen.")
    make_course("other", title="Other", module_text="Nothing about bags.")
    assert listed(client, "storing") == {"cell-basics"}  # English stems: stored ~ storing
    assert listed(client, "frozen bag") == {"cell-basics"}
    assert listed(client, "förvaring") == set()


def test_search_folds_diacritics_and_case_on_both_sides(client, make_course):
    """Issue 23: a phone keyboard without å, ä, ö (or é) finds the course all the same,
    in titles and summaries (Python) and in module text (the database's full-text
    search); text without the marks is found by a query with them, too."""
    make_course(
        "kyl",
        title="Kylkedjan",
        language="sv",
        course={"summary": "Förvaring av celler på avdelningen."},
        module_text="Påsen förvaras i kväveånga vid –150 °C; sedan tinas den på vårdavdelningen.",
    )
    make_course("cafe", title="Café Cell", module_text="Naive readers resume reading.")
    make_course("other", title="Other", module_text="Nothing here.")
    assert listed(client, "forvaring") == {"kyl"}  # summary
    assert listed(client, "FORVARING") == {"kyl"}
    assert listed(client, "kvaveanga") == {"kyl"}  # module text only
    assert listed(client, "vardavdelningen") == {"kyl"}
    assert listed(client, "forvaras kvaveanga") == {"kyl"}
    assert listed(client, "cafe") == {"cafe"}
    assert listed(client, "résumé") == {"cafe"}  # marks in the query, none in the text
    assert listed(client, "naïve") == {"cafe"}
    assert listed(client, "forvaringx") == set()
    assert search.fold("Förvaring ÅÄÖ é") == "forvaring aao e"
