"""Per-process caches of HTML built only from a published course version.

A published version never changes (a change is a new version with a new id), so the HTML a
template builds from it alone (a catalogue card, a course's module list) is the same for
everyone who reads the page in the same language. Templates wrap such parts in::

    {% call cached("catalog.card", version) %} ... {% endcall %}

and the part is rendered once per (name, version id, locale, script root) in each worker
process, then served from memory. Rules, checked by ``tests/test_page_caches.py``:

- nothing about the person (enrolment, progress, attempts, role) goes inside a cached part:
  it would be shown to the next reader;
- a draft is never cached (``version.is_draft``): drafts change and only staff see them;
- which courses are listed, published or retired, is decided per request outside the part.

Each cache is bounded (:data:`MAX_FRAGMENTS` entries, least recently used out first; a
card is ~1 kB, so the bound keeps it under ~5 MB a process).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup

MAX_FRAGMENTS = 4096
"""Fragments kept per app process; the least recently used goes first."""

STORE = "lms.fragments"


class Fragments:
    """A bounded, thread-safe LRU map from keys to rendered HTML."""

    def __init__(self, bound: int = MAX_FRAGMENTS) -> None:
        self.bound = bound
        self.lock = threading.Lock()
        self.items: OrderedDict[Hashable, Markup] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], str]) -> Markup:
        """The HTML for ``key``, built by ``build()`` on a miss (outside the lock)."""
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        html = Markup(build())
        with self.lock:
            self.items[key] = html
            while len(self.items) > self.bound:
                self.items.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self.items)


def cached(name: str, version, *extra: Hashable, caller: Callable[[], str]) -> Markup:
    """Jinja ``{% call cached(name, version, *extra) %}``: the block's HTML, built once per
    (``name``, ``version.id``, ``extra``, locale, script root) and process. ``version`` is a
    course version (anything with ``id`` and ``is_draft``); a draft's block is rendered on
    every call and never kept. ``extra`` must be hashable and never about the person."""
    if version.is_draft or not current_app.config.get("LMS_FRAGMENT_CACHE", True):
        return Markup(caller())
    key = (name, version.id, extra, str(get_locale()), request.script_root)
    store: Fragments = current_app.extensions[STORE]
    return store.get(key, caller)


def cached_part(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """Jinja ``{% call cached_part(name, *key) %}``: a block that depends on no course
    version, built once per (``name``, ``key``, locale, script root) and process: the
    site's navigation for a set of links and roles, the catalogue's filter lists for the
    values chosen. ``key`` must hold everything the block reads besides the locale and
    the script root (hashable, bounded in number: not free text, nothing about one person
    but the roles and links every holder of those roles gets)."""
    if not current_app.config.get("LMS_FRAGMENT_CACHE", True):
        return Markup(caller())
    full = ("part", name, key, str(get_locale()), request.script_root)
    store: Fragments = current_app.extensions[STORE]
    return store.get(full, caller)


def init_app(app: Flask) -> None:
    app.extensions[STORE] = Fragments(app.config.get("LMS_FRAGMENT_CACHE_SIZE", MAX_FRAGMENTS))
    app.jinja_env.globals["cached"] = cached
    app.jinja_env.globals["cached_part"] = cached_part
