"""Comparing two renderings of one block, and saying what differs in an educator's words.

:func:`canonical` reduces sanitised HTML to what a reader sees: the elements and their
attributes (sorted; ids, classes and rel left out), the text with its white space folded, and
paragraphs directly inside list items dropped (a loose and a tight list read the same).
:func:`explain` turns a difference into one sentence that says what the learner will see
and what to write instead, such as "this list will show as one paragraph for learners: put
a blank line before it".
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from .sanitize import sanitize

Canonical = tuple[tuple[str, ...], ...]
_IGNORED_ATTRIBUTES = {"id", "class", "rel"}
_VOID = {"br", "hr", "img"}
_SAME = {"s": "del", "b": "strong", "i": "em"}  # shown alike
_LISTS = ("ul", "ol")
_EMPHASIS = ("em", "strong", "del", "s")
_BARE_URL = re.compile(r"(?<![(<\[])\b(?:https?://|www\.)[^\s<>)]+")
_BOLD_ITALIC = re.compile(r"<strong><em>((?:(?!</?(?:em|strong)>).)*)</em></strong>", re.DOTALL)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?=[^#\s])")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, ...]] = []
        self.open: list[str] = []
        self.dropped: list[bool] = []

    def handle_starttag(self, tag, attrs) -> None:
        tag = _SAME.get(tag, tag)
        parent = self.open[-1] if self.open else ""
        if tag not in _VOID:
            self.open.append(tag)
            self.dropped.append(tag == "p" and parent == "li")
            if self.dropped[-1]:
                return
        kept = sorted(f"{k}={v or ''}" for k, v in attrs if k not in _IGNORED_ATTRIBUTES)
        self.tokens.append(("<", tag, *kept))

    def handle_endtag(self, tag) -> None:
        tag = _SAME.get(tag, tag)
        if tag in _VOID or not self.open:
            return
        self.open.pop()
        if not self.dropped.pop():
            self.tokens.append(("/", tag))

    def handle_data(self, data) -> None:
        text = " ".join(data.split())
        if not text:
            return
        if self.tokens and self.tokens[-1][0] == "t":
            text = f"{self.tokens[-1][1]} {text}"
            self.tokens.pop()
        self.tokens.append(("t", text))


def canonical(html: str) -> Canonical:
    """What a reader sees of `html` (after the platform's sanitiser), comparable by ==."""
    reader = _Reader()
    # `***x***` is bold italic whichever way round the two are nested
    html = _BOLD_ITALIC.sub(r"<em><strong>\1</strong></em>", sanitize(html))
    reader.feed(html)
    reader.close()
    return tuple(reader.tokens)


def _count(tokens: Canonical, *tags: str) -> int:
    return sum(1 for t in tokens if t[0] == "<" and t[1] in tags)


def _depth(tokens: Canonical) -> int:
    depth = deepest = 0
    for token in tokens:
        if token[1:2] and token[1] in _LISTS:
            depth += 1 if token[0] == "<" else -1
            deepest = max(deepest, depth)
    return deepest


def _text(tokens: Canonical) -> str:
    return " ".join(t[1] for t in tokens if t[0] == "t")


def _first_text_difference(platform: Canonical, preview: Canonical) -> tuple[str, str]:
    mine, theirs = _text(platform), _text(preview)
    start = 0
    while start < min(len(mine), len(theirs)) and mine[start] == theirs[start]:
        start += 1
    start = max(0, mine.rfind(" ", 0, max(start - 12, 0)) + 1)
    return mine[start : start + 50].strip(), theirs[start : start + 50].strip()


def _quoted(text: str) -> str:
    return f"'{text}'" if text else "nothing"


def explain(platform: Canonical, preview: Canonical, lines: list[str]) -> str:
    """One sentence on how the learner's view of a block (`platform`) differs from the
    preview's (`preview`), with what to write instead; `lines` are the block's source."""
    source = "\n".join(lines)
    mine, theirs = (
        Counter(t[1] for t in platform if t[0] == "<"),
        Counter(t[1] for t in preview if t[0] == "<"),
    )
    lists_mine, lists_theirs = _count(platform, *_LISTS), _count(preview, *_LISTS)
    if lists_theirs and not lists_mine:
        return (
            "this list will show as one paragraph for learners (the preview shows a list): "
            "put a blank line before it"
        )
    if _depth(preview) > _depth(platform):
        return (
            "this nested list will show as one flat list for learners: "
            "indent the nested items by 4 spaces"
        )
    if lists_mine > lists_theirs or mine["li"] != theirs["li"]:
        return (
            f"learners will see {mine['li']} list items here, the preview shows "
            f"{theirs['li']}: start each item on its own line with '- ' or '1. ', "
            "with a blank line before the list"
        )
    if _count(platform, "h1", "h2", "h3", "h4", "h5", "h6") != _count(
        preview, "h1", "h2", "h3", "h4", "h5", "h6"
    ):
        if any(_HEADING.match(line) for line in lines):
            return "learners will see a heading here, the preview shows text: put a space after '#'"
        return (
            "headings will show differently for learners than in the preview: "
            "write headings as '## Heading' with a blank line before and after"
        )
    if mine["pre"] != theirs["pre"]:
        return (
            "this code block will show differently for learners than in the preview: "
            "put a blank line before the ``` fence and indent it like the text around it"
        )
    for tag, what in (("table", "table"), ("blockquote", "quote"), ("hr", "line")):
        if mine[tag] != theirs[tag]:
            return (
                f"this {what} will show differently for learners than in the preview: "
                f"put a blank line before and after it"
            )
    if mine["a"] < theirs["a"] and _BARE_URL.search(source):
        return (
            "this web address will not be a link for learners (the preview makes it one): "
            "write it as <https://...>"
        )
    if mine["a"] != theirs["a"] or mine["img"] != theirs["img"]:
        return (
            "a link or picture here will show differently for learners than in the preview: "
            "write it as [text](address) or ![what it shows](images/file.png), with no spaces "
            "in the address"
        )
    if mine["br"] != theirs["br"]:
        return (
            "line breaks will show differently for learners than in the preview: end a line "
            "with a backslash '\\' where it must break"
        )
    ours, preview_text = _first_text_difference(platform, preview)
    if any(mine[t] != theirs[t] for t in _EMPHASIS) or ours == preview_text:
        return (
            "emphasis will show differently for learners than in the preview: write *italic*, "
            "**bold** and ~~struck~~ around whole words, with no space inside the stars"
        )
    return f"learners will see {_quoted(ours)} where the preview shows {_quoted(preview_text)}"
