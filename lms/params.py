"""Values from the URL and the form that a route may not expect: a client error, never a 500.

Three kinds reached the database and failed there: a page number or id too large for an
SQL integer (``?page=99999999999999999999``: SQLite's OverflowError, PostgreSQL's "out of
range"), and a NUL character, which PostgreSQL cannot hold in a text value. So:

* ``<int:...>`` in a route accepts 1 .. :data:`MAX_ID` (a larger number is a 404, like any
  id that does not exist);
* :func:`page_number` reads ``?page=`` (a 400 when it is not a whole number from 1 to
  :data:`MAX_PAGE`), :func:`whole_number` any other number a form posts;
* :func:`refuse_nul` (a ``before_request`` hook) answers 400 to a request whose path, query
  or form holds a NUL.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
"""The largest id any table holds (PostgreSQL's ``integer``)."""
MAX_PAGE = 100_000
_DIGITS = re.compile(r"[0-9]{1,10}")


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column can hold; anything else is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(value: str | None, *, maximum: int = MAX_ID) -> int | None:
    """An ASCII whole number from 0 to ``maximum``, else None."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


def page_number(name: str = "page") -> int:
    """The page asked for in the query (1 when absent or empty).

    Raises ``BadRequest`` (400) when the value is not a whole number from 1 to
    :data:`MAX_PAGE`; a page past the last is the caller's to handle (show the last).
    """
    value = request.args.get(name, "")
    if value == "":
        return 1
    number = whole_number(value, maximum=MAX_PAGE)
    if not number:
        abort(400)
    return number


def search_term(name: str = "q", *, longest: int = 200) -> str:
    """The search text in the query, as people type it: NFC, one line, at most ``longest``
    characters (``""`` when absent)."""
    from lms.text import one_line

    return one_line(request.args.get(name, ""))[:longest]


def contains_pattern(term: str) -> str:
    """A SQL ``LIKE`` pattern for ``term`` anywhere, its ``%`` and ``_`` taken as text; use
    it with ``escape="\\"``."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def refuse_nul():
    """``before_request``: a NUL anywhere in the path, the query or the form is a 400."""
    if "\x00" in request.path:
        abort(400)
    for values in (request.args, request.form if request.method != "GET" else {}):
        for key, value in values.items(multi=True) if values else ():
            if "\x00" in key or "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)
