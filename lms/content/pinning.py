"""Choices that only make sense in their place: "All of the above", "Både A och B".

With `shuffle: true` every attempt shows the choices in a new order, so a choice that speaks
about the others ("all of the above", "none of these", "A and B") may land first. An
educator pins such a choice by ending its line with `<!-- pin -->` (invisible in a preview,
like every comment); a pinned choice keeps the place it is written in while the others are
shuffled around it. The checker warns about such choices that are not pinned.
"""

from __future__ import annotations

import re

from .documents import Problem

# "above" and its kin, in English and Swedish, after a word that gathers the choices.
_GATHER_EN = r"(?:all|none|both|neither|each|any|every|either)"
_PLACE_EN = r"(?:above|these|previous|preceding|foregoing|options|alternatives|answers)"
_GATHER_SV = r"(?:alla|samtliga|inget|ingen|inga|båda|bägge|både|vart|varje|något|någon)"
_PLACE_SV = r"(?:ovan|ovanstående|ovannämnda|föregående|alternativen|svaren)"
_LETTER = r"\(?[A-F]\)?"
_JOIN = r"(?:and|or|och|eller|&)"
_PATTERNS = (
    re.compile(rf"\b{_GATHER_EN}\b(?:\s+\w+){{0,3}}?\s+{_PLACE_EN}\b", re.IGNORECASE),
    re.compile(rf"\b{_GATHER_SV}\b(?:\s+\w+){{0,3}}?\s+{_PLACE_SV}\b", re.IGNORECASE),
    re.compile(r"\bovanstående\b", re.IGNORECASE),
    # Choices named by letter: "Both A and B", "A, B and C", "Både A och B", "(a) and (c)".
    re.compile(
        rf"(?:^|\b(?:both|båda|både|bägge)\s+){_LETTER}(?:\s*,\s*{_LETTER})*\s+{_JOIN}\s+"
        rf"{_LETTER}(?=$|[\s.,;:!?])",
    ),
    re.compile(
        rf"\b(?:both|båda|både|bägge)\s+{_LETTER}(?:\s*,\s*{_LETTER})*\s+{_JOIN}\s+{_LETTER}"
        r"(?=$|[\s.,;:!?])",
        re.IGNORECASE,
    ),
)


def refers_to_other_choices(text: str) -> bool:
    """True when a choice's text speaks about the other choices ("All of the above",
    "Inget av ovanstående", "Both A and B"): its meaning depends on where it stands."""
    text = text.strip()
    return any(pattern.search(text) for pattern in _PATTERNS)


def unpinned_under_shuffle(questions, path: str) -> list[Problem]:
    """Warnings for choices that refer to the others but are not pinned, in a quiz that
    shuffles. `questions` are parsed questions (:class:`ParsedQuestion`)."""
    found = []
    for question in questions:
        for choice in question.choices:
            if not choice.pinned and refers_to_other_choices(choice.text):
                found.append(
                    Problem(
                        path,
                        choice.line,
                        f"question {question.number}: '{choice.text}' refers to the other "
                        "choices, but shuffle moves them: end its line with <!-- pin --> to "
                        "keep it where it is written",
                        warning=True,
                    )
                )
    return found
