"""Ids in rendered course HTML: the heading anchors a preview makes, and unique ids per page.

Headings get the ids GitHub (and VS Code) give them, so that `[see](#förvaring)` written and
tried in a preview works for learners too: lower case, letters of any script kept,
punctuation dropped, each space a hyphen, repeats numbered `-1`, `-2` (github-slugger, which
both previews follow). Python-Markdown's own slugs drop å, ä and ö and number repeats `_1`.

A page may show several rendered fragments (a quiz page shows every question's stem, choices
and explanation; a module page its body and its table of contents): each fragment of a
page is rendered with its own `id_prefix`, so two footnotes `[^1]` never share an id.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET

import markdown
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor

# The ids the page around course HTML uses (the layout's skip-link target, panel titles):
# a heading never takes one of them. tests/catalog/test_page_ids.py keeps this list true.
PAGE_IDS = frozenset(
    {
        "main",
        "module-progress-title",
        "quiz-panel-title",
        "enrolment-panel-title",
        "enrolment-key",
        "enrolment-key-hint",
        "key-form-title",
        "working-title",
        "list-title",
        "left-title",
        "completed-title",
        "certificates-heading",
        "my-data-heading",
        "q",
    }
)
_HEADING = re.compile(r"^h[1-6]$")
_ID = re.compile(r'(\sid=")([^"]*)(")')
_HASH_HREF = re.compile(r'(\shref="#)([^"]*)(")')


def github_slug(text: str) -> str:
    """A heading's anchor as github-slugger makes it: lower-cased, every character that is
    not a letter, mark, number, `_`, `-` or space dropped, each space a hyphen."""
    kept = (
        c
        for c in unicodedata.normalize("NFC", text.lower())
        if c in "-_ " or unicodedata.category(c)[0] in "LMN"
    )
    return "".join(kept).replace(" ", "-")


def unique_id(base: str, used: set[str]) -> str:
    """`base`, or `base-1`, `base-2`... (github-slugger's numbering); added to `used`."""
    base = base or "section"
    candidate, n = base, 0
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


class HeadingIds(Treeprocessor):
    """Gives each heading without an id (`{#id}` keeps its own) its preview anchor. Runs
    after attr_list (8) and before toc (5), which then keeps the ids it finds."""

    def run(self, root: ET.Element) -> None:
        used = set(PAGE_IDS) | {el.get("id", "") for el in root.iter() if el.get("id")}
        for element in root.iter():
            tag = element.tag
            if isinstance(tag, str) and _HEADING.match(tag) and "id" not in element.attrib:
                inner = render_inner_html(remove_fnrefs(element), self.md)
                name = html.unescape(strip_tags(inner))
                element.set("id", unique_id(github_slug(name), used))


def register(md: markdown.Markdown) -> None:
    md.treeprocessors.register(HeadingIds(md), "lms-heading-ids", 6)


def prefix_ids(fragment: str, prefix: str, ids: set[str]) -> str:
    """Put `prefix` before every id of the sanitised `fragment` and before every `#id` link
    to one of `ids` (the fragment's own ids; a link to anything else is left alone)."""
    if not prefix:
        return fragment
    fragment = _ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}", fragment)

    def link(match: re.Match) -> str:
        target = match.group(2)
        if html.unescape(target) not in ids:
            return match.group(0)
        return f"{match.group(1)}{prefix}{target}{match.group(3)}"

    return _HASH_HREF.sub(link, fragment)


def ids_of(fragment: str) -> set[str]:
    """The ids of a sanitised HTML fragment, unescaped."""
    return {html.unescape(m.group(2)) for m in _ID.finditer(fragment)}
