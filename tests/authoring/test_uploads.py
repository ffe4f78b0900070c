"""Pictures checked by their content, ZIP uploads refused whole when anything in them is
unsafe, and the draft's ZIP a course folder that check-courses and git take unchanged."""

from __future__ import annotations

import io
import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from tests.authoring.conftest import (
    PNG,
    SLUG,
    audit_actions,
    draft_file,
    draft_files,
    make_zip,
    text_of,
    upload_picture,
    upload_zip,
)
from tests.conftest import write_course

CLEAN_SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n'
ACTIVE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'


def test_a_picture_is_stored_and_served_to_its_owners_only(app, as_educator, app_course):
    page = upload_picture(as_educator, PNG, "Dry Shipper.PNG")
    assert page.status_code == 302
    assert draft_file(SLUG, "images/dry-shipper.png").data == PNG
    served = as_educator.get(f"/educator/courses/{SLUG}/raw/images/dry-shipper.png")
    assert served.data == PNG
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in served.headers["Cache-Control"]
    assert audit_actions("authoring.picture_added")[-1].details["path"] == "images/dry-shipper.png"
    renamed = as_educator.post(
        f"/educator/courses/{SLUG}/rename/images/dry-shipper.png",
        data={"name": "images/dry-shipper.jpg", "revision": "1"},
    )
    assert "is not a JPG picture" in text_of(as_educator.get(renamed.headers["Location"]))
    assert draft_file(SLUG, "images/dry-shipper.png").data == PNG


@pytest.mark.parametrize(
    ("data", "filename", "says"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.png", "is not a PNG picture"),
        (PNG, "photo.jpg", "is not a JPG picture"),
        (b"GIF89a" + b"\x00" * 20, "notes.txt", "Pictures go in the images/ folder"),
        (ACTIVE_SVG, "chart.svg", "the SVG picture has a script"),
    ],
)
def test_a_picture_of_the_wrong_type_is_refused(as_educator, new_course, data, filename, says):
    before = draft_files()
    page = upload_picture(as_educator, data, filename)
    assert page.status_code == 422
    assert says in text_of(page)
    assert draft_files() == before


def test_a_clean_svg_is_accepted_and_served_in_a_sandbox(as_educator, new_course):
    assert upload_picture(as_educator, CLEAN_SVG, "chart.svg").status_code == 302
    served = as_educator.get(f"/educator/courses/{SLUG}/raw/images/chart.svg")
    assert "sandbox" in served.headers["Content-Security-Policy"]


@pytest.fixture
def config_overrides():
    return {
        "LMS_AUTHORING_MAX_FILE_BYTES": 4096,
        "LMS_AUTHORING_MAX_ZIP_BYTES": 64 * 1024,
        "LMS_AUTHORING_MAX_FILES": 40,
        "LMS_AUTHORING_MAX_UNPACKED_BYTES": 256 * 1024,
    }


def test_an_oversized_picture_is_refused(as_educator, new_course):
    page = upload_picture(as_educator, PNG + b"\x00" * 5000, "big.png")
    assert page.status_code == 422
    assert "larger than 4 kB" in text_of(page)
    assert draft_file(SLUG, "images/big.png") is None


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _folder_entries(tmp_path: Path) -> list[tuple[str, bytes]]:
    folder = write_course(tmp_path, SLUG, modules=2, swedish=True)
    return [
        (p.relative_to(folder).as_posix(), p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]


def _duplicates() -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        return make_zip([("course.md", b"one"), ("course.md", b"two")])


BOMB = make_zip([("course.md", b"---\n---\n"), ("01-big.md", b"\0" * (300 * 1024))])

REFUSED = {
    "zip slip": (make_zip([("course.md", b"x"), ("../../etc/cron.d/x", b"x")]), "points outside"),
    "absolute path": (make_zip([("course.md", b"x"), ("/etc/passwd", b"x")]), "absolute path"),
    "windows path": (make_zip([("course.md", b"x"), ("..\\evil.md", b"x")]), "backslash"),
    "link": (make_zip([("course.md", b"x"), _link("images/x.png", "/etc/passwd")]), "a link"),
    "too many files": (make_zip([(f"{n:02d}-m.md", b"x") for n in range(41)]), "more than 40"),
    "zip bomb": (BOMB, "unpacks to more than"),
    "duplicate": (_duplicates(), "twice"),
    "case duplicate": (make_zip([("course.md", b"x"), ("Course.md", b"y")]), "twice"),
    "fake picture": (make_zip([("course.md", b"x"), ("images/a.png", b"MZ\x90")]), "not a PNG"),
    "not a zip": (b"PK\x03\x04 this is not really a zip", "not a ZIP"),
    "active svg": (make_zip([("course.md", b"x"), ("images/c.svg", ACTIVE_SVG)]), "has a script"),
    "oversized": (b"PK" + b"\0" * (65 * 1024), "larger than"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_unsafe_zip_is_refused_whole(as_educator, new_course, case):
    data, says = REFUSED[case]
    before = draft_files()
    events = len(audit_actions())
    page = upload_zip(as_educator, data)
    assert page.status_code == 422
    assert "Nothing was changed" in text_of(page)
    assert says in text_of(page)
    assert draft_files() == before
    assert len(audit_actions()) == events


def test_a_zip_replaces_the_draft_and_round_trips(app, as_educator, app_course, runner, tmp_path):
    entries = _folder_entries(tmp_path / "source")
    course_md = dict(entries)["course.md"].decode()
    entries = [
        (name, data.replace(b"status: published", b"owners:\n- eva@example.com\nstatus: draft"))
        if name == "course.md"
        else (name, data)
        for name, data in entries
    ]
    entries.append(("images/shipper.png", PNG))
    assert "status: published" in course_md
    page = upload_zip(as_educator, make_zip(entries, top=SLUG))
    assert page.status_code == 302
    assert draft_files() == dict(entries)
    event = audit_actions("authoring.zip_uploaded")[-1]
    assert "01-receiving.md" in event.details["removed"]
    assert "01-module-1.md" in event.details["added"]

    download = as_educator.get(f"/educator/courses/{SLUG}/draft.zip")
    assert download.mimetype == "application/zip"
    assert f'filename="{SLUG}.zip"' in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{SLUG}/{name}" for name, _ in entries)
        archive.extractall(tmp_path / "unpacked")
    unpacked = tmp_path / "unpacked" / SLUG
    assert {
        p.relative_to(unpacked).as_posix(): p.read_bytes()
        for p in unpacked.rglob("*")
        if p.is_file()
    } == dict(entries)
    result = runner.invoke(args=["lms", "check-courses", str(unpacked)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
    # The same draft gives the same bytes: git sees no change in an unchanged download.
    assert as_educator.get(f"/educator/courses/{SLUG}/draft.zip").data == download.data


def test_the_zip_form_asks_before_replacing(as_educator, new_course):
    page = upload_zip(as_educator, make_zip([("course.md", b"x")]), replace=False)
    assert page.status_code == 422
    assert "replaces the whole draft" in text_of(page)
    assert draft_file(SLUG, "course.md").data != b"x"
