"""What the quiz templates get: questions in the attempt's order, in the reader's language.

The form view is built without the answer key: :func:`form_questions` never copies
``correct`` or the explanation into what a template can reach, so no template mistake can
leak them before submission. :func:`feedback_questions` adds them only when the quiz's
``show_answers`` allows (:func:`reveals_answers`); until then a question says whether it was
right and shows its tip, never which choices were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_percent
from markupsafe import Markup

from lms.plugins.quizzes.grading import correct_choices, field_name


def percent(value: float | None) -> str:
    """A score or pass mark (0-100) the way the reader's language writes it: 80 % / 80%."""
    return format_percent((value or 0) / 100, format="#,##0.#%")


@dataclass(frozen=True)
class ChoiceView:
    index: int  # the ORIGINAL choice index: the value posted
    html: Markup
    checked: bool
    right: bool | None = None  # None on the form: unknown to the template


@dataclass(frozen=True)
class QuestionView:
    id: int
    position: int
    name: str
    legend_html: Markup
    more_html: Markup
    multiple: bool
    choices: list[ChoiceView] = field(default_factory=list)
    explanation_html: Markup | None = None
    tip_html: Markup | None = None
    score: float | None = None
    correct: bool | None = None


SHOW_ANSWERS = ("after_pass", "after_last_attempt", "always", "never")


def reveals_answers(policy: str, *, passed: bool, left: int | None) -> bool:
    """Whether a learner may now see the right choices and the full explanations.

    ``policy`` is the quiz's ``show_answers`` (docs/course-format.md): ``after_pass`` (the
    default) once the learner has passed the quiz or has no attempt left, ``after_last_attempt``
    once no attempt is left, ``always`` after every attempt, ``never`` never. ``passed``:
    any attempt of the learner passed; ``left``: attempts left (None: unlimited).
    """
    if policy == "always":
        return True
    if policy == "never":
        return False
    if policy == "after_last_attempt":
        return left == 0
    return passed or left == 0


def split_stem(stem_html: str) -> tuple[Markup, Markup]:
    """The stem is ``<p>heading</p>`` plus any paragraphs. The heading goes into the
    ``<legend>`` (which may hold phrasing content only), the rest below it."""
    if stem_html.startswith("<p>"):
        end = stem_html.find("</p>")
        if end != -1:
            return Markup(stem_html[3:end]), Markup(stem_html[end + 4 :].strip())
    return Markup(""), Markup(stem_html)


def _texts(question, lang: str) -> dict:
    translated = question.translations.get(lang)
    if translated:
        return translated
    return {
        "stem_html": question.stem_html,
        "explanation_html": question.explanation_html,
        "tip_html": question.tip_html,
        "choices": [choice["html"] for choice in question.choices],
    }


def _view(position, question, attempt, lang, selected, *, feedback, reveal=False, scores=None):
    texts = _texts(question, lang)
    legend, more = split_stem(texts["stem_html"])
    picked = set(selected.get(str(question.id), []))
    order = attempt.choice_orders.get(str(question.id)) or list(range(len(question.choices)))
    key = correct_choices(question) if reveal else set()
    choices = [
        ChoiceView(
            index=index,
            html=Markup(texts["choices"][index]),
            checked=index in picked,
            right=(index in key) if reveal else None,
        )
        for index in order
    ]
    extra = {}
    if feedback:
        score, correct = (scores or {}).get(question.id, (0.0, False))
        extra = {
            "explanation_html": Markup(texts["explanation_html"]) if reveal else None,
            "tip_html": Markup(texts.get("tip_html") or ""),
            "score": score,
            "correct": correct,
        }
    return QuestionView(
        id=question.id,
        position=position,
        name=field_name(question.id),
        legend_html=legend,
        more_html=more,
        multiple=question.multiple,
        choices=choices,
        **extra,
    )


def form_questions(attempt, questions, lang: str, selected: dict) -> list[QuestionView]:
    """The questions for the form: no key, no explanation."""
    return [
        _view(n, q, attempt, lang, selected, feedback=False)
        for n, q in enumerate(questions, start=1)
    ]


def feedback_questions(
    attempt, questions, lang: str, scores: dict, *, reveal: bool
) -> list[QuestionView]:
    """The questions after submission: the learner's picks, whether each was right, and the
    tips; the key and the explanations only when ``reveal`` (see :func:`reveals_answers`)."""
    return [
        _view(n, q, attempt, lang, attempt.answers, feedback=True, reveal=reveal, scores=scores)
        for n, q in enumerate(questions, start=1)
    ]
