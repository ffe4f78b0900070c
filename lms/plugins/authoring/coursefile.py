"""Reading and changing course.md of a draft the way an educator would with an editor.

The app writes few keys itself (``version`` and ``status`` at publishing, ``owners`` when a
site admin adds one) and changes only those keys' lines, so comments, key order and the
educator's own layout stay as they were; the file stays what the checker and git read.
"""

from __future__ import annotations

import re

import yaml

from lms.content import frontmatter as fm

COURSE_FILE = "course.md"


def _dump(key: str, value) -> list[str]:
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False)
    return text.splitlines(keepends=True)


def set_keys(text: str, updates: dict) -> str:
    """``text`` with each key of ``updates`` set at the top level of its front matter: an
    existing key's lines (the key line and its indented or ``- `` continuation lines) are
    replaced, a missing key is added at the end. Raises ValueError without front matter."""
    lines = text.splitlines(keepends=True)
    parts = fm.split(text)
    if parts is None:
        raise ValueError("no front matter")
    end = parts[2] - 1  # index of the closing '---'
    for key, value in updates.items():
        start = next(
            (i for i in range(1, end) if re.match(rf"^{re.escape(key)}\s*:", lines[i])), None
        )
        new = _dump(key, value)
        if start is None:
            lines[end:end] = new
        else:
            stop = scan = start + 1
            while scan < end and (lines[scan][:1] in (" ", "\t", "-") or not lines[scan].strip()):
                scan += 1
                if lines[scan - 1].strip():
                    stop = scan  # blank lines belong to the block only when more follows
            lines[start:stop] = new
        end = fm.split("".join(lines))[2] - 1
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines)


def read_owners(text: str) -> tuple[str, ...] | None:
    """The ``owners:`` of a course.md (lower-case, possibly empty), or None when they cannot
    be read (no or broken front matter, an invalid owners list): keep the ones known."""
    parsed = fm.parse(text, fm.Kind.COURSE, COURSE_FILE)
    if not parsed.lines:
        return None
    owners_line = parsed.lines.get("owners")
    if owners_line is not None and any(
        p.line == owners_line or p.message.startswith("'owners'") for p in parsed.problems
    ):
        return None
    return tuple(owner.lower() for owner in parsed.values.get("owners") or ())


def new_course_md(
    *,
    title: str,
    summary: str,
    audiences: list[str],
    language: str,
    estimated_minutes: int,
    owner: str,
    description: str,
) -> str:
    """The course.md of a new course: a draft, version 1.0.0, its creator as owner, and a
    description that already carries the precedence note the checker requires
    (:data:`lms.content.lint.PRECEDENCE`), in the course's language."""
    values = {
        "title": title,
        "summary": summary,
        "audiences": list(audiences),
        "version": "1.0.0",
        "language": language,
        "estimated_minutes": estimated_minutes,
        "status": "draft",
        "owners": [owner.lower()],
    }
    front = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
    note = PRECEDENCE_NOTE.get(language, PRECEDENCE_NOTE["en"])
    return f"---\n{front}---\n{description.strip()}\n\n{note}\n"


# The note every course description carries (the checker refuses a course without it).
PRECEDENCE_NOTE = {
    "en": "The SmPC and local procedures (SOPs) always take precedence over this course. Where "
    "they differ from what you read here, follow the SmPC and the procedure.",
    "sv": "Produktresumén (SmPC) och sjukhusets lokala rutiner (SOP:er) har alltid företräde "
    "framför den här kursen. Om de skiljer sig från det du läser här följer du produktresumén "
    "och rutinen.",
}
