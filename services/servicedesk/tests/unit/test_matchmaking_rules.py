"""Matchmaking outcomes: exact money in fen, the follow-up states, and what counts (``domain/matchmaking``)."""

from __future__ import annotations

import pytest

from servicedesk.domain import matchmaking as rules


@pytest.mark.parametrize(
    ("text", "fen"),
    [("23000000", 2_300_000_000), ("23000000.50", 2_300_000_050), ("0.01", 1), (" 1.1 ", 110), ("007.5", 750)],
)
def test_amounts_are_exact_integer_fen(text, fen):
    assert rules.to_fen(text) == fen
    assert rules.to_fen(rules.yuan(fen)) == fen


@pytest.mark.parametrize(
    "bad",
    [
        0.1,
        100,
        "0",
        "0.00",
        "-5.00",
        "1.001",
        "abc",
        "",
        "NaN",
        "Infinity",
        "1e3",
        "١٢٣",
        "1.",
        ".5",
        "100000000000.01",
        None,
        True,
    ],
)
def test_floats_fractions_of_a_fen_and_nonsense_are_refused(bad):
    with pytest.raises(rules.BadAmount):
        rules.to_fen(bad)


def test_sums_of_fen_stay_exact_where_floats_drift():
    amounts = ["0.10", "0.20"] * 5
    assert rules.yuan(sum(rules.to_fen(a) for a in amounts)) == "1.50"
    assert rules.yuan(5) == "0.05" and rules.yuan(2_300_000_000) == "23000000.00"


def test_an_outcome_moves_forward_or_falls_through_and_ends_there():
    assert rules.move("agreed", "in_progress") == "in_progress"
    assert rules.move("in_progress", "completed") == "completed"
    assert rules.move("agreed", "fallen_through") == "fallen_through"
    for state, wanted in [("completed", "in_progress"), ("fallen_through", "agreed"), ("in_progress", "agreed"),
                          ("completed", "fallen_through"), ("agreed", "agreed"), ("agreed", "nonsense")]:  # fmt: skip
        with pytest.raises(rules.IllegalMove) as refused:
            rules.move(state, wanted)
        assert refused.value.allowed == list(rules.MOVES.get(state, ()))


def test_only_what_has_not_fallen_through_counts():
    assert rules.counts("project_signed", "agreed") and rules.counts("loan_granted", "completed")
    assert not rules.counts("project_signed", "fallen_through")
