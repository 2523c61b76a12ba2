"""The rules of study: quiz scoring, passing, completion, due and overdue days, completion by unit,
and the life of a material."""

from __future__ import annotations

import datetime as dt

import pytest

from chassis.errors import Conflict, InvalidInput
from servicedesk.domain import education_rules as rules

QUIZ = rules.quiz_of(
    [
        {"text": "一", "options": ["甲", "乙"], "answer": [0]},
        {"text": "二", "options": ["甲", "乙", "丙"], "answer": [0, 2]},
        {"text": "三", "options": ["甲", "乙", "丙"], "answer": [1]},
    ]
)
DUE = dt.date(2026, 11, 30)


def test_a_question_counts_only_when_exactly_the_right_options_are_chosen():
    assert rules.score(QUIZ, [[0], [0, 2], [1]]) == 100
    assert rules.score(QUIZ, [[0], [0], [1]]) == 66  # one of the two right options is not enough; rounded down
    assert rules.score(QUIZ, [[0], [0, 1, 2], [1]]) == 66  # choosing every option is not a way round it
    assert rules.score(QUIZ, [[], [], []]) == 0
    assert rules.score([], []) == 100


def test_an_attempt_answers_every_question_with_existing_options():
    with pytest.raises(InvalidInput):
        rules.score(QUIZ, [[0], [0, 2]])
    with pytest.raises(InvalidInput):
        rules.score(QUIZ, [[0], [0, 2], [3]])


def test_the_pass_mark_is_inclusive():
    assert rules.passed(60, 60) and not rules.passed(59, 60) and rules.passed(0, 0)


@pytest.mark.parametrize(
    "question",
    [
        {"text": "一", "options": ["甲"], "answer": [0]},
        {"text": "一", "options": ["甲", " "], "answer": [0]},
        {"text": "一", "options": ["甲", "乙"], "answer": []},
        {"text": "一", "options": ["甲", "乙"], "answer": [2]},
        {"text": "一", "options": list("甲乙丙丁戊己庚"), "answer": [0]},
    ],
)
def test_a_quiz_is_refused_with_a_bad_question(question):
    with pytest.raises(InvalidInput):
        rules.quiz_of([question])


def test_a_members_view_of_a_question_holds_no_answer():
    assert QUIZ[1].public() == {"text": "二", "options": ["甲", "乙", "丙"], "multiple": True}


def test_completing_needs_study_and_a_pass_when_there_is_a_quiz():
    assert not rules.Progress(studied=True, passed=False, has_quiz=True).completes
    assert not rules.Progress(studied=False, passed=True, has_quiz=True).completes
    assert rules.Progress(studied=True, passed=True, has_quiz=True).completes
    assert rules.Progress(studied=True, passed=False, has_quiz=False).completes


def test_the_due_day_is_whole_and_overdue_means_not_completed_after_it():
    assert not rules.overdue(DUE, None, DUE)
    assert rules.overdue(DUE, None, DUE + dt.timedelta(days=1))
    assert not rules.overdue(DUE, DUE + dt.timedelta(days=3), DUE + dt.timedelta(days=5))  # late, but done
    assert rules.on_time(DUE, DUE) and not rules.on_time(DUE, DUE + dt.timedelta(days=1))


def test_completion_by_unit_adds_up_its_members():
    unit = rules.UnitCompletion("370783001001")
    after = DUE + dt.timedelta(days=1)
    unit.add(rules.Progress(True, True, True, DUE), DUE, after)
    unit.add(rules.Progress(True, False, True, None), DUE, after)
    unit.add(rules.Progress(False, False, True, None), DUE, after)
    assert (unit.assigned, unit.studied, unit.passed, unit.completed, unit.overdue, unit.rate) == (3, 2, 1, 1, 2, 33)
    assert rules.UnitCompletion("370783001002").rate is None


def test_a_material_is_published_once_then_withdrawn_and_nothing_else():
    assert rules.material_move("draft", "publish") == "published"
    assert rules.material_move("published", "withdraw") == "withdrawn"
    for state, action in (("draft", "withdraw"), ("published", "publish"), ("withdrawn", "publish")):
        with pytest.raises(Conflict):
            rules.material_move(state, action)


def test_articles_carry_text_and_links_are_https():
    rules.check_body("article", "正文", None)
    rules.check_body("video", None, "https://v.example/1")
    for kind, body, url in (("article", " ", None), ("document", None, "http://x"), ("video", None, None)):
        with pytest.raises(InvalidInput):
            rules.check_body(kind, body, url)
