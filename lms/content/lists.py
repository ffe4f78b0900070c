"""Block structure as the author's preview reads it, re-written for Python-Markdown.

GitHub and VS Code follow CommonMark: what belongs to a list item is what is indented to
the column where the item's text starts (2 for `- `, 3 for `1. `), so a nested list under
`- a` is written with two spaces, and so are a second paragraph or a code fence of the item.
Python-Markdown wants four spaces per level, shows a two-space nested list as one flat list,
wants a blank line before a list or a quote that follows text, and knows ``` fences only at
the start of a line.

So before rendering, the structure is read once with markdown-it-py (a CommonMark parser)
and the text is re-written, line by line, into what Python-Markdown reads the same way:

- every line of a list item is re-indented to four spaces per level, keeping any indentation
  beyond the item's text column (an indented code block stays one);
- a code fence inside a list item becomes an indented code block (its fence lines blank:
  the sanitiser keeps no language class anyway); a fence indented 1-3 spaces at the top level
  is moved to the start of the line;
- a blank line goes before a list that follows a paragraph, before a quote that follows the
  text of a list item, and before the next item after an item that holds more than text.

Items inside block quotes are left as written (the checker's second opinion says where the
result still differs from the preview). Lines are re-indented, blanked or added (blank),
never otherwise changed.

Source: CommonMark 0.31.2, 4.5 (fenced code: up to 3 spaces of indentation), 5.2 (list
items: the content column), 5.3 (lists: a list may interrupt a paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_MARKER = re.compile(r"^( *)([-+*]|\d{1,9}[.)])( *)(.*)$")
_BACKTICKS = re.compile(r"^`{3,}")
_LANGUAGE = re.compile(r"^[\w+#.-]+$")
_HASH_START = re.compile(r"^(\s*(?:(?:[-+*]|\d{1,9}[.)])\s+)?)#")
# What any of the re-writings needs: a list marker, a fence, a `#`, a trailing backslash or
# a thematic break.
_WORTH_PARSING = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])(?:\s|$)|```|~~~|#|\\$|^ {0,3}[-*_]", re.M)
_ADMONITION = re.compile(r"^!!! ?[A-Za-z-]+")  # Python-Markdown's admonition extension
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PAREN = re.compile(r"^(\d{1,9})\)(?= |$)")
_parser = MarkdownIt("commonmark")
STEP = 4  # Python-Markdown's tab_length: one list level


@dataclass
class _Item:
    depth: int  # 1 for an item of a top-level list
    column: int  # where its text starts, in the source (CommonMark's content column)
    first: int  # its first line (0-based), the marker's line
    end: int
    more_than_text: bool = False  # holds a blank line, a quote or code: Python-Markdown
    # then needs a blank line before the next item


@dataclass
class _Plan:
    owners: dict[int, _Item] = field(default_factory=dict)
    replaced: dict[int, str] = field(default_factory=dict)
    blank_before: set[int] = field(default_factory=set)
    inserted: dict[int, str] = field(default_factory=dict)  # a line to add before line n
    edited: dict[int, str] = field(default_factory=dict)  # the line's text, before indenting


def _expand(line: str) -> str:
    """Leading tabs as spaces to the next multiple of 4 (CommonMark 2.2, Python-Markdown)."""
    head = len(line) - len(line.lstrip(" \t"))
    return line[:head].expandtabs(STEP) + line[head:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item(lines: list[str], depth: int, start: int, end: int) -> _Item | None:
    match = _MARKER.match(lines[start])
    if match is None:
        return None
    indent, marker, spaces, rest = match.groups()
    # Text more than 4 spaces after the marker is indented code: the text column is then
    # one space after the marker; an empty first line likewise (CommonMark 5.2, rules 2-3).
    gap = len(spaces) if rest and len(spaces) <= STEP else 1
    item = _Item(depth, len(indent) + len(marker) + gap, start, end)
    last = end
    while last > start + 1 and not lines[last - 1].strip():
        last -= 1  # trailing blank lines end the item rather than belong to it
    item.more_than_text = any(not line.strip() for line in lines[start + 1 : last])
    return item


def _fence(lines: list[str], token, item: _Item | None, plan: _Plan) -> None:
    start, end = token.map
    fence_indent = _indent(lines[start])
    closing = end - 1 > start and lines[end - 1].strip().startswith(token.markup)
    closing = closing and _indent(lines[end - 1]) - (item.column if item else 0) < STEP
    content = range(start + 1, end - 1 if closing else end)
    if item is None:
        # Top level: Python-Markdown wants the fence at the start of the line, closed by the
        # same fence exactly; a fence left open runs to the end (CommonMark 4.5).
        body = [lines[n][min(fence_indent, _indent(lines[n])) :] for n in content]
        runs = [len(m.group(0)) for m in map(_BACKTICKS.match, body) if m]
        fence = "`" * max(3, *(n + 1 for n in runs)) if runs else "```"
        language = token.info.split()[0] if token.info.split() else ""
        language = language if _LANGUAGE.match(language) else ""
        plan.replaced[start] = fence + language
        for number, line in zip(content, body, strict=True):
            plan.replaced[number] = line
        if closing:
            plan.replaced[end - 1] = fence
        else:
            plan.inserted[end] = fence
        return
    item.more_than_text = True
    plan.replaced[start] = ""  # the blank line an indented code block needs before it
    if closing:
        plan.replaced[end - 1] = ""
    base = item.column + max(0, fence_indent - item.column)
    for number in content:
        line = lines[number]
        if not line.strip():
            plan.replaced[number] = ""
        else:
            extra = max(0, _indent(line) - base)
            plan.replaced[number] = " " * (STEP * item.depth + STEP + extra) + line.lstrip(" ")


def _plan(lines: list[str]) -> _Plan:
    plan = _Plan()
    stack: list[_Item | None] = []  # None: a block quote, inside which items stay as written
    siblings: list[_Item | None] = []  # the last item closed in each open list
    paragraph_end = -1
    for token in _parser.parse("\n".join(lines)):
        kind = token.type
        items = [entry for entry in stack if entry is not None]
        inside_quote = None in stack
        innermost = stack[-1] if stack else None
        after_text = bool(token.map) and token.map[0] == paragraph_end
        if kind in ("bullet_list_open", "ordered_list_open"):
            siblings.append(None)
            if token.level == 0 and after_text:
                plan.blank_before.add(token.map[0])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            siblings.pop()
        elif kind == "list_item_open":
            start, end = token.map
            item = None if inside_quote else _item(lines, len(items) + 1, start, end)
            previous = siblings[-1] if siblings else None
            if item and previous and previous.more_than_text and lines[start - 1].strip():
                plan.blank_before.add(start)
            stack.append(item)
            if item is not None:
                for number in range(start, end):
                    plan.owners[number] = item
        elif kind == "list_item_close":
            closed = stack.pop()
            if siblings:
                siblings[-1] = closed
            if closed and items[:-1] and closed.more_than_text:
                items[-2].more_than_text = True
        elif kind == "blockquote_open":
            if isinstance(innermost, _Item):
                innermost.more_than_text = True
                if after_text:
                    plan.blank_before.add(token.map[0])
            stack.append(None)
        elif kind == "blockquote_close":
            stack.pop()
        elif kind == "fence" and not inside_quote:
            item = innermost if isinstance(innermost, _Item) else None
            if item is None or token.map[0] != item.first:  # not a fence on the marker's line
                _fence(lines, token, item, plan)
        elif kind == "code_block" and isinstance(innermost, _Item):
            innermost.more_than_text = True
        elif kind == "paragraph_open":
            paragraph_end = token.map[1]
            _paragraph(lines, token.map, plan)
        elif kind == "heading_open" and token.markup.startswith("#") and not items:
            plan.edited[token.map[0]] = lines[token.map[0]].lstrip(" ")  # `   # Heading`
        elif kind == "hr" and token.map[0] > 0 and lines[token.map[0] - 1].strip():
            plan.blank_before.add(token.map[0])  # else `- item` + `---` is a heading
    return plan


def _paragraph(lines: list[str], span: list[int], plan: _Plan) -> None:
    """Text the preview shows as text stays text; a backslash at the end of a line breaks
    the line (CommonMark 6.7), which Python-Markdown writes as two trailing spaces."""
    start, end = span
    for number in range(start, end):
        line = plan.edited.get(number, lines[number])
        line = _HASH_START.sub(r"\1\\#", line, count=1)  # `#hashtag`, `#5 bolt`: not headings
        trailing = len(line) - len(line.rstrip("\\"))
        if number < end - 1 and trailing % 2 == 1:
            line = line[:-1] + "  "
        if line != lines[number]:
            plan.edited[number] = line


def _reindented(line: str, item: _Item, number: int) -> str:
    stripped = line.lstrip(" ")
    if not stripped:
        return ""
    if number == item.first:
        # `1)` is CommonMark's other ordered marker; Python-Markdown knows only `1.`
        stripped = _PAREN.sub(r"\1.", stripped, count=1)
        return " " * (STEP * (item.depth - 1)) + stripped
    indent = len(line) - len(stripped)
    if indent >= item.column:
        return " " * (STEP * item.depth + indent - item.column) + stripped
    return line  # a lazy continuation line: Python-Markdown takes it as one too


def follow_preview(text: str) -> str:
    """`text` re-written so that Python-Markdown reads its lists, fences and quotes the way
    a CommonMark preview does (see the module). The result is only for rendering: line
    numbers of problems are taken from the text as written.

    An admonition (`!!! note`, the platform's own) is not CommonMark: its body, indented 4
    spaces, is re-written on its own, as the text it is.
    """
    lines = text.split("\n")
    pieces: list[str] = []
    segment: list[str] = []
    fence: str | None = None
    number = 0
    while number < len(lines):
        line = lines[number]
        match = _FENCE_LINE.match(line)
        if fence is None and match:
            fence = match.group(1)[0]
        elif fence is not None and match and match.group(1)[0] == fence:
            fence = None
        elif fence is None and _ADMONITION.match(line):
            end = number + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t"):
                end += 1
            while end > number + 1 and not lines[end - 1].strip():
                end -= 1
            pieces += [_follow("\n".join(segment))] if segment else []
            body = follow_preview("\n".join(_dedent(b) for b in lines[number + 1 : end]))
            indented = [f"    {b}" if b.strip() else "" for b in body.split("\n")]
            pieces.append("\n".join([line, *indented]) if end > number + 1 else line)
            segment, number = [], end
            continue
        segment.append(line)
        number += 1
    if segment:
        pieces.append(_follow("\n".join(segment)))
    return "\n".join(pieces)


def _dedent(line: str) -> str:
    line = _expand(line)
    return line[4:] if line.startswith("    ") else line.lstrip(" ")


def _follow(text: str) -> str:
    if not _WORTH_PARSING.search(text):
        return text  # plain paragraphs: nothing to re-write
    lines = [_expand(line) for line in text.split("\n")]
    plan = _plan(lines)
    if not (plan.owners or plan.replaced or plan.edited or plan.blank_before):
        return text
    for number, line in plan.edited.items():
        lines[number] = line
    out = []
    for number, line in enumerate(lines):
        if number in plan.inserted:
            out.append(plan.inserted[number])
        if number in plan.blank_before:
            out.append("")
        if number in plan.replaced:
            out.append(plan.replaced[number])
        elif number in plan.owners:
            out.append(_reindented(line, plan.owners[number], number))
        else:
            out.append(line)
    if len(lines) in plan.inserted:
        out.append(plan.inserted[len(lines)])
    return "\n".join(out)
