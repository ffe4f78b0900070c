"""Quiz bodies: one question per `## ` heading, a task list of choices, a block quote after.

The format is plain Markdown so that a quiz reads well in any editor and on GitHub, but the
structure is parsed line by line here rather than from Python-Markdown's tree: the tree has
no line numbers, and an educator needs to be told *which* question lacks a correct choice.
Each piece is then rendered (and sanitised) on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import comments
from .documents import ChoiceDoc, Problem, QuestionDoc
from .links import LinkResolver
from .render import render_inline, render_markdown

_HEADING = re.compile(r"^##(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_CHOICE = re.compile(r"^ {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]")
_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# GitHub's alert syntax: the author's preview shows the block quote as a "Tip".
_TIP = re.compile(r"^\s*\[!tip\]\s*$", re.IGNORECASE)
TIP_MARKER = "> [!TIP]"


@dataclass
class ParsedChoice:
    text: str
    correct: bool
    line: int
    pinned: bool = False  # `<!-- pin -->` on its line: shuffling leaves it where it is


@dataclass
class ParsedQuestion:
    number: int
    line: int  # of the `## ` heading
    heading: str
    stem: list[str] = field(default_factory=list)
    choices: list[ParsedChoice] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    explanation_line: int = 0
    # Where each block quote of the explanation starts: (index in explanation, file line).
    quote_starts: list[tuple[int, int]] = field(default_factory=list)
    phase: str = "stem"  # stem -> choices -> gap -> explanation -> after

    @property
    def correct(self) -> tuple[int, ...]:
        return tuple(i for i, choice in enumerate(self.choices) if choice.correct)


class _Fences:
    """Tracks fenced code, inside which `## ` and `- [x]` are just code."""

    def __init__(self) -> None:
        self.open: str | None = None

    def inside(self, line: str) -> bool:
        """True when `line` is part of a fence (its opening and closing lines included)."""
        match = _FENCE.match(line)
        if self.open is None:
            if match:
                self.open = match.group(1)
                return True
            return False
        fence = match.group(1) if match else ""
        closes = fence[:1] == self.open[0] and len(fence) >= len(self.open)
        if closes and not line.strip().strip(self.open[0]):
            self.open = None
        return True


def _plural(n: int, one: str, many: str) -> str:
    """English noun for ``n`` things (the checker writes English; the authoring plugin
    translates it with ngettext, :mod:`lms.plugins.authoring.messages`)."""
    return one if n == 1 else many


def parse_questions(
    body: str, *, path: str, line_offset: int = 0
) -> tuple[list[ParsedQuestion], list[Problem]]:
    """Split a quiz body into questions; `line_offset` is the number of lines before it.

    HTML comments are ignored, as previews ignore them; `<!-- pin -->` at the end of a
    choice's line pins the choice (see :mod:`lms.content.pinning`).
    """
    raw_lines = body.split("\n")
    body = comments.strip_comments(body)
    pinned = {
        index
        for index, (raw, line) in enumerate(zip(raw_lines, body.split("\n"), strict=True))
        if raw != line and comments.PIN.search(raw)
    }
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    fences = _Fences()
    complained: set[int] = set()  # one "text after ..." problem per question is enough

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    for index, line in enumerate(body.splitlines()):
        number = line_offset + index + 1
        in_fence = fences.inside(line)
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            questions.append(ParsedQuestion(len(questions) + 1, number, (heading.group(1) or "")))
            if not questions[-1].heading.strip():
                problem(number, f"question {len(questions)} has an empty '## ' heading")
            continue
        if not questions:
            if line.strip() and not complained:
                problem(number, "text before the first '## ' question heading")
                complained.add(0)
            continue
        question = questions[-1]
        error = _feed(question, line, number, in_fence, index in pinned)
        if error and question.number not in complained:
            complained.add(question.number)
            problem(number, error)

    if not questions:
        problems.append(
            Problem(path, line_offset + 1, "the quiz has no questions ('## ' headings)")
        )
    for question in questions:
        problems.extend(_check(question, path))
    return questions, problems


def _feed(
    question: ParsedQuestion, line: str, number: int, in_fence: bool, pinned: bool = False
) -> str | None:
    """Add one line to the question; returns a message when the line does not belong."""
    blank = not line.strip()
    choice = None if in_fence else _CHOICE.match(line)
    quote = None if in_fence else _QUOTE.match(line)
    phase = question.phase
    if phase == "stem" and not choice:
        question.stem.append(line)
    elif choice and phase in ("stem", "choices", "gap"):
        question.phase = "choices"
        question.choices.append(
            ParsedChoice((choice.group(2) or "").strip(), choice.group(1) != " ", number, pinned)
        )
    elif phase == "choices" and line.startswith(("  ", "\t")) and not blank:
        question.choices[-1].text += " " + line.strip()  # a choice continued on the next line
        question.choices[-1].pinned |= pinned
    elif phase in ("choices", "gap") and blank:
        question.phase = "gap"
    elif quote and phase in ("choices", "gap", "explanation", "after"):
        if phase == "after":
            question.explanation.append("")
        if not question.explanation:
            question.explanation_line = number
        if phase != "explanation":
            question.quote_starts.append((len(question.explanation), number))
        question.phase = "explanation"
        question.explanation.append(quote.group(1))
    elif phase in ("explanation", "after") and blank:
        question.phase = "after"
    elif phase in ("explanation", "after"):
        return f"text after the explanation of question {question.number}"
    elif _LIST_ITEM.match(line):
        return f"question {question.number}: a choice must be written '- [ ] ...' or '- [x] ...'"
    else:
        return (
            f"text after the choices of question {question.number}: "
            "only a block quote (the explanation) may follow them"
        )
    return None


def split_tip(question: ParsedQuestion) -> tuple[list[str], list[str], int]:
    """(tip lines, the rest of the explanation, the marker's line or 0).

    A tip is the first block quote after the choices when its first line is ``[!TIP]``: an
    explanation that gives no answer away, shown with the feedback even while the answers
    are not (the quiz's ``show_answers``). The rest waits for the answers."""
    starts = question.quote_starts
    if not starts or not _TIP.match(question.explanation[starts[0][0]]):
        return [], question.explanation, 0
    end = starts[1][0] - 1 if len(starts) > 1 else len(question.explanation)  # -1: the ""
    tip = question.explanation[1:end]
    rest = question.explanation[end + 1 :] if len(starts) > 1 else []
    return tip, rest, starts[0][1]


def _check_tip(question: ParsedQuestion, path: str) -> list[Problem]:
    n = question.number
    problems = []
    tip, _rest, line = split_tip(question)
    if line and not "".join(tip).strip():
        problems.append(Problem(path, line, f"question {n}: the tip ('{TIP_MARKER}') is empty"))
    for index, start_line in question.quote_starts[1:]:
        if _TIP.match(question.explanation[index]):
            message = (
                f"question {n}: a tip ('{TIP_MARKER}') must be the first block quote "
                "after the choices"
            )
            problems.append(Problem(path, start_line, message))
    return problems


def _check(question: ParsedQuestion, path: str) -> list[Problem]:
    n = question.number
    if not question.choices:
        return [Problem(path, question.line, f"question {n} has no choices ('- [ ] ...' lines)")]
    problems = _check_tip(question, path)
    if len(question.choices) < 2:
        problems.append(Problem(path, question.line, f"question {n} needs at least two choices"))
    if not question.correct:
        problems.append(
            Problem(path, question.line, f"question {n} has no correct choice (mark it '- [x]')")
        )
    seen: set[str] = set()
    for choice in question.choices:
        if not choice.text:
            problems.append(Problem(path, choice.line, f"question {n} has an empty choice"))
        elif choice.text in seen:
            problems.append(
                Problem(path, choice.line, f"question {n} has the choice '{choice.text}' twice")
            )
        seen.add(choice.text)
    return problems


def compare_translation(
    translated: list[ParsedQuestion],
    original: list[ParsedQuestion],
    *,
    path: str,
    original_name: str,
) -> list[Problem]:
    """A translation is graded with the original's key, so it must have the same shape."""
    if len(translated) != len(original):
        return [
            Problem(
                path,
                1,
                f"the translation has {len(translated)} "
                f"{_plural(len(translated), 'question', 'questions')}, "
                f"{original_name} has {len(original)}",
            )
        ]
    problems = []
    for mine, theirs in zip(translated, original, strict=True):
        if len(mine.choices) != len(theirs.choices):
            message = (
                f"question {mine.number} has {len(mine.choices)} "
                f"{_plural(len(mine.choices), 'choice', 'choices')}, "
                f"in {original_name} it has {len(theirs.choices)}"
            )
            problems.append(Problem(path, mine.line, message))
        elif mine.correct != theirs.correct:
            message = f"question {mine.number} has other correct choices than in {original_name}"
            problems.append(Problem(path, mine.line, message))
        has, had = bool(split_tip(mine)[2]), bool(split_tip(theirs)[2])
        if has != had:
            message = (
                f"question {mine.number} has no tip ('{TIP_MARKER}') but in {original_name} it has"
                if had
                else f"question {mine.number} has a tip ('{TIP_MARKER}') but in "
                f"{original_name} it has none"
            )
            problems.append(Problem(path, mine.line, message, warning=True))
    return problems


def render_questions(
    questions: list[ParsedQuestion], *, link_resolver: LinkResolver | None = None
) -> tuple[QuestionDoc, ...]:
    """The questions as stored: every piece rendered and sanitised on its own.

    A quiz page shows all of them, so each piece gets its own id prefix (`q2s-` for the stem
    of question 2, `q2c1-` for its second choice, `q2e-` for its explanation): footnotes
    `[^1]` of two questions then never share an id.
    """
    docs = []
    for q in questions:
        n = q.number
        heading = render_inline(
            q.heading, link_resolver=link_resolver, line_offset=q.line - 1, id_prefix=f"q{n}h-"
        )
        stem = render_markdown(
            "\n".join(q.stem), link_resolver=link_resolver, line_offset=q.line, id_prefix=f"q{n}s-"
        )
        tip_lines, rest, tip_line = split_tip(q)
        tip = render_markdown(
            "\n".join(tip_lines),
            link_resolver=link_resolver,
            line_offset=tip_line,
            id_prefix=f"q{n}t-",
        )
        rest_line = q.explanation_line + len(q.explanation) - len(rest)
        explanation = render_markdown(
            "\n".join(rest),
            link_resolver=link_resolver,
            line_offset=max(rest_line - 1, 0),
            id_prefix=f"q{n}e-",
        )
        choices = tuple(
            ChoiceDoc(
                html=render_inline(
                    c.text,
                    link_resolver=link_resolver,
                    line_offset=c.line - 1,
                    id_prefix=f"q{n}c{i}-",
                ),
                correct=c.correct,
                text=c.text,
                pinned=c.pinned,
            )
            for i, c in enumerate(q.choices)
        )
        docs.append(
            QuestionDoc(
                number=q.number,
                stem_html=f"<p>{heading}</p>" + (f"\n{stem.html}" if stem.html.strip() else ""),
                choices=choices,
                explanation_html=explanation.html,
                tip_html=tip.html if tip_line else "",
                multiple=len(q.correct) > 1,
                stem_text=q.heading.strip(),
            )
        )
    return tuple(docs)
