"""The number of queries a report page runs does not grow with the number of people."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.extensions import db
from lms.models import Profession
from lms.plugins.reports.people_list import PAGE_SIZE
from lms.plugins.reports.services import today
from tests.sql import counting

URLS = [
    "/centre/",
    "/centre/people",
    "/centre/people?status=completed&profession=nurse",
    "/centre/people?page=2",
    "/centre/people?q=extra",
    "/centre/report.csv",
    "/centre/report.xlsx",
]


def _count(client, url: str) -> int:
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _grow(known, make_user, records, n: int) -> None:
    """``n`` more people at both centres, with every kind of record."""
    on = today()
    for i in range(n):
        centre = "skane" if i % 3 else "karolinska"
        user = make_user(name=f"Extra {i:03d}", centre=centre, profession=list(Profession)[i % 5])
        e = records.enrol(user, known.a1, progress=i % 2 == 0)
        if i % 3 == 0:
            c = records.complete(e, known.a1, on - timedelta(days=i * 7))
            records.certify(c, user, known.a1, expires_on=on + timedelta(days=i - 30),
                            revoked=i % 9 == 0)  # fmt: skip
        if i % 4 == 0:
            records.assign(user, known.b1, on + timedelta(days=i % 7 - 3))


@pytest.mark.parametrize("who", ["admin", "site_admin", "educator"])
def test_query_count_does_not_grow_with_the_data(client, login, known, make_user, records, who):
    login(getattr(known, who))
    urls = ["/centre/"] if who == "educator" else URLS
    if who == "site_admin":
        urls = [*urls, "/centre/?centre=skane", "/centre/people?centre=karolinska"]
    for url in urls:
        _count(client, url)  # warm up: first-request work (e.g. template loading)
    small = {url: _count(client, url) for url in urls}
    _grow(known, make_user, records, PAGE_SIZE + 25)
    db.session.commit()
    large = {url: _count(client, url) for url in urls}
    assert large == small
    assert max(small.values()) <= 8, small
