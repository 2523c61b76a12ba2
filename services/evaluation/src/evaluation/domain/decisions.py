"""A joint meeting's decision on a person (联席评价): when it needs a justification, and who may take it.

A decision that goes against the computed outcome (retaining someone vetoed or in the bottom
share, or revoking someone ranked normally) needs a recorded justification of
``MIN_JUSTIFICATION`` characters or more. A warning or a revocation judges a round's outcomes,
so it needs a meeting tied to a round. A revocation removes a seat in a body held at some level:
the round's scope must be at that level or above (county at least when the person holds no
seat in that body), so a community or town evaluator can never strip a county member's role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MIN_JUSTIFICATION = 10
FAILED = ("vetoed", "bottom")
#: Decisions that need a round's outcomes behind them.
ON_A_ROUND = ("warning", "revoke_membership_recommendation", "revoke_recommendation_eligibility")
#: Admin-unit levels and the levels of seats in a body, from the narrowest up.
RANK = {"village": 0, "town": 1, "county": 2, "city": 3, "province": 4, "national": 5}


def is_revocation(decision: str) -> bool:
    return decision.startswith("revoke")


def overrides(decision: str, computed: str | None) -> bool:
    """Whether the decision goes against the round's computed outcome for the person."""
    return (decision == "retain" and computed in FAILED) or (is_revocation(decision) and computed == "ranked")


def justified(decision: str, computed: str | None, justification: str) -> bool:
    return not overrides(decision, computed) or len(justification.strip()) >= MIN_JUSTIFICATION


def needs_a_round(decision: str) -> bool:
    return decision in ON_A_ROUND


def level_needed(roles: Iterable[Mapping[str, Any]], body: str) -> int:
    """The rank a revoking round's scope needs: the person's highest seat in ``body`` (an unknown
    level counts as national), county when they hold none."""
    seats = [str(r.get("level")) for r in roles if r.get("body") == body]
    return max((RANK.get(level, RANK["national"]) for level in seats), default=RANK["county"])


def may_revoke_at(scope_level: str, roles: Iterable[Mapping[str, Any]], body: str) -> bool:
    return RANK[scope_level] >= level_needed(roles, body)
