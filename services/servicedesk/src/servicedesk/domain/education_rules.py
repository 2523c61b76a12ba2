"""The rules of policy and theory education (理论政策宣传教育), free of storage and HTTP.

A material (article, document or video link) is written as a draft, published to a unit (its
subtree may read it) and may be withdrawn; nothing else. An assignment gives members of a unit
materials to study by a due date (a day in China Standard Time) and, optionally, a short quiz:
the right answers stay on the server, a member's attempt is scored as the share of questions
answered exactly right (0-100, rounded down), and passes at the assignment's pass mark. A member
completes an assignment when they have studied it and (if it has a quiz) passed it; one not
completed after its due date is overdue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from chassis.errors import Conflict, InvalidInput

KINDS = {"article": "文章", "document": "文件", "video": "视频"}
CATEGORIES = {
    "theory": "理论学习",
    "policy": "政策解读",
    "law": "法律法规",
    "united_front": "统战知识",
    "history": "党史国史",
}
#: action -> (the state it leaves, the state it reaches)
MATERIAL_MOVES = {"publish": ("draft", "published"), "withdraw": ("published", "withdrawn")}
MAX_QUESTIONS, MAX_OPTIONS = 20, 6


def material_move(state: str, action: str) -> str:
    """The state a material reaches by ``action``; 409 naming what is allowed otherwise."""
    source, target = MATERIAL_MOVES[action]
    if state != source:
        allowed = [a for a, (s, _) in MATERIAL_MOVES.items() if s == state]
        raise Conflict(f"材料当前为{state}，不能{action}", f"A {state} material cannot be {action}ed", allowed=allowed)
    return target


def check_body(kind: str, body: str | None, url: str | None) -> None:
    """An article carries its text; a document or a video is a link (https only)."""
    if kind == "article" and not (body or "").strip():
        raise InvalidInput("文章须有正文", "An article needs its text", field="body")
    if kind != "article":
        if not url or not url.startswith("https://"):
            raise InvalidInput("文件和视频须提供 https 链接", "A document or video needs an https link", field="url")


@dataclasses.dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...]
    #: Indexes of the right options (one or more): never sent to members.
    answer: frozenset[int]

    def public(self) -> dict[str, Any]:
        return {"text": self.text, "options": list(self.options), "multiple": len(self.answer) > 1}


def quiz_of(raw: Sequence[dict[str, Any]]) -> list[Question]:
    """A quiz as staff wrote it, checked: up to 20 questions of 2-6 options, each with its right answers."""
    if len(raw) > MAX_QUESTIONS:
        raise InvalidInput(f"测试题最多{MAX_QUESTIONS}道", f"At most {MAX_QUESTIONS} questions", field="quiz")
    questions = []
    for n, q in enumerate(raw, 1):
        options, answer = tuple(q["options"]), frozenset(q["answer"])
        if not 2 <= len(options) <= MAX_OPTIONS or not all(o.strip() for o in options):
            raise InvalidInput(
                f"第{n}题须有2至{MAX_OPTIONS}个非空选项", f"Question {n} needs 2-{MAX_OPTIONS} options", field="quiz"
            )
        if not answer or not answer <= set(range(len(options))):
            raise InvalidInput(f"第{n}题的正确答案无效", f"Question {n} has invalid right answers", field="quiz")
        questions.append(Question(q["text"], options, answer))
    return questions


def score(questions: Sequence[Question], answers: Sequence[Iterable[int]]) -> int:
    """The share (0-100, rounded down) of questions whose chosen options are exactly the right ones."""
    if len(answers) != len(questions):
        raise InvalidInput(
            f"须回答全部{len(questions)}道题", f"Answer all {len(questions)} questions, in order", field="answers"
        )
    right = 0
    for n, (q, chosen) in enumerate(zip(questions, answers, strict=True), 1):
        picked = frozenset(chosen)
        if not picked <= set(range(len(q.options))):
            raise InvalidInput(f"第{n}题的选项不存在", f"Question {n}: no such option", field="answers")
        right += picked == q.answer
    return right * 100 // len(questions) if questions else 100


def passed(points: int, pass_mark: int) -> bool:
    return points >= pass_mark


@dataclasses.dataclass(frozen=True)
class Progress:
    """Where one member stands on one assignment."""

    studied: bool
    passed: bool
    has_quiz: bool
    completed_on: dt.date | None = None

    @property
    def completes(self) -> bool:
        """Whether what is recorded now completes the assignment."""
        return self.studied and (self.passed or not self.has_quiz)


def overdue(due_on: dt.date, completed_on: dt.date | None, today: dt.date) -> bool:
    """Not completed, and the due day is over (a member has the whole due day)."""
    return completed_on is None and today > due_on


def on_time(due_on: dt.date, completed_on: dt.date) -> bool:
    return completed_on <= due_on


@dataclasses.dataclass
class UnitCompletion:
    """One unit's members on one assignment: assigned, studied, passed the quiz, completed, overdue."""

    unit_code: str
    assigned: int = 0
    studied: int = 0
    passed: int = 0
    completed: int = 0
    overdue: int = 0

    def add(self, progress: Progress, due_on: dt.date, today: dt.date) -> None:
        self.assigned += 1
        self.studied += progress.studied
        self.passed += progress.passed
        self.completed += progress.completed_on is not None
        self.overdue += overdue(due_on, progress.completed_on, today)

    @property
    def rate(self) -> int | None:
        """Completed of assigned, in whole percent; None with nobody assigned."""
        return self.completed * 100 // self.assigned if self.assigned else None
