"""The request lifecycle table, with every state and move."""

from __future__ import annotations

import itertools

import pytest

from servicedesk.domain import lifecycle

LEGAL = {
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rejected",
    ("accepted", "start"): "in_progress",
    ("accepted", "reject"): "rejected",
    ("in_progress", "wait"): "waiting",
    ("in_progress", "resolve"): "resolved",
    ("waiting", "resume"): "in_progress",
    ("resolved", "close"): "closed",
    ("resolved", "reopen"): "reopened",
    ("closed", "reopen"): "reopened",
    ("reopened", "start"): "in_progress",
    ("reopened", "reject"): "rejected",
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(lifecycle.STATES, lifecycle.MOVES)))
def test_every_move_is_legal_exactly_when_the_table_says(state, action):
    if (state, action) in LEGAL:
        assert lifecycle.next_state(state, action) == LEGAL[(state, action)]
        assert action in lifecycle.allowed_actions(state)
    else:
        with pytest.raises(lifecycle.IllegalMove):
            lifecycle.next_state(state, action)
        assert action not in lifecycle.allowed_actions(state)


def test_rejected_is_final():
    assert lifecycle.allowed_actions("rejected") == []
