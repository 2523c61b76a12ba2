"""Rounds, their cohort and the official ratings in them, with SQLAlchemy Core; rows are plain dicts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.adapters.tables import members, ratings, rounds


class RoundRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, round_id: str) -> dict[str, Any] | None:
        row = self.session.execute(sa.select(rounds).where(rounds.c.id == round_id)).mappings().first()
        return None if row is None else dict(row)

    def member(self, round_id: str, person_id: str) -> dict[str, Any] | None:
        """A person of the round's cohort (fixed when the round opened), with their unit then."""
        query = sa.select(members).where(members.c.round_id == round_id, members.c.person_id == person_id)
        row = self.session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def replace_official_rating(self, rating: dict[str, Any]) -> None:
        """Store an evaluator's official rating of a person, in place of any earlier one of theirs."""
        self.session.execute(
            ratings.delete().where(
                ratings.c.round_id == rating["round_id"],
                ratings.c.person_id == rating["person_id"],
                ratings.c.source == "official",
                ratings.c.rater == rating["rater"],
            )
        )
        self.session.execute(ratings.insert(), rating)
