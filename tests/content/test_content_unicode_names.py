"""Equal-looking names are equal: file names and links are compared in NFC."""

import unicodedata

from lms.content import load_course
from tests.content.helpers import write_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
NFC_NAME = "images/kylbox-å.png"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)
MODULE = "---\ntitle: Module one\nminutes: 5\n---\n## Part one\n\n![A cool box]({})\n"


def test_nfd_file_name_linked_in_nfc_is_found(tmp_path):
    assert NFD_NAME != NFC_NAME
    folder = write_files(tmp_path, {NFD_NAME: PNG, "01-intro.md": MODULE.format(NFC_NAME)})
    course, problems = load_course(folder)
    assert problems == []
    assert course.images == (NFC_NAME,)
    assert 'src="/courses/probe/assets/images/kylbox-%C3%A5.png"' in course.modules[0].html


def test_nfc_file_name_linked_in_nfd_is_found(tmp_path):
    folder = write_files(tmp_path, {NFC_NAME: PNG, "01-intro.md": MODULE.format(NFD_NAME)})
    course, problems = load_course(folder)
    assert problems == []
    assert 'src="/courses/probe/assets/images/kylbox-%C3%A5.png"' in course.modules[0].html


def test_two_names_that_differ_only_in_normalisation_clash(tmp_path):
    folder = write_files(
        tmp_path, {NFC_NAME: PNG, NFD_NAME: PNG + b"2", "01-intro.md": MODULE.format(NFC_NAME)}
    )
    course, problems = load_course(folder)
    assert course is None
    assert [str(p) for p in problems] == [
        "courses/probe/images/kylbox-å.png:1: two files are named 'images/kylbox-å.png' "
        "(the same letters, encoded in two ways): keep one of them"
    ]


def test_text_is_read_as_nfc(tmp_path):
    title = unicodedata.normalize("NFD", "Förvaring på kylbox")
    module = f"---\ntitle: {title}\nminutes: 5\n---\n## {title}\n"
    folder = write_files(tmp_path, {"01-intro.md": module})
    course, problems = load_course(folder)
    assert problems == []
    assert course.modules[0].title == "Förvaring på kylbox"
    assert "Förvaring på kylbox" in course.modules[0].html


def test_the_hash_does_not_depend_on_the_normalisation_of_names(tmp_path):
    one = write_files(tmp_path / "a", {NFD_NAME: PNG, "01-intro.md": MODULE.format(NFC_NAME)})
    two = write_files(tmp_path / "b", {NFC_NAME: PNG, "01-intro.md": MODULE.format(NFC_NAME)})
    assert load_course(one)[0].content_hash == load_course(two)[0].content_hash
