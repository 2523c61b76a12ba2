"""Worked examples and properties of the scoring rules (see evaluation.domain.scoring)."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chassis.errors import InvalidInput
from evaluation.domain.index import DEFAULT
from evaluation.domain.scoring import (
    Policy,
    Rating,
    bottom_size,
    check_rating,
    composite,
    evaluate,
    rating_score,
)

WEIGHTS = {"official": D("0.5"), "self": D("0.2"), "public": D("0.3")}
ITEMS = [i.code for i in DEFAULT.items()]


def flat(value) -> dict:
    return {code: D(value) for code in ITEMS}


def ratings(official=None, self_=None, public=()):
    out = []
    if official is not None:
        out.append(Rating("official", flat(official)))
    if self_ is not None:
        out.append(Rating("self", flat(self_)))
    out += [Rating("public", flat(p)) for p in public]
    return out


def test_a_flat_score_maps_to_its_percentage():
    assert rating_score(DEFAULT, flat(10)) == 100
    assert rating_score(DEFAULT, flat(8)) == 80
    assert rating_score(DEFAULT, flat(0)) == 0


def test_category_weights_matter():
    scores = flat(10)
    for item in DEFAULT.categories[0].items:  # political quality, weight 0.25
        scores[item.code] = D(0)
    assert rating_score(DEFAULT, scores) == 75


def test_worked_composite():
    # official 90, self 80, public mean of 70 and 80 = 75 -> 0.5*90 + 0.2*80 + 0.3*75 = 83.5
    out = evaluate(DEFAULT, Policy(WEIGHTS), ["a"], {"a": ratings(9, 8, [7, 8])}, set())
    assert out[0].source_scores == {"official": D("90.00"), "self": D("80.00"), "public": D("75.00")}
    assert out[0].composite == D("83.50") and out[0].rank == 1


def test_missing_sources_follow_the_round_rule():
    per_source = {"official": D(90), "self": None, "public": D(60)}
    assert composite(Policy(WEIGHTS, "renormalise"), per_source) == D("78.75")  # (45 + 18) / 0.8
    assert composite(Policy(WEIGHTS, "zero"), per_source) == D("63.00")
    assert composite(Policy(WEIGHTS, "incomplete"), per_source) is None
    out = evaluate(DEFAULT, Policy(WEIGHTS, "incomplete"), ["a"], {"a": ratings(9, None, [6])}, set())
    assert (out[0].status, out[0].rank) == ("incomplete", None)


def test_flagged_public_ratings_are_left_out():
    rs = [*ratings(9, 9, [9]), Rating("public", flat(0), flagged=True)]
    assert evaluate(DEFAULT, Policy(WEIGHTS), ["a"], {"a": rs}, set())[0].composite == D("90.00")


def test_ties_share_a_rank_and_the_tie_rule_orders_the_rest():
    cohort = {
        "a": ratings(9, 7, [8]),  # 45 + 14 + 24 = 83
        "b": ratings(8, 8, [9]),  # 40 + 16 + 27 = 83, lower official -> after a
        "c": ratings(9, 7, [8]),  # identical to a -> shares rank 1
        "d": ratings(5, 5, [5]),
    }
    out = evaluate(DEFAULT, Policy(WEIGHTS, bottom_share=D(0)), cohort, cohort, set())
    assert [(o.person_id, o.rank) for o in out] == [("a", 1), ("c", 1), ("b", 3), ("d", 4)]


@pytest.mark.parametrize(
    "share, ranked, expected",
    [(D("0.05"), 120, 6), (D("0.05"), 10, 1), (D("0.10"), 25, 3), (D("0"), 50, 0), (D("0.05"), 0, 0)],
)
def test_bottom_share_rounds_up(share, ranked, expected):
    assert bottom_size(Policy(WEIGHTS, bottom_share=share), ranked) == expected


def test_bottom_count_and_ties_at_the_cut():
    cohort = {p: ratings(s, s, [s]) for p, s in {"a": 9, "b": 8, "c": 6, "d": 6, "e": 7}.items()}
    out = {o.person_id: o.status for o in evaluate(DEFAULT, Policy(WEIGHTS, bottom_count=1), cohort, cohort, set())}
    assert out == {"a": "ranked", "b": "ranked", "e": "ranked", "c": "bottom", "d": "bottom"}


def test_the_veto_fails_the_best_scorer_and_is_not_ranked():
    cohort = {"top": ratings(10, 10, [10]), "mid": ratings(7, 7, [7]), "low": ratings(5, 5, [5])}
    out = {o.person_id: o for o in evaluate(DEFAULT, Policy(WEIGHTS, bottom_count=1), cohort, cohort, {"top"})}
    assert out["top"].status == "vetoed" and out["top"].rank is None and out["top"].composite == D("100.00")
    assert (out["mid"].rank, out["low"].status) == (1, "bottom")


def test_bad_ratings_are_refused():
    with pytest.raises(InvalidInput, match="20"):
        check_rating(DEFAULT, {ITEMS[0]: 5})
    with pytest.raises(InvalidInput, match="between 0 and 10"):
        check_rating(DEFAULT, {**flat(5), ITEMS[3]: D(11)})
    with pytest.raises(InvalidInput):
        check_rating(DEFAULT, {**flat(5), "nope": D(1)})
    with pytest.raises(InvalidInput):
        Policy({"official": D("0.5"), "self": D("0.5"), "public": D("0.5")})


score = st.decimals(min_value=0, max_value=10, places=1)
rating_st = st.fixed_dictionaries({code: score for code in ITEMS})
person_st = st.fixed_dictionaries(
    {
        "official": st.lists(rating_st, max_size=2),
        "self": st.lists(rating_st, max_size=1),
        "public": st.lists(rating_st, max_size=3),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    people=st.dictionaries(st.text("abcdef", min_size=1, max_size=3), person_st, min_size=1, max_size=8),
    vetoed=st.sets(st.text("abcdef", min_size=1, max_size=3)),
    rule=st.sampled_from(["renormalise", "zero", "incomplete"]),
    share=st.decimals(min_value=0, max_value=D("0.5"), places=2),
)
def test_properties_composite_in_scale_veto_always_wins_ranks_consistent(people, vetoed, rule, share):
    rs = {p: [Rating(src, s) for src, lst in sources.items() for s in lst] for p, sources in people.items()}
    out = evaluate(DEFAULT, Policy(WEIGHTS, rule, bottom_share=share), people, rs, vetoed)
    assert {o.person_id for o in out} == set(people)
    for o in out:
        if o.composite is not None:
            assert 0 <= o.composite <= 100
        if o.person_id in vetoed:
            assert o.status == "vetoed" and o.rank is None
        else:
            assert o.status != "vetoed"
    ranked = [o for o in out if o.rank is not None]
    assert all(a.composite >= b.composite for a, b in itertools.pairwise(ranked))
    assert all(o.status in ("ranked", "bottom") for o in ranked)
    bottoms = [o for o in ranked if o.status == "bottom"]
    assert len(bottoms) >= bottom_size(Policy(WEIGHTS, rule, bottom_share=share), len(ranked))
    kept = [o.composite for o in ranked if o.status == "ranked"]
    if bottoms and kept:  # ties at the cut are flagged together, so the line is strict
        assert max(b.composite for b in bottoms) < min(kept)
