"""The number of SQL queries per page does not grow with the courses or their modules.

Only the catalogue runs, so the counts are its own (other plugins' panels add theirs).
"""

from __future__ import annotations

import pytest

from lms.models import Role
from tests import sql
from tests.catalog.helpers import STAFF


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog"]}


def counting():
    """The SQL statements sent while inside, leaving out transaction control."""
    return sql.counting(transaction_control=False)


def queries(client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session may load more
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def small(make_course) -> str:
    make_course("small", modules=2, quiz_modules=(1,), final_quiz=True)
    return "small"


def large(make_course) -> str:
    for n in range(1, 9):
        make_course(
            f"course-{n}",
            modules=12,
            quiz_modules=(1, 5, 12),
            final_quiz=True,
            swedish=n % 2 == 0,
            audiences=("nurse", "pharmacist"),
        )
    make_course("draft-course", status="draft", modules=12)
    return "course-8"


def counts(client, slug: str) -> dict[str, int]:
    urls = ["/courses/?audience=all", "/", f"/courses/{slug}/", f"/courses/{slug}/module-2/"]
    return {url.replace(slug, "<course>"): queries(client, url) for url in urls}


@pytest.mark.parametrize("role", [Role.learner, *STAFF], ids=lambda r: r.value)
def test_query_count_does_not_grow(make_course, login_as, client, role):
    login_as(role)
    few = counts(client, small(make_course))
    # The same app gets eight more courses of twelve modules each, and a draft.
    many = counts(client, large(make_course))
    assert few == many
    assert max(few.values()) <= 5, few


def test_visitor_pages_take_few_queries(client, make_course):
    large(make_course)
    assert queries(client, "/courses/") <= 1
    assert queries(client, "/courses/course-3/") <= 3
