"""Markdown to stored HTML: render once at sync time, then sanitise the output.

Requests never render Markdown; they serve what this module produced. The order matters:
Python-Markdown first (it keeps raw HTML and lets `attr_list` add any attribute), then the
links are resolved on the element tree, then nh3 removes everything not on the allowlist.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from collections import Counter

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.treeprocessors import Treeprocessor

from . import anchors
from .comments import EMPTY_COMMENT, strip_comments
from .documents import Heading, Rendered
from .links import KeepLinks, LinkResolver
from .lists import follow_preview
from .sanitize import sanitize
from .tree import even_list_spacing

EXTENSIONS = ("tables", "fenced_code", "footnotes", "admonition", "attr_list", "abbr", "sane_lists")

_INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
_SINGLE_PARAGRAPH = re.compile(r"\A<p>(.*)</p>\Z", re.DOTALL)


class _SourceLines:
    """Finds the line a URL was written on: the element tree keeps no source positions."""

    def __init__(self, text: str, line_offset: int):
        self.text = text
        self.line_offset = line_offset
        self.seen: Counter[str] = Counter()

    def line_of(self, url: str) -> int:
        # The n-th time a URL is met in the tree is taken to be its n-th place in the source;
        # when it cannot be found as written (entities, escapes) the body's first line is used.
        self.seen[url] += 1
        position = -1
        for _ in range(self.seen[url]):
            found = self.text.find(url, position + 1)
            if found < 0:
                break
            position = found
        if position < 0:
            return self.line_offset + 1
        return self.line_offset + self.text.count("\n", 0, position) + 1


class _LinkTreeprocessor(Treeprocessor):
    """Resolves every <a href> and <img src> once inline Markdown and attr_list are done."""

    def __init__(self, md: markdown.Markdown, resolver: LinkResolver, lines: _SourceLines):
        super().__init__(md)
        self.resolver = resolver
        self.lines = lines

    def run(self, root: ET.Element) -> None:
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                href = element.get("href", "")
                if href.startswith("#"):
                    # footnotes, the table of contents and in-page anchors
                    self.resolver.anchor(href, ids, self.lines.line_of(href))
                else:
                    url = self.resolver.link(href, self.lines.line_of(href))
                    _set_or_drop(element, "href", url)
            elif element.tag == "img":
                src = element.get("src") or ""
                alt = element.get("alt") or ""
                line = self.lines.line_of(src)
                url = self.resolver.image(src, alt, line)
                _set_or_drop(element, "src", url)
                element.set("alt", _plain(alt))


def _plain(alt: str) -> str:
    """A picture's alternative text as CommonMark gives it (6.4): the text of the
    description, without the stars and brackets of its Markdown, which a screen reader
    would otherwise read out."""
    alt = _INLINE_LINK.sub(r"\1", alt)
    alt = _EMPHASIS.sub(r"\2", alt)
    return alt.replace("`", "")


def _set_or_drop(element: ET.Element, attribute: str, value: str | None) -> None:
    if value is None:
        element.attrib.pop(attribute, None)
    else:
        element.set(attribute, value)


class _LinkExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.processor: _LinkTreeprocessor | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After attr_list (8) and toc (5), before unescape (0): sees the final URLs.
        self.processor = _LinkTreeprocessor(md, KeepLinks(), _SourceLines("", 0))
        md.treeprocessors.register(self.processor, "lms-links", 2)


class _ListSpacing(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        even_list_spacing(root)


class _PreviewExtension(Extension):
    """Heading anchors, loose lists and ~~strikethrough~~ as GitHub and VS Code show them."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        anchors.register(md)
        md.treeprocessors.register(_ListSpacing(md), "lms-list-spacing", 3)
        # GFM strikethrough (github.github.com/gfm, 6.5): ~~text~~
        md.inlinePatterns.register(
            SimpleTagInlineProcessor(r"(~~)(?!\s)(.+?)(?<!\s)~~", "del"), "lms-strike", 40
        )


_instances = threading.local()


def _markdown(resolver: LinkResolver, lines: _SourceLines) -> markdown.Markdown:
    """A Markdown converter for this thread, reset and pointed at `resolver`: setting up the
    extensions costs more than a conversion, and the checker converts every block."""
    md = getattr(_instances, "md", None)
    if md is None:
        links = _LinkExtension()
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, TocExtension(permalink=False), _PreviewExtension(), links],
            output_format="html",
        )
        _instances.md, _instances.links = md, links.processor
    md.reset()
    _instances.links.resolver = resolver
    _instances.links.lines = lines
    return md


def _headings(tokens: list[dict]) -> list[Heading]:
    found: list[Heading] = []
    for token in tokens:
        found.append(Heading(token["level"], token["id"], token["name"]))
        found.extend(_headings(token.get("children", [])))
    return found


def render_markdown(
    text: str,
    *,
    link_resolver: LinkResolver | None = None,
    line_offset: int = 0,
    id_prefix: str = "",
) -> Rendered:
    """Render a Markdown body to sanitised HTML plus its table of contents.

    HTML comments are removed first (previews never show them). `line_offset` is the
    number of lines before `text` in its file (the front matter), so that problems the
    resolver reports point at the right line of the file. `id_prefix` goes before every id
    (and every link to one) when the page shows other fragments beside this one.
    """
    text = strip_comments(text, block_marker=EMPTY_COMMENT)
    lines = _SourceLines(text, line_offset)  # as written: problems point at its lines
    md = _markdown(link_resolver or KeepLinks(), lines)
    html = sanitize(md.convert(follow_preview(text)))
    headings = tuple(_headings(md.toc_tokens))  # type: ignore[attr-defined]
    toc_html = sanitize(md.toc) if headings else ""  # type: ignore[attr-defined]
    if id_prefix:
        ids = anchors.ids_of(html)
        html = anchors.prefix_ids(html, id_prefix, ids)
        toc_html = anchors.prefix_ids(toc_html, id_prefix, ids)
        headings = tuple(Heading(h.level, id_prefix + h.id, h.text) for h in headings)
    return Rendered(html=html, toc_html=toc_html, headings=headings)


def render_inline(
    text: str,
    *,
    link_resolver: LinkResolver | None = None,
    line_offset: int = 0,
    id_prefix: str = "",
) -> str:
    """Render a short text (a quiz choice) without the paragraph around it."""
    text = strip_comments(text)
    lines = _SourceLines(text, line_offset)
    html = _markdown(link_resolver or KeepLinks(), lines).convert(text.strip())
    match = _SINGLE_PARAGRAPH.match(html)
    if match and "<p>" not in match.group(1):
        html = match.group(1)
    html = sanitize(html)
    return anchors.prefix_ids(html, id_prefix, anchors.ids_of(html))
