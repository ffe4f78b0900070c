"""The front matter schema: defaults, types and the lines problems point at."""

import pytest

from lms.content.frontmatter import Kind, parse, split

COURSE = """---
title: Demo
summary: A demo.
audiences: [nurse, physician]
version: "2.1.0"
language: sv
estimated_minutes: 30
{extra}---
Body line one.
"""


def course(extra: str = "") -> str:
    return COURSE.format(extra=extra)


def messages(text: str, kind: Kind = Kind.COURSE) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse(text, kind, "course.md").problems]


def test_split_gives_body_and_offset():
    assert split("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 3)
    assert split("no front matter") is None
    assert split("---\na: 1\n") is None


def test_course_defaults():
    matter = parse(course(), Kind.COURSE, "course.md")
    assert matter.problems == []
    assert matter.values == {
        "title": "Demo",
        "summary": "A demo.",
        "audiences": ("nurse", "physician"),
        "version": "2.1.0",
        "language": "sv",
        "estimated_minutes": 30,
        "enrolment": "open",
        "enrolment_key": None,
        "pass_mark": 80,
        "certificate_valid_months": None,
        "recertify_days": None,
        "status": "draft",
        "owners": (),
        "signature": "none",
    }
    assert matter.body == "Body line one.\n"
    assert matter.body_offset == 8
    assert matter.lines["language"] == 6


def test_all_course_keys():
    extra = (
        "enrolment: key\nenrolment_key: s3cret\npass_mark: 0\ncertificate_valid_months: 24\n"
        "status: published\nowners: [Anna.Andersson@Region.se]\n"
    )
    matter = parse(course(extra), Kind.COURSE, "course.md")
    assert matter.problems == []
    assert matter.values["enrolment_key"] == "s3cret"
    assert matter.values["pass_mark"] == 0
    assert matter.values["certificate_valid_months"] == 24
    assert matter.values["owners"] == ("anna.andersson@region.se",)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("pass_mark: 80.5\n", "8: 'pass_mark' must be a whole number from 0 to 100"),
        ("pass_mark: '80'\n", "8: 'pass_mark' must be a whole number from 0 to 100"),
        ("pass_mark: -1\n", "8: 'pass_mark' must be a whole number from 0 to 100"),
        (
            "certificate_valid_months: false\n",
            "8: 'certificate_valid_months' must be a whole number greater than 0",
        ),
        ("status: live\n", "8: 'status' must be one of draft, published"),
        ("enrolment: closed\n", "8: 'enrolment' must be one of open, key, assigned"),
        ("owners: anna@example.se\n", "8: 'owners' must be a list of e-mail addresses"),
        ("owners: []\n", "8: 'owners' must be a list of e-mail addresses"),
        ("title: Again\n", "8: 'title' is given twice"),
        (
            "evil: !!python/object/apply:os.system ['true']\n",
            "8: unknown key 'evil' (a course "
            "has title, summary, audiences, version, language, estimated_minutes, enrolment, "
            "enrolment_key, pass_mark, certificate_valid_months, recertify_days, status, owners, "
            "signature)",
        ),
    ],
)
def test_course_key_problems(extra, expected):
    assert messages(course(extra)) == [expected]


def test_python_tags_are_refused_not_run():
    text = course().replace("title: Demo", "title: !!python/object/apply:os.system ['true']")
    assert messages(text) == [
        "2: 'title' cannot be read: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ]


@pytest.mark.parametrize("version", ["1.0", "1", "v1.0.0", "01.0.0", "1.0.0-beta", "[1, 0, 0]"])
def test_bad_versions(version):
    text = course().replace('version: "2.1.0"', f"version: {version}")
    assert messages(text) == [
        "5: 'version' must be a semantic version MAJOR.MINOR.PATCH, such as 1.0.0"
    ]


def test_unquoted_version_is_read_as_written():
    matter = parse(course().replace('"2.1.0"', "10.20.30"), Kind.COURSE, "course.md")
    assert matter.values["version"] == "10.20.30"


def test_empty_front_matter_lists_every_missing_key():
    assert messages("---\n---\n", Kind.MODULE) == [
        "1: missing required key 'title'",
        "1: missing required key 'minutes'",
    ]


def test_front_matter_must_be_a_mapping():
    assert messages("---\n- a\n---\n", Kind.MODULE_TRANSLATION) == [
        "2: front matter must be 'key: value' lines",
        "1: missing required key 'title'",
    ]


def test_empty_title():
    assert messages("---\ntitle: '  '\n---\n", Kind.QUIZ_TRANSLATION) == [
        "2: 'title' must not be empty"
    ]


def test_quiz_defaults():
    matter = parse("---\ntitle: Q\n---\n", Kind.QUIZ, "q.md")
    assert matter.values == {
        "title": "Q",
        "pass_mark": None,
        "max_attempts": None,
        "shuffle": False,
        "questions_per_attempt": None,
        "partial_credit": False,
        "show_answers": "after_pass",
    }


def test_course_translation_has_only_title_and_summary():
    assert messages("---\ntitle: T\nsummary: S\nlanguage: sv\n---\n", Kind.COURSE_TRANSLATION) == [
        "4: unknown key 'language' (a course translation has title, summary)"
    ]


def test_windows_line_endings_and_trailing_spaces_on_fences():
    matter = parse("---  \r\ntitle: T\r\n---\r\nBody\r\n", Kind.MODULE_TRANSLATION, "m.md")
    assert matter.problems == []
    assert matter.values["title"] == "T"
