"""A loaded draft shown as learners will see it, and a previewed quiz graded in memory.

The draft's HTML is what the sync would store (rendered and sanitised by the pipeline); only
its site links are pointed at the preview instead of the learner pages, and its pictures at
the draft's own files. Grading follows the quizzes plugin's rule (a single choice scores when
it is the right one; select-all scores when exactly the right set is ticked, or in part with
``partial_credit``), and nothing of it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from flask import url_for
from markupsafe import Markup

from lms.content import QuestionDoc, QuizDoc

_SITE_LINK = re.compile(r'(?P<attr>href|src)="/courses/(?P<slug>[a-z0-9-]+)/(?P<rest>[^"]*)"')


def rewrite(html: str, slug: str, lang: str) -> Markup:
    """``html`` of course ``slug`` with its links to the course's pages and pictures pointed
    at the preview in ``lang`` and at the draft's files."""
    base = url_for("authoring.preview_course", course=slug, preview_lang=lang)

    def replace(match: re.Match) -> str:
        if match["slug"] != slug:
            return match.group(0)
        rest = match["rest"]
        if rest.startswith("assets/"):
            path = unquote(rest[len("assets/") :].split("?", 1)[0])
            target = url_for("authoring.raw", course=slug, path=path)
        else:
            target = base + rest
        return f'{match["attr"]}="{target}"'

    return Markup(_SITE_LINK.sub(replace, html))


def split_stem(stem_html: str) -> tuple[Markup, Markup]:
    """The heading paragraph (for the ``<legend>``) and the rest, as the quiz page shows it."""
    if stem_html.startswith("<p>"):
        end = stem_html.find("</p>")
        if end != -1:
            return Markup(stem_html[3:end]), Markup(stem_html[end + 4 :].strip())
    return Markup(""), Markup(stem_html)


@dataclass(frozen=True)
class ChoiceView:
    index: int
    html: Markup
    checked: bool = False
    right: bool | None = None


@dataclass(frozen=True)
class QuestionView:
    position: int
    name: str
    legend_html: Markup
    more_html: Markup
    multiple: bool
    choices: list[ChoiceView] = field(default_factory=list)
    explanation_html: Markup | None = None
    score: float | None = None
    correct: bool | None = None


def _score(question: QuestionDoc, picks: set[int], partial_credit: bool) -> float:
    key = set(question.correct_indexes)
    if not question.multiple or not partial_credit:
        return 1.0 if picks == key else 0.0
    return max(0.0, (len(picks & key) - len(picks - key)) / len(key))


def read_picks(questions, form) -> dict[int, set[int]]:
    """The ticked choice indexes per question position; values that fit nothing are dropped
    (a preview stores nothing, so there is nothing to refuse)."""
    picks = {}
    for position, question in enumerate(questions, start=1):
        values = form.getlist(f"q{position}")
        chosen = {int(v) for v in values if v.isdigit() and int(v) < len(question.choices)}
        if not question.multiple and len(chosen) > 1:
            chosen = set()
        picks[position] = chosen
    return picks


def question_views(
    quiz: QuizDoc, lang: str, slug: str, picks: dict[int, set[int]] | None = None
) -> tuple[list[QuestionView], float | None]:
    """The questions in ``lang`` for the form, or with ``picks`` the feedback and the score
    in percent."""
    questions = quiz.translated(lang).questions
    views, total = [], 0.0
    for position, question in enumerate(questions, start=1):
        legend, more = split_stem(rewrite(question.stem_html, slug, lang))
        chosen = (picks or {}).get(position, set())
        feedback = picks is not None
        choices = [
            ChoiceView(
                index=index,
                html=rewrite(choice.html, slug, lang),
                checked=index in chosen,
                right=choice.correct if feedback else None,
            )
            for index, choice in enumerate(question.choices)
        ]
        extra = {}
        if feedback:
            score = _score(question, chosen, quiz.partial_credit)
            total += score
            extra = {
                "explanation_html": rewrite(question.explanation_html, slug, lang),
                "score": score,
                "correct": chosen == set(question.correct_indexes),
            }
        views.append(
            QuestionView(
                position=position,
                name=f"q{position}",
                legend_html=legend,
                more_html=more,
                multiple=question.multiple,
                choices=choices,
                **extra,
            )
        )
    percent = round(total / len(questions) * 100, 2) if picks is not None and questions else None
    return views, percent
