"""What may be a file of a draft: safe relative paths, and pictures checked by their bytes.

A draft's paths end up as file names on an educator's disk (the ZIP) and in git, so they are
held to what every file system and git accept: relative, ``/`` between folders, no ``..``,
no hidden names, no control characters, NFC-normalised (macOS writes NFD; git would then
see two names for one file).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from lms.content.files import IMAGES_FOLDER
from lms.content.links import IMAGE_EXTENSIONS
from lms.plugins.authoring.errors import Refused

MAX_PATH_LENGTH = 200
MAX_DEPTH = 4
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')
_DRIVE = re.compile(r"^[A-Za-z]:")

# The first bytes each picture format starts with (PNG: RFC 2083 section 3.1; JPEG: the SOI
# marker and the first marker's FF; GIF: the 87a/89a header; WebP: a RIFF container).
_SIGNATURES = {
    "png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "gif": lambda data: data[:6] in (b"GIF87a", b"GIF89a"),
    "webp": lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP",
    "svg": lambda data: _looks_like_svg(data),
}


class PathRefused(Refused):
    """A path (or a file's content) a draft cannot hold; ``str()`` is the translated reason."""


def clean_path(raw: str) -> str:
    """``raw`` as the path a draft stores (NFC, relative, ``/`` separated).

    Raises PathRefused for an empty, absolute, parent-relative (``..``), hidden, too long or
    too deep path, backslashes, drive letters and characters Windows or git refuse.
    """
    path = unicodedata.normalize("NFC", (raw or "").strip())
    if not path:
        raise PathRefused(_l("A file needs a name."))
    if path.startswith("/") or _DRIVE.match(path):
        raise PathRefused(
            _l("'%(path)s' is an absolute path: name files inside the course.", path=path)
        )
    if "\\" in path:
        raise PathRefused(_l("'%(path)s' has a backslash: use / between folders.", path=path))
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise PathRefused(
            _l("'%(path)s' points outside the course or has an empty folder name.", path=path)
        )
    if any(part.startswith(".") for part in parts):
        raise PathRefused(
            _l("'%(path)s' is a hidden file: names may not start with a dot.", path=path)
        )
    if _FORBIDDEN.search(path):
        raise PathRefused(_l("'%(path)s' has a character file names may not have.", path=path))
    if len(path) > MAX_PATH_LENGTH or len(parts) > MAX_DEPTH:
        raise PathRefused(_l("'%(path)s' is too long or too deep.", path=path))
    return path


def extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_text(path: str) -> bool:
    """A Markdown file, edited in the browser."""
    return path.lower().endswith(".md")


def is_picture(path: str) -> bool:
    """A picture the course format serves: ``images/<name>.<png|jpg|jpeg|gif|svg|webp>``."""
    return path.startswith(f"{IMAGES_FOLDER}/") and extension(path) in IMAGE_EXTENSIONS


def _looks_like_svg(data: bytes) -> bool:
    try:
        head = data[:4096].decode("utf-8").lstrip("\ufeff").lstrip()
    except UnicodeDecodeError:
        return False
    head = re.sub(r"^(<\?xml[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", "", head, flags=re.S)
    return head.startswith("<svg")


def picture_problem(path: str, data: bytes) -> str | None:
    """Why ``data`` cannot be the picture ``path`` (its bytes are not of the format its name
    says), or None. The name is never trusted: a browser is told the type by the name."""
    check = _SIGNATURES.get(extension(path))
    if check is None:
        return str(
            _l(
                "'%(path)s' is not a picture: use %(formats)s.",
                path=path,
                formats=", ".join(IMAGE_EXTENSIONS),
            )
        )
    if not check(data):
        return str(
            _l(
                "'%(path)s' is not a %(format)s picture: its content is something else.",
                path=path,
                format=extension(path).upper(),
            )
        )
    return None
