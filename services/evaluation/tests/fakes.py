"""Evaluation's unit of work and rounds repository in memory, for fast tests of its use cases.
What a use case writes stays staged until ``commit()``; leaving the block without it drops
ratings and events alike, as the real transaction does."""

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
        self._ratings: list[dict[str, Any]] | None = None  # the staged list, once a use case writes

    def get(self, round_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.rounds.get(round_id))

    def member(self, round_id: str, person_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.members.get((round_id, person_id)))

    def replace_official_rating(self, rating: dict[str, Any]) -> None:
        def same(r: dict[str, Any]) -> bool:
            keys = ("round_id", "person_id", "rater")
            return r["source"] == "official" and all(r[k] == rating[k] for k in keys)

        current = self.ratings if self._ratings is None else self._ratings
        self._ratings = [r for r in current if not same(r)] + [copy.deepcopy(rating)]

    def commit(self) -> None:
        if self._ratings is not None:
            self.ratings, self._ratings = self._ratings, None

    def rollback(self) -> None:
        self._ratings = None


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, rounds: list[dict[str, Any]], members: list[dict[str, Any]]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS)
        self.rounds: FakeRoundRepository = FakeRoundRepository(rounds, members)  # type: ignore[assignment]

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)
        return self

    def commit(self) -> None:
        fakes.FakeUnitOfWork.commit(self)
        self.rounds.commit()

    def rollback(self) -> None:
        fakes.FakeUnitOfWork.rollback(self)
        self.rounds.rollback()
