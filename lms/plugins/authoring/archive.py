"""A draft as a ZIP of its course folder, and a ZIP upload read without trusting it.

The download is the course folder itself (``<slug>/course.md`` ...), byte for byte, so
unpacking it into ``courses/`` gives a folder ``flask lms check-courses`` and git take as it
is. An upload is refused whole, before anything is stored, when any entry is unsafe: a path
with ``..`` or an absolute path (zip slip), a symbolic link, a duplicate name, an encrypted
entry, more files than allowed, or more bytes once unpacked than allowed (a zip bomb: the
sizes are checked from the directory first, then while reading, so a lying header gains
nothing). Sources: APPNOTE.TXT (PKWARE .ZIP specification) 4.4.2 for the host system and
4.4.4 for the encryption flag; the "Zip Slip" advisory (Snyk, 2018).
"""

from __future__ import annotations

import io
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping

from flask import current_app
from flask_babel import gettext as _

from lms.plugins.authoring.errors import Refused
from lms.plugins.authoring.paths import PathRefused, clean_path, is_picture, picture_problem

# Folders and files operating systems add to archives on their own: left out, not refused.
_LITTER = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # ZIP's earliest date: the same files give the same ZIP


class ZipRefused(Refused):
    """The archive is refused whole; ``str()`` says why, in the user's language."""


def limits() -> tuple[int, int, int]:
    """(largest upload in bytes, most files, most bytes unpacked), from the configuration."""
    config = current_app.config
    return (
        int(config["LMS_AUTHORING_MAX_ZIP_BYTES"]),
        int(config["LMS_AUTHORING_MAX_FILES"]),
        int(config["LMS_AUTHORING_MAX_UNPACKED_BYTES"]),
    )


def _is_litter(name: str) -> bool:
    parts = name.split("/")
    return name.startswith(_LITTER[0]) or parts[-1] in _LITTER[1:]


def _is_link(info: zipfile.ZipInfo) -> bool:
    # Unix hosts keep the file mode in the upper 16 bits of the external attributes.
    return stat.S_ISLNK(info.external_attr >> 16)


def _entries(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    _max_zip, max_files, max_unpacked = limits()
    infos = [i for i in archive.infolist() if not i.is_dir() and not _is_litter(i.filename)]
    if len(infos) > max_files:
        raise ZipRefused(_("The ZIP has more than %(n)d files.", n=max_files))
    if sum(i.file_size for i in infos) > max_unpacked:
        raise ZipRefused(
            _("The ZIP unpacks to more than %(mb)d MB.", mb=max_unpacked // (1024 * 1024))
        )
    entries, seen = [], {}
    for info in infos:
        raw = info.filename
        if info.flag_bits & 0x1:
            raise ZipRefused(_("'%(path)s' in the ZIP is encrypted.", path=raw))
        if _is_link(info):
            raise ZipRefused(_("'%(path)s' in the ZIP is a link, not a file.", path=raw))
        try:
            path = clean_path(raw)
        except PathRefused as exc:
            raise ZipRefused(str(exc)) from None
        folded = unicodedata.normalize("NFC", path).casefold()
        if folded in seen:
            raise ZipRefused(
                _("The ZIP has '%(path)s' twice (names differing only in case count).", path=path)
            )
        seen[folded] = path
        entries.append((info, path))
    return entries


def _strip_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A ZIP of the course folder has one top folder (``<slug>/``): files are named inside
    it. A ZIP of the folder's contents has course.md at the top and is taken as it is."""
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) != 1 or f"{next(iter(tops))}/course.md" not in files:
        return files
    return {path.split("/", 1)[1]: data for path, data in files.items()}


def read_zip(data: bytes) -> dict[str, bytes]:
    """The files of an uploaded course folder ZIP, by their path inside the course.

    Raises ZipRefused for anything unsafe (see the module docstring), for an archive that is
    not a ZIP or is damaged, and for a picture whose bytes are not what its name says.
    """
    max_zip, _max_files, max_unpacked = limits()
    if len(data) > max_zip:
        raise ZipRefused(_("The ZIP is larger than %(mb)d MB.", mb=max_zip // (1024 * 1024)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files, total = {}, 0
            for info, path in _entries(archive):
                with archive.open(info) as member:
                    content = member.read(info.file_size + 1)
                total += len(content)
                if len(content) > info.file_size or total > max_unpacked:
                    raise ZipRefused(_("'%(path)s' in the ZIP is larger than it says.", path=path))
                files[path] = content
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise ZipRefused(_("The file is not a ZIP archive, or it is damaged.")) from None
    if not files:
        raise ZipRefused(_("The ZIP has no files."))
    files = _strip_folder(files)
    for path, content in files.items():
        if is_picture(path):
            problem = picture_problem(path, content)
            if problem:
                raise ZipRefused(problem)
    return files


def write_zip(slug: str, files: Mapping[str, bytes]) -> bytes:
    """The course folder ``slug`` with ``files`` as a ZIP; the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=_FIXED_TIME)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()
