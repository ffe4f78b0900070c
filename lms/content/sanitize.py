"""The allowlist every piece of rendered course HTML passes through before it is stored.

Python-Markdown is not a sanitiser: raw HTML is kept and `attr_list` copies any attribute
(`{: onclick=... }`) onto elements. So the *output* is cleaned here, with nh3 (ammonia), and
only what the allowlist names survives. Educators are trusted to teach, not to run code in a
learner's browser.
"""

from __future__ import annotations

import nh3

TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i",
        "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
        "tbody", "tr", "th", "td", "a", "img", "figure", "figcaption", "details", "summary",
        "div", "span", "sup", "sub", "abbr", "caption", "del", "s",
    }
)  # fmt: skip

# Removed together with their content: the text of a script or a style is never prose.
CLEAN_CONTENT_TAGS = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "svg", "math", "noscript"}
)

_HEADING_ATTRS = {"id"}
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan", "scope"},
    "li": {"id"},
    "sup": {"id"},
    "abbr": {"title"},
    "ol": {"start"},  # sane_lists keeps a list that starts at 3 starting at 3
    **{f"h{level}": set(_HEADING_ATTRS) for level in range(1, 7)},
    # class is further limited to ALLOWED_CLASSES by the attribute filter
    "div": {"class"},
    "p": {"class"},
    "span": {"class"},
}

ADMONITION_TYPES = frozenset(
    {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error"}
)
ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"admonition", "footnote", "toc", *ADMONITION_TYPES},
    "p": {"admonition-title"},
    "span": set(),
}

URL_SCHEMES = frozenset({"https", "mailto"})


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        # Done here rather than with nh3's allowed_classes, which leaves an empty class="".
        allowed = ALLOWED_CLASSES.get(tag, set())
        kept = [name for name in value.split() if name in allowed]
        return " ".join(kept) or None
    # Pictures come from the course's own assets only: the link rewriter turns every valid
    # Markdown image into a site path, so anything else (raw HTML, a tracking pixel) goes.
    if tag == "img" and attribute == "src" and not is_site_path(value):
        return None
    # `//host/...` is a relative URL to nh3 but leaves the site; external links say https://.
    if tag == "a" and attribute == "href" and is_protocol_relative(value):
        return None
    return value


def _normalised(url: str) -> str:
    # What a browser does before resolving: drop tabs and newlines, read `\` as `/`.
    return "".join(c for c in url.strip() if c not in "\t\n\r").replace("\\", "/")


def is_protocol_relative(url: str) -> bool:
    """`//host/...` (or `/\\host`, `\\\\host`): relative to nh3, another site to a browser."""
    return _normalised(url).startswith("//")


def is_site_path(url: str) -> bool:
    """True for `/courses/...`, false for `//host`, `/\\host` and anything with a scheme."""
    normal = _normalised(url)
    return normal.startswith("/") and not normal.startswith("//")


def sanitize(html: str) -> str:
    """Clean rendered HTML against the allowlist; the result is safe to store and serve."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes=set(URL_SCHEMES),
    )
