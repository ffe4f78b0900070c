"""Where links and pictures in course Markdown point, and which of them are broken.

Educators link to a module by its file (`02-regulation.md`) because that is what they see in
their editor and what a Markdown preview follows; the app serves modules at slug URLs. The
resolver translates one into the other and reports what cannot be translated, so that a
renamed file shows up in `check-courses` and not as a 404 in front of a learner.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from .documents import Problem
from .sanitize import URL_SCHEMES, is_protocol_relative, is_site_path

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "svg", "webp")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class LinkResolver(Protocol):
    """Given a link or a picture and its line, the URL to use, or None to drop it."""

    def link(self, href: str, line: int) -> str | None: ...

    def image(self, src: str, alt: str, line: int) -> str | None: ...

    def anchor(self, href: str, ids: set[str], line: int) -> None:
        """An in-page link `#id`; `ids` are the ids of the rendered fragment."""


class KeepLinks:
    """Leaves every URL as written: for previews and tests, where nothing is resolved."""

    def link(self, href: str, line: int) -> str | None:
        return href

    def image(self, src: str, alt: str, line: int) -> str | None:
        return src

    def anchor(self, href: str, ids: set[str], line: int) -> None:
        return None


def nfc_path(url_path: str) -> str:
    """A link's path as the course's files are named: percent-decoded, in NFC (a name typed
    on a Mac may arrive decomposed, `a` + ring for `å`), `./` and `a/../` folded away."""
    return posixpath.normpath(unicodedata.normalize("NFC", unquote(url_path)))


def _scheme(url: str) -> str | None:
    # Browsers ignore tabs and newlines inside a scheme: `jav\tascript:` is `javascript:`.
    match = _SCHEME.match("".join(c for c in url.strip() if c not in "\t\n\r"))
    return match.group(1).lower() if match else None


@dataclass
class CourseLinks:
    """Resolves the links of one file of one course, collecting problems as it goes.

    `targets` maps a file name that may be linked (`02-regulation.md`) to its URL;
    `images` holds the course-relative paths of the pictures (`images/dry-shipper.png`).
    """

    course: str
    path: str  # the file being rendered, as shown in problems
    targets: Mapping[str, str]
    images: frozenset[str]
    problems: list[Problem] = field(default_factory=list)

    def _problem(self, line: int, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(self.path, line, message, warning))

    def anchor(self, href: str, ids: set[str], line: int) -> None:
        target = unicodedata.normalize("NFC", unquote(href[1:]))
        if target and target not in ids:
            known = ", ".join(f"#{i}" for i in sorted(ids) if not i.startswith("fn"))[:200]
            where = f" (the anchors here: {known})" if known else ""
            self._problem(
                line, f"link '{href}' goes to no heading in this file{where}", warning=True
            )

    def link(self, href: str, line: int) -> str | None:
        href = href.strip()
        if not href or href.startswith("#"):
            return href
        scheme = _scheme(href)
        if scheme is not None:
            if scheme in URL_SCHEMES:
                return href
            self._problem(line, f"link '{href}' must use https:// or mailto:")
            return None
        if is_site_path(href):
            return href  # another page of this site, such as /courses/other-course/
        if is_protocol_relative(href):
            self._problem(line, f"link '{href}' must use https:// to leave the site")
            return None
        parts = urlsplit(href)
        target = nfc_path(parts.path)
        if target in self.targets:
            return self.targets[target] + (f"#{parts.fragment}" if parts.fragment else "")
        self._problem(
            line, f"broken link '{href}': no module or quiz file '{target}' in this course"
        )
        return None

    def image(self, src: str, alt: str, line: int) -> str | None:
        src = src.strip()
        if not alt.strip():
            self._problem(line, f"picture '{src}' needs alternative text: ![what it shows]({src})")
        if _scheme(src) is not None or is_site_path(src) or is_protocol_relative(src):
            self._problem(
                line, f"picture '{src}' must be a file in the course folder, such as images/x.png"
            )
            return None
        path = unquote(urlsplit(src).path)
        normal = nfc_path(urlsplit(src).path)
        if normal.startswith("../") or normal == ".." or "\\" in path:
            self._problem(line, f"picture '{src}' is outside the course folder")
            return None
        extension = normal.rsplit(".", 1)[-1].lower() if "." in normal else ""
        if extension not in IMAGE_EXTENSIONS:
            allowed = ", ".join(IMAGE_EXTENSIONS)
            self._problem(line, f"picture '{src}' is not a picture file ({allowed})")
            return None
        if normal not in self.images:
            self._problem(line, f"picture '{src}' not found: no file '{normal}' in this course")
            return None
        return f"/courses/{self.course}/assets/{quote(normal)}"
