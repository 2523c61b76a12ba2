"""Evaluation's unit of work and rounds repository in memory, for fast tests of its use cases.
Leaving the block without ``commit()`` drops ratings and events alike, as the real transaction
does (``chassis.fakes``)."""

from __future__ import annotations

import copy
from typing import Any

from chassis import fakes
from evaluation.adapters.tables import EVENTS
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory


class FakeRoundRepository:
    def __init__(self, rounds: list[dict[str, Any]], members: list[dict[str, Any]]):
        self.rounds = {r["id"]: r for r in rounds}
        self.members = {(m["round_id"], m["person_id"]): m for m in members}
        self.ratings: list[dict[str, Any]] = []

    def get(self, round_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.rounds.get(round_id))

    def member(self, round_id: str, person_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.members.get((round_id, person_id)))

    def replace_official_rating(self, rating: dict[str, Any]) -> None:
        def same(r: dict[str, Any]) -> bool:
            keys = ("round_id", "person_id", "rater")
            return r["source"] == "official" and all(r[k] == rating[k] for k in keys)

        self.ratings = [r for r in self.ratings if not same(r)] + [copy.deepcopy(rating)]


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, rounds: list[dict[str, Any]], members: list[dict[str, Any]]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS, repositories=("rounds",))
        self.rounds: FakeRoundRepository = FakeRoundRepository(rounds, members)  # type: ignore[assignment]

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)  # not the real one's, which opens a session
        return self
