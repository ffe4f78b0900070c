"""The files of a course folder: what each name means, their text, and the hash of them all.

File names carry meaning (number, slug, kind, language), so a name that matches no pattern is
an error rather than something to skip: `01-intro.MD` or `02_regulation.md` would otherwise
vanish from the course without anyone noticing.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .documents import Problem
from .links import IMAGE_EXTENSIONS

NAME = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
NAME_RULE = "lower-case letters, digits and hyphens (not at the start or end)"
FOLDER = re.compile(rf"^{NAME}$")
RESERVED_SLUGS = frozenset({"quiz", "assets", "enrol"})
IMAGES_FOLDER = "images"

_PATTERNS = (
    ("course", re.compile(r"^course\.md$")),
    ("course", re.compile(r"^course\.(?P<lang>[a-z]{2})\.md$")),
    ("quiz", re.compile(rf"^(?P<number>\d+)-(?P<slug>{NAME})\.quiz\.md$")),
    ("quiz", re.compile(rf"^(?P<number>\d+)-(?P<slug>{NAME})\.quiz\.(?P<lang>[a-z]{{2}})\.md$")),
    ("module", re.compile(rf"^(?P<number>\d+)-(?P<slug>{NAME})\.md$")),
    ("module", re.compile(rf"^(?P<number>\d+)-(?P<slug>{NAME})\.(?P<lang>[a-z]{{2}})\.md$")),
)


@dataclass(frozen=True)
class CourseFile:
    """One Markdown file of the course, named by what its file name says it is."""

    name: str
    kind: str  # course, module or quiz
    number: int | None
    slug: str | None
    language: str | None  # None for an original, the language code for a translation

    @property
    def original_name(self) -> str:
        """`01-intro.sv.md` -> `01-intro.md`: the file a translation translates."""
        if self.language is None:
            return self.name
        return self.name[: -len(f".{self.language}.md")] + ".md"


def classify(name: str) -> CourseFile | None:
    """What a file name in a course folder means, or None if it matches no pattern."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(name)
        if match:
            parts = match.groupdict()
            number = int(parts["number"]) if parts.get("number") else None
            return CourseFile(name, kind, number, parts.get("slug"), parts.get("lang"))
    return None


def check_names(files: list[CourseFile], kind: str) -> list[tuple[CourseFile, str]]:
    """Numbers order and slugs address: each must be unique among the modules (or quizzes)."""
    found = []
    numbers: dict[int | None, str] = {}
    slugs: dict[str | None, str] = {}
    for file in files:
        if file.number in numbers:
            found.append(
                (file, f"{kind} number {file.number} is also used by {numbers[file.number]}")
            )
        if file.slug in slugs:
            found.append((file, f"{kind} slug '{file.slug}' is also used by {slugs[file.slug]}"))
        if kind == "module" and file.slug in RESERVED_SLUGS:
            reserved = ", ".join(sorted(RESERVED_SLUGS))
            found.append((file, f"'{file.slug}' cannot be a module slug ({reserved} are reserved)"))
        numbers.setdefault(file.number, file.name)
        slugs.setdefault(file.slug, file.name)
    return found


def nfc(text: str) -> str:
    """`text` in Unicode normalisation form C: `å` as one character, however it was typed or
    stored (macOS and some keyboards write `a` + combining ring), so equal-looking names and
    texts compare equal."""
    return unicodedata.normalize("NFC", text)


def list_files(folder: Path) -> list[str]:
    """Every file below `folder` as a sorted relative POSIX path in NFC (a name appears
    twice when two files' names differ only in their normalisation); dotfiles and
    dot-folders (editor and OS litter such as .DS_Store) are left out of the course."""
    found = []
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        relative = Path(directory).relative_to(folder)
        for name in names:
            if not name.startswith("."):
                found.append(nfc((relative / name).as_posix()))
    return sorted(found)


def disk_path(folder: Path, relative: str) -> Path:
    """The file `relative` (an NFC name from :func:`list_files`) names on disk, whatever
    normalisation the disk's name has."""
    path = folder / relative
    if path.exists():
        return path
    current = folder
    for part in relative.split("/"):
        candidate = current / part
        if not candidate.exists() and current.is_dir():
            candidate = next((c for c in current.iterdir() if nfc(c.name) == part), candidate)
        current = candidate
    return current


def is_image_path(relative: str) -> bool:
    head, _, rest = relative.partition("/")
    extension = rest.rsplit(".", 1)[-1].lower() if "." in rest else ""
    return head == IMAGES_FOLDER and bool(rest) and extension in IMAGE_EXTENSIONS


def content_hash(folder: Path, files: list[str]) -> str:
    """sha256 over (relative path, bytes) of each file in sorted order: the same files give
    the same hash wherever the folder is and in whatever order the filesystem lists them."""
    digest = hashlib.sha256()
    for relative in sorted(files):
        data = disk_path(folder, relative).read_bytes()
        name = relative.encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def read_text(path: Path, shown: str) -> tuple[str | None, Problem | None]:
    """The file as text, or a problem pointing at the line with the first non-UTF-8 byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(shown, line, "the file is not UTF-8 text (save it as UTF-8)")
    return nfc(text.removeprefix("\ufeff").replace("\r\n", "\n")), None


def unrecognised(relative: str) -> str:
    if relative.startswith("images/"):
        return f"not a picture file ({', '.join(IMAGE_EXTENSIONS)}) in images/"
    return (
        f"unrecognised file name '{relative}' "
        "(expected course.md, NN-slug.md, NN-slug.quiz.md or a translation such as NN-slug.sv.md)"
    )
