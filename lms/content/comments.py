"""HTML comments in course Markdown: invisible in every preview, so invisible here too.

Educators leave notes for each other (`<!-- reviewed by the pharmacy group -->`) and park
questions or choices inside comments. GitHub and VS Code show nothing of them, so the platform
removes them before parsing a quiz and before rendering, keeping the line numbers (a comment's
line breaks stay), so that every problem still points at the right line. Inside fenced code
and code spans a comment is code, shown as written, as in the previews.

Source: CommonMark 0.31.2, 4.6 (HTML blocks, kind 2: `<!--` to `-->`) and 6.6 (raw HTML: an
HTML comment is `<!-->`, `<!--->`, or `<!--` ... `-->`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_OPEN = "<!--"
_CLOSE = "-->"
PIN = re.compile(r"<!--\s*pin\s*-->", re.IGNORECASE)


@dataclass(frozen=True)
class Stripped:
    """The text without its comments, and the line (1-based, in the text) of a comment that
    is never closed, if any: a preview hides everything after it."""

    text: str
    unclosed_line: int | None = None


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Where the code spans of one line are: a run of backticks up to the next run of the same
    length (CommonMark 6.1). Spans across lines are rare in course text and not looked for."""
    spans = []
    position = 0
    while True:
        start = line.find("`", position)
        if start < 0:
            return spans
        end = start
        while end < len(line) and line[end] == "`":
            end += 1
        run = line[start:end]
        close = re.compile(rf"(?<!`){run}(?!`)").search(line, end)
        if close is None:
            position = end
            continue
        spans.append((start, close.end()))
        position = close.end()


def _in_span(index: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= index < end for start, end in spans)


def _fence_state(line: str, fence: str | None) -> tuple[str | None, bool]:
    """The open fence after `line`, and whether `line` belongs to fenced code."""
    match = _FENCE.match(line)
    if fence is None:
        return (match.group(1), True) if match else (None, False)
    closing = match.group(1) if match else ""
    if closing[:1] == fence[0] and len(closing) >= len(fence) and not line.strip().strip(fence[0]):
        return None, True
    return fence, True


def strip(text: str, *, block_marker: str = "") -> Stripped:
    """`text` with every HTML comment outside code removed; line breaks inside a comment are
    kept, so line n of the result is line n of `text`. A line left with only spaces becomes
    empty, or `block_marker` where a comment began the line: such a comment is an HTML block
    that separates what is around it (two lists on either side stay two lists), and the
    renderer keeps an empty comment there for Python-Markdown to see the same.
    """
    out: list[str] = []
    fence: str | None = None
    open_since: int | None = None  # line number where an unclosed comment began
    for number, line in enumerate(text.split("\n"), start=1):
        if open_since is None:
            fence, in_code = _fence_state(line, fence)
            if in_code:
                out.append(line)
                continue
        kept, position, touched = [], 0, open_since is not None
        starts_block = open_since is None and line.lstrip(" ").startswith(_OPEN)
        starts_block = starts_block and len(line) - len(line.lstrip(" ")) <= 3
        spans = _code_spans(line) if open_since is None else []
        while position <= len(line):
            if open_since is not None:
                end = line.find(_CLOSE, position)
                if end < 0:
                    break
                # `<!-->` and `<!--->` close at once (CommonMark 0.31.2, 6.6)
                position = end + len(_CLOSE)
                open_since = None
                spans = _code_spans(line[position:])
                spans = [(a + position, b + position) for a, b in spans]
                continue
            start = line.find(_OPEN, position)
            while start >= 0 and _in_span(start, spans):
                start = line.find(_OPEN, start + 1)
            if start < 0:
                kept.append(line[position:])
                break
            kept.append(line[position:start])
            touched = True
            open_since = number
            position = start + len(_OPEN)
            if line.startswith((">", "->"), position):  # `<!-->` and `<!--->`
                position += 1 if line[position] == ">" else 2
                open_since = None
        result = "".join(kept)
        if touched and not result.strip():
            result = block_marker if starts_block else ""
        out.append(result)
    return Stripped("\n".join(out), open_since)


def strip_comments(text: str, *, block_marker: str = "") -> str:
    """`text` without its HTML comments (see :func:`strip`)."""
    return strip(text, block_marker=block_marker).text


EMPTY_COMMENT = "<!-- -->"  # what the renderer keeps of a comment block (nh3 removes it)
