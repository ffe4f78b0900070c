"""Grading of every question type, answer checking, and the draw of an attempt."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from lms.plugins.quizzes.grading import InvalidAnswers, draw, grade, read_answers


def question(qid, key, *, n=3, multiple=None):
    choices = [{"html": f"c{i}", "text": f"c{i}", "correct": i in key} for i in range(n)]
    multiple = len(key) > 1 if multiple is None else multiple
    return SimpleNamespace(id=qid, number=qid, choices=choices, multiple=multiple)


SINGLE = question(1, {1})
MULTI = question(2, {0, 1}, n=4)


def score(q, picks, partial=False):
    result = grade([q], {str(q.id): picks}, partial_credit=partial, pass_mark=100)
    return result.per_question[q.id][0]


@pytest.mark.parametrize(("picks", "expected"), [([1], 1.0), ([0], 0.0), ([], 0.0)])
def test_single_choice_is_right_only_with_the_right_choice(picks, expected):
    assert score(SINGLE, picks) == expected


@pytest.mark.parametrize(
    ("picks", "expected"),
    [([0, 1], 1.0), ([0], 0.0), ([0, 1, 2], 0.0), ([2], 0.0), ([], 0.0)],
)
def test_select_all_is_all_or_nothing_by_default(picks, expected):
    assert score(MULTI, picks) == expected


@pytest.mark.parametrize(
    ("picks", "expected"),
    [([0, 1], 1.0), ([0], 0.5), ([0, 1, 2], 0.5), ([0, 2], 0.0), ([2, 3], 0.0), ([], 0.0)],
)
def test_select_all_with_partial_credit(picks, expected):
    assert score(MULTI, picks, partial=True) == expected


def test_percent_and_pass_mark_and_unanswered_is_wrong():
    questions = [SINGLE, MULTI, question(3, {2}), question(4, {0}), question(5, {0})]
    answers = {"1": [1], "2": [0, 1], "3": [2], "4": [0]}  # question 5 unanswered
    result = grade(questions, answers, partial_credit=False, pass_mark=80)
    assert result.score_percent == 80.0
    assert result.passed is True
    assert result.per_question[5] == (0.0, False)
    assert grade(questions, answers, partial_credit=False, pass_mark=81).passed is False


def test_partial_credit_counts_in_the_percent():
    result = grade([SINGLE, MULTI], {"1": [1], "2": [0]}, partial_credit=True, pass_mark=75)
    assert result.score_percent == 75.0
    assert result.passed is True
    assert result.per_question[2] == (0.5, False)


def test_thirds_are_rounded_not_inflated():
    questions = [question(i, {0}) for i in (1, 2, 3)]
    result = grade(questions, {"1": [0], "2": [0]}, partial_credit=False, pass_mark=67)
    assert result.score_percent == 66.67
    assert result.passed is False


def test_read_answers_takes_original_indices_and_fills_unanswered():
    form = MultiDict([("q1", "1"), ("q2", "0"), ("q2", "1"), ("csrf_token", "x")])
    assert read_answers([SINGLE, MULTI, question(3, {0})], form) == {
        "1": [1],
        "2": [0, 1],
        "3": [],
    }


@pytest.mark.parametrize(
    "pairs",
    [
        [("q99", "0")],  # a question not in the attempt
        [("q1", "3")],  # index out of range
        [("q1", "-1")],
        [("q1", "x")],
        [("q1", "0"), ("q1", "1")],  # two values for a single choice
        [("q2", "1"), ("q2", "1")],  # the same choice twice
        [("qq", "0")],
    ],
)
def test_tampered_answers_are_refused(pairs):
    with pytest.raises(InvalidAnswers):
        read_answers([SINGLE, MULTI], MultiDict(pairs))


def test_lenient_reading_drops_bad_values_only():
    form = MultiDict([("q1", "7"), ("q2", "0"), ("q99", "1")])
    assert read_answers([SINGLE, MULTI], form, strict=False) == {"1": [], "2": [0]}


BANK = [question(i, {0}, n=4) for i in range(1, 11)]


def test_no_shuffle_keeps_bank_and_choice_order():
    drawn = draw(BANK, per_attempt=None, shuffle=False, rng=random.Random(1))
    assert drawn.question_ids == list(range(1, 11))
    assert all(order == [0, 1, 2, 3] for order in drawn.choice_orders.values())


def test_shuffle_reorders_questions_and_choices_but_keeps_all():
    drawn = draw(BANK, per_attempt=None, shuffle=True, rng=random.Random(3))
    assert sorted(drawn.question_ids) == list(range(1, 11))
    assert drawn.question_ids != list(range(1, 11))
    assert all(sorted(order) == [0, 1, 2, 3] for order in drawn.choice_orders.values())
    assert any(order != [0, 1, 2, 3] for order in drawn.choice_orders.values())


def test_bank_draw_takes_a_random_subset_in_bank_order_without_shuffle():
    seen = set()
    for seed in range(20):
        drawn = draw(BANK, per_attempt=4, shuffle=False, rng=random.Random(seed))
        assert len(drawn.question_ids) == 4
        assert drawn.question_ids == sorted(drawn.question_ids)
        assert set(drawn.choice_orders) == {str(i) for i in drawn.question_ids}
        seen.add(tuple(drawn.question_ids))
    assert len(seen) > 10  # really random, not the first four


def test_bank_draw_with_shuffle_is_random_in_order_too():
    orders = {
        tuple(draw(BANK, per_attempt=5, shuffle=True, rng=random.Random(s)).question_ids)
        for s in range(10)
    }
    assert any(list(o) != sorted(o) for o in orders)
