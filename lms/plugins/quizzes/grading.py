"""Drawing, answer checking and grading: pure functions, no database, no request.

A question type is a small strategy object (as in CTFd's challenge types): it knows how to
read the posted values of one question and how to score a set of picks. Choice values are
always the ORIGINAL choice indices of the stored question, never the display order, so the
shuffled order of an attempt never changes what an answer means.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class InvalidAnswers(ValueError):
    """The posted form does not fit the attempt (tampered or stale): nothing is stored."""


@dataclass(frozen=True)
class Draw:
    question_ids: list[int]
    choice_orders: dict[str, list[int]]


def draw(questions: Sequence, *, per_attempt: int | None, shuffle: bool, rng=None) -> Draw:
    """The questions and choice orders of a new attempt. ``questions`` are in bank order.

    With ``per_attempt`` a random subset is drawn; without ``shuffle`` it keeps bank order.
    With ``shuffle`` a pinned choice (``"pinned": true``, the author's ``<!-- pin -->``)
    keeps its written place and the others are shuffled around it.
    """
    rng = rng or random.SystemRandom()
    chosen = list(questions)
    if per_attempt and per_attempt < len(chosen):
        chosen = rng.sample(chosen, per_attempt)
        if not shuffle:
            chosen.sort(key=lambda q: q.number)
    elif shuffle:
        rng.shuffle(chosen)
    orders = {}
    for question in chosen:
        order = list(range(len(question.choices)))
        if shuffle:
            order = _shuffled_around_pins(question.choices, rng)
        orders[str(question.id)] = order
    return Draw([q.id for q in chosen], orders)


def _shuffled_around_pins(choices: Sequence[Mapping], rng) -> list[int]:
    free = [i for i, choice in enumerate(choices) if not choice.get("pinned")]
    moved = free[:]
    rng.shuffle(moved)
    places = dict(zip(free, moved, strict=True))
    return [places.get(i, i) for i in range(len(choices))]


class QuestionType:
    """How one kind of question reads its posted values and scores its picks."""

    def read(self, values: list[str], n_choices: int) -> list[int]:
        picks = []
        for value in values:
            if not value.isdigit() or int(value) >= n_choices:
                raise InvalidAnswers(_l("An answer does not belong to this quiz."))
            picks.append(int(value))
        if len(set(picks)) != len(picks):
            raise InvalidAnswers(_l("An answer was sent twice."))
        return sorted(picks)

    def score(self, picks: Iterable[int], correct: set[int], partial_credit: bool) -> float:
        raise NotImplementedError


class SingleChoice(QuestionType):
    """One right choice: 1 when it is the one picked, else 0."""

    def read(self, values: list[str], n_choices: int) -> list[int]:
        if len(values) > 1:
            raise InvalidAnswers(_l("Only one answer may be chosen for this question."))
        return super().read(values, n_choices)

    def score(self, picks, correct, partial_credit):
        return 1.0 if set(picks) == correct else 0.0


class SelectAll(QuestionType):
    """Select all that apply. All-or-nothing by default: exactly the right set scores 1.

    With ``partial_credit``: max(0, (right picks - wrong picks) / number of right choices),
    so ticking everything scores nothing and each wrong tick cancels a right one.
    """

    def score(self, picks, correct, partial_credit):
        picks = set(picks)
        if not partial_credit:
            return 1.0 if picks == correct else 0.0
        right = len(picks & correct)
        wrong = len(picks - correct)
        return max(0.0, (right - wrong) / len(correct))


SINGLE = SingleChoice()
MULTIPLE = SelectAll()


def question_type(question) -> QuestionType:
    return MULTIPLE if question.multiple else SINGLE


def correct_choices(question) -> set[int]:
    return {i for i, choice in enumerate(question.choices) if choice["correct"]}


def field_name(question_id: int) -> str:
    return f"q{question_id}"


def read_answers(questions: Sequence, form, *, strict: bool = True) -> dict[str, list[int]]:
    """The picks per drawn question from a posted form (a MultiDict).

    ``strict``: any unknown question field, out-of-range index or several values for a single
    choice raises :class:`InvalidAnswers`. Not strict (re-showing a form after a CSRF
    failure): invalid values are dropped. Unanswered questions get an empty list.
    """
    by_name = {field_name(q.id): q for q in questions}
    if strict:
        for name in form:
            if name.startswith("q") and name not in by_name:
                raise InvalidAnswers(_l("An answer does not belong to this quiz."))
    answers = {}
    for name, question in by_name.items():
        values = form.getlist(name)
        try:
            picks = question_type(question).read(values, len(question.choices))
        except InvalidAnswers:
            if strict:
                raise
            picks = []
        answers[str(question.id)] = picks
    return answers


@dataclass(frozen=True)
class Grade:
    score_percent: float
    passed: bool
    # question id -> (score 0..1, fully correct)
    per_question: dict[int, tuple[float, bool]]


def grade(
    questions: Sequence, answers: Mapping[str, list[int]], *, partial_credit: bool, pass_mark: int
) -> Grade:
    """Score percent = sum of question scores / number of questions x 100; unanswered is
    wrong; passed iff the percent reaches ``pass_mark``."""
    per_question = {}
    for question in questions:
        key = correct_choices(question)
        picks = answers.get(str(question.id), [])
        score = question_type(question).score(picks, key, partial_credit)
        per_question[question.id] = (score, set(picks) == key)
    total = sum(score for score, _ in per_question.values())
    percent = round(total / len(questions) * 100, 2) if questions else 0.0
    return Grade(percent, percent >= pass_mark, per_question)
