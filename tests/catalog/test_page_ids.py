"""Ids on course and module pages are unique, whatever the course's headings are called."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lms.content.anchors import PAGE_IDS
from lms.models import Role
from tests.catalog.helpers import text

IDS = re.compile(r'\sid="([^"]+)"')


def _page_ids(page: str) -> Counter:
    return Counter(IDS.findall(page))


@pytest.mark.parametrize("role", [Role.learner, Role.educator])
def test_the_page_ids_are_known_to_the_renderer(client, login_as, make_course, role):
    """The page's own ids are the ones headings must avoid (lms.content.anchors.PAGE_IDS)."""
    make_course("ids", modules=1, quiz_modules=(1,), module_text="Plain text.")
    login_as(role)
    for url in ("/courses/ids/", "/courses/ids/module-1/"):
        page_ids = set(_page_ids(text(client.get(url)))) - {"part-one"}
        assert page_ids <= PAGE_IDS, page_ids - PAGE_IDS


def test_headings_named_like_the_page_ids_get_other_ids(client, login_as, make_course):
    headings = "\n\n".join(
        f"## {name.replace('-', ' ')}\n\nText.[^{n}]"
        for n, name in enumerate(sorted(PAGE_IDS), start=1)
    )
    notes = "\n\n".join(f"[^{n}]: Note {n}." for n in range(1, len(PAGE_IDS) + 1))
    make_course("ids", modules=1, quiz_modules=(1,), module_text=f"\n\n{headings}\n\n{notes}")
    login_as(Role.learner)
    for url in ("/courses/ids/", "/courses/ids/module-1/"):
        ids = _page_ids(text(client.get(url)))
        assert [i for i, n in ids.items() if n > 1] == [], url
