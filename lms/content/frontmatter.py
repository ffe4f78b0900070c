"""Front matter: the YAML between two `---` lines at the top of every course file.

The schema is strict because educators edit these files by hand and a typo (`pass_mak: 90`)
must not silently fall back to a default. Problems carry the line of the offending key, which
is why the YAML is composed into nodes (they keep their marks) rather than loaded directly.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .documents import Problem

AUDIENCES = (
    "nurse",
    "pharmacist",
    "researcher",
    "physician",
    "assistant_nurse",
    "biomedical_scientist",
    "pharmacy_technician",
    "prescriptionist",
    "other",
)
LANGUAGES = ("en", "sv")
SHOW_ANSWERS = ("after_pass", "after_last_attempt", "always", "never")

_FENCE = re.compile(r"^---[ \t]*$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Kind(enum.Enum):
    COURSE = "course"
    COURSE_TRANSLATION = "course translation"
    MODULE = "module"
    MODULE_TRANSLATION = "module translation"
    QUIZ = "quiz"
    QUIZ_TRANSLATION = "quiz translation"


@dataclass(frozen=True)
class FrontMatter:
    """Validated values (defaults filled in) plus where each key was, for later checks."""

    values: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_offset: int  # lines before the body: add it to a line number within the body
    problems: list[Problem] = field(default_factory=list)


class _Invalid(Exception):
    def __init__(self, message: str, node: yaml.Node | None = None):
        super().__init__(message)
        self.node = node


# --- value checkers: each takes a YAML node and returns the Python value or raises _Invalid


def _construct(node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.YAMLError as exc:  # e.g. a `!!python/object` tag, which safe loading refuses
        raise _Invalid(f"cannot be read: {getattr(exc, 'problem', None) or exc}") from None


def _text(node: yaml.Node) -> str:
    value = _construct(node)
    if not isinstance(value, str):
        raise _Invalid("must be text (put it in quotes)")
    if not value.strip():
        raise _Invalid("must not be empty")
    return value.strip()


def _int_check(low: int, high: int | None, expected: str) -> Callable[[yaml.Node], int]:
    def check(node: yaml.Node) -> int:
        value = _construct(node)
        # bool is an int in Python, but `pass_mark: yes` is a mistake, not 1.
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Invalid(f"must be {expected}")
        if value < low or (high is not None and value > high):
            raise _Invalid(f"must be {expected}")
        return value

    return check


_positive = _int_check(1, None, "a whole number greater than 0")
_percent = _int_check(0, 100, "a whole number from 0 to 100")


def _bool(node: yaml.Node) -> bool:
    value = _construct(node)
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[yaml.Node], str]:
    def check(node: yaml.Node) -> str:
        value = _construct(node)
        if value not in options:
            raise _Invalid(f"must be one of {', '.join(options)}")
        return value

    return check


def _version(node: yaml.Node) -> str:
    # Read the scalar's source text: `version: 1.0` would otherwise arrive as the float 1.0.
    if not isinstance(node, yaml.ScalarNode) or not _SEMVER.match(str(node.value).strip()):
        raise _Invalid("must be a semantic version MAJOR.MINOR.PATCH, such as 1.0.0")
    return str(node.value).strip()


def _list_of(item: Callable[[yaml.Node], str], what: str) -> Callable[[yaml.Node], tuple]:
    def check(node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise _Invalid(f"must be a list of {what}")
        values: list[str] = []
        for child in node.value:
            try:
                value = item(child)
            except _Invalid as exc:
                raise _Invalid(f"{exc}", child) from None
            if value in values:
                raise _Invalid(f"lists {value!r} twice", child)
            values.append(value)
        return tuple(values)

    return check


def _audience(node: yaml.Node) -> str:
    value = _construct(node)
    if value not in AUDIENCES:
        raise _Invalid(f"has an unknown audience {value!r} (use {', '.join(AUDIENCES)})")
    return value


def _email(node: yaml.Node) -> str:
    value = _construct(node)
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise _Invalid(f"has {value!r}, which is not an e-mail address")
    return value.strip().lower()


_audiences = _list_of(_audience, ", ".join(AUDIENCES))
_owners = _list_of(_email, "e-mail addresses")


@dataclass(frozen=True)
class _Field:
    check: Callable[[yaml.Node], Any]
    required: bool = False
    default: Any = None


_TITLE = _Field(_text, required=True)

SCHEMAS: dict[Kind, dict[str, _Field]] = {
    Kind.COURSE: {
        "title": _TITLE,
        "summary": _Field(_text, required=True),
        "audiences": _Field(_audiences, required=True),
        "version": _Field(_version, required=True),
        "language": _Field(_choice(LANGUAGES), required=True),
        "estimated_minutes": _Field(_positive, required=True),
        "enrolment": _Field(_choice(("open", "key", "assigned")), default="open"),
        "enrolment_key": _Field(_text),
        "pass_mark": _Field(_percent, default=80),
        "certificate_valid_months": _Field(_positive),
        "recertify_days": _Field(_positive),
        "status": _Field(_choice(("draft", "published")), default="draft"),
        "owners": _Field(_owners, default=()),
        # required: the learner signs "I have read and understood" before completion.
        "signature": _Field(_choice(("required", "none")), default="none"),
    },
    Kind.COURSE_TRANSLATION: {"title": _TITLE, "summary": _Field(_text)},
    Kind.MODULE: {
        "title": _TITLE,
        "minutes": _Field(_positive, required=True),
        "audiences": _Field(_audiences),
    },
    Kind.MODULE_TRANSLATION: {"title": _TITLE},
    Kind.QUIZ: {
        "title": _TITLE,
        "pass_mark": _Field(_percent),
        "max_attempts": _Field(_positive),
        "shuffle": _Field(_bool, default=False),
        "questions_per_attempt": _Field(_positive),
        "partial_credit": _Field(_bool, default=False),
        "show_answers": _Field(_choice(SHOW_ANSWERS), default="after_pass"),
    },
    Kind.QUIZ_TRANSLATION: {"title": _TITLE},
}


def split(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, lines before the body), or None when the file has no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index].rstrip("\r\n")):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 1
    return None


def parse(text: str, kind: Kind, path: str) -> FrontMatter:
    """Split and validate; the problems are in the result, never raised."""
    problems: list[Problem] = []
    parts = split(text)
    if parts is None:
        problems.append(
            Problem(path, 1, "no front matter: start the file with YAML between '---' lines")
        )
        return FrontMatter({}, {}, text, 0, problems)
    source, body, offset = parts
    values, lines = _validate(source, kind, path, problems)
    return FrontMatter(values, lines, body, offset, problems)


def _validate(
    source: str, kind: Kind, path: str, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]]:
    schema = SCHEMAS[kind]
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        detail = getattr(exc, "problem", None) or "invalid YAML"
        problems.append(Problem(path, line, f"front matter is not valid YAML: {detail}"))
        return values, lines
    if root is not None and not isinstance(root, yaml.MappingNode):
        problems.append(
            Problem(path, root.start_mark.line + 2, "front matter must be 'key: value' lines")
        )
        root = None
    for key_node, value_node in root.value if root is not None else ():
        line = key_node.start_mark.line + 2  # +1: marks count from 0; +1: the opening '---'
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
        if key in lines:
            problems.append(Problem(path, line, f"'{key}' is given twice"))
            continue
        lines[key] = line
        if key not in schema:
            allowed = ", ".join(schema)
            problems.append(
                Problem(path, line, f"unknown key '{key}' (a {kind.value} has {allowed})")
            )
            continue
        try:
            values[key] = schema[key].check(value_node)
        except _Invalid as exc:
            where = exc.node.start_mark.line + 2 if exc.node is not None else line
            problems.append(Problem(path, where, f"'{key}' {exc}"))
    for key, spec in schema.items():
        if key in lines:
            continue
        if spec.required:
            problems.append(Problem(path, 1, f"missing required key '{key}'"))
        else:
            values[key] = spec.default
    if kind is Kind.COURSE and "enrolment_key" in lines and values.get("enrolment") != "key":
        problems.append(
            Problem(
                path, lines["enrolment_key"], "'enrolment_key' is only used with 'enrolment: key'"
            )
        )
    return values, lines
