"""The checker's second opinion: where learners would see something the preview does not show.

Educators check their Markdown in GitHub's or VS Code's preview, which follow CommonMark with
GitHub's additions (tables, strikethrough, links from bare web addresses, footnotes). The
platform renders with Python-Markdown. For every block of a course file both renderings are
made (Python-Markdown through the platform's own pipeline, markdown-it-py as the preview),
passed through the same sanitiser, normalised (attribute order, whitespace, loose or tight
list spacing, footnote numbering) and compared; where they differ, the checker warns at the
block's first line with what the learner will see and what to write instead
(:mod:`lms.content.differences`).

The platform's own extensions are not differences: admonitions (`!!! note`) are compared by
their body, attribute lists (`{: ... }`) and abbreviations (`*[ATMP]: ...`) are left out of
both renderings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from .comments import strip_comments
from .differences import Canonical, canonical, explain
from .render import render_inline, render_markdown

_preview = MarkdownIt("gfm-like").use(footnote_plugin)
# GitHub links bare addresses that start with https://, http:// or www. only (GFM 6.9);
# "vavnad.se" stays text there.
_preview.linkify.set({"fuzzy_link": False})
_ADMONITION = re.compile(r"^!!! ?[A-Za-z-]+(?: +\"[^\"]*\")? *$")
_ATTR_LIST = re.compile(
    r"[ \t]*\{:?[ \t]*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+))"
    r"(?:[ \t]+(?:[#.][\w-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|\S+)))*[ \t]*\}[ \t]*$"
)
_ABBREVIATION = re.compile(r"^\*\[[^\]]+\]:")
_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Difference:
    line: int  # in the file
    message: str


@dataclass
class _Chunk:
    start: int  # 0-based line in the text
    lines: list[str]


def _without_platform_syntax(lines: list[str]) -> list[str]:
    """Attribute lists and abbreviation definitions are the platform's own: out of both."""
    out, fence = [], None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0]
        elif fence is not None and match and match.group(1)[0] == fence:
            fence = None
        elif fence is None:
            line = "" if _ABBREVIATION.match(line) else _ATTR_LIST.sub("", line)
        out.append(line)
    return out


def _chunks(lines: list[str]) -> list[_Chunk]:
    """Runs of top-level blocks (markdown-it's) not parted by a blank line and an unindented
    start: each is rendered and compared on its own, and warned about at its first line."""
    spans: list[list[int]] = []
    for token in _preview.parse("\n".join(lines)):
        if token.level != 0 or not token.map:
            continue
        start, end = token.map
        parted = start == 0 or (not lines[start - 1].strip() and not lines[start][:1].isspace())
        # Python-Markdown joins quotes parted by a blank line: compare them together
        parted = parted and not (spans and _joins_quote(lines, spans[-1], start))
        if spans and not parted:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [_Chunk(start, lines[start:end]) for start, end in spans]


def _joins_quote(lines: list[str], span: list[int], start: int) -> bool:
    last = next((lines[n] for n in range(span[1] - 1, span[0] - 1, -1) if lines[n].strip()), "")
    return lines[start].lstrip().startswith(">") and last.lstrip().startswith(">")


def _both(text: str, shared: str) -> tuple[Canonical, Canonical]:
    platform = render_markdown(text + shared).html
    preview = _preview.render(text + shared)
    return canonical(platform), canonical(preview)


def _compare(lines: list[str], first_line: int, shared: str) -> list[Difference]:
    found = []
    for chunk in _chunks(lines):
        head = chunk.lines[0] if chunk.lines else ""
        line = first_line + chunk.start
        if _FOOTNOTE.match(head) or _DEFINITION.match(head):
            continue  # definitions are used (and compared) where they are referred to
        if _ADMONITION.match(head.strip()):
            body = [b[4:] if b.startswith("    ") else b.lstrip() for b in chunk.lines[1:]]
            found.extend(_compare(body, line + 1, shared))
            continue
        platform, preview = _both("\n".join(chunk.lines), shared)
        if platform != preview:
            found.append(Difference(line, explain(platform, preview, chunk.lines)))
    return found


def _shared_definitions(lines: list[str]) -> str:
    """The link reference definitions of the whole text, for every block that uses one."""
    kept = [line.strip() for line in lines if _DEFINITION.match(line)]
    return ("\n\n" + "\n".join(kept) + "\n") if kept else ""


def differences(text: str, *, line_offset: int = 0) -> list[Difference]:
    """Where the platform's rendering of the Markdown `text` differs from a GitHub or VS Code
    preview's, block by block; `line_offset` lines precede `text` in its file."""
    lines = _without_platform_syntax(strip_comments(text).split("\n"))
    footnotes = {m.group(0).strip()[2:-2] for m in map(_FOOTNOTE.match, lines) if m}
    if footnotes:  # references become plain text on both sides: notes are the platform's
        pattern = re.compile(r"\[\^(" + "|".join(map(re.escape, footnotes)) + r")\]")
        lines = [line if _FOOTNOTE.match(line) else pattern.sub(r"(\1)", line) for line in lines]
    return _compare(lines, line_offset + 1, _shared_definitions(lines))


def inline_difference(text: str, *, line: int) -> Difference | None:
    """The same for one line of inline text (a quiz choice or a question's heading)."""
    text = strip_comments(text).strip()
    platform = canonical(render_inline(text))
    preview = canonical(_preview.renderInline(text))
    if platform == preview:
        return None
    return Difference(line, explain(platform, preview, [text]))


def question_differences(question) -> list[Difference]:
    """The differences in one parsed quiz question (:class:`ParsedQuestion`): its stem and
    explanation block by block, its heading and each choice as a line."""
    found = differences("\n".join(question.stem), line_offset=question.line)
    found += differences(
        "\n".join(question.explanation), line_offset=max(question.explanation_line - 1, 0)
    )
    pieces = [(question.heading, question.line)]
    pieces += [(choice.text, choice.line) for choice in question.choices]
    for text, line in pieces:
        difference = inline_difference(text, line=line)
        if difference is not None:
            found.append(difference)
    return found
