"""The qualification rules (资格闭环, 凡进必评) on their own: which roles a change adds, when a lost
qualification refuses them, which vetting counts."""

from __future__ import annotations

import datetime as dt

import pytest

from chassis.errors import Conflict, Forbidden, InvalidInput
from registry.domain import qualification as rules

DECIDED = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
LOST = rules.Ineligibility("cppcc", dt.date(2031, 3, 1), "revoke_membership_recommendation", "一票否决", DECIDED, "d-7")


def vetting(body="cppcc", at=DECIDED + dt.timedelta(days=1)):
    return rules.Vetting(body, "staff", "换届考察合格", "staff1", at)


def test_only_a_seat_not_held_before_counts_as_added():
    before = [{"body": "cppcc", "level": "county"}]
    assert rules.added_seats(before, [{"body": "cppcc", "level": "county"}]) == []
    assert rules.added_seats(before, [{"body": "cppcc", "level": "city"}, {"body": "npc", "level": "town"}]) == [
        ("cppcc", "city"),
        ("npc", "town"),
    ]
    assert rules.added_seats(before, []) == []


@pytest.mark.parametrize(
    "staff, seat, allowed",
    [("county", "county", True), ("county", "national", True), ("town", "town", True), ("town", "county", False),
     ("village", "town", False), ("village", "county", False), ("city", "province", True)],
)  # fmt: skip
def test_a_seat_is_added_by_staff_at_its_level_or_above(staff, seat, allowed):
    if allowed:
        rules.refuse_unless_may_add(staff, [("cppcc", seat)])
    else:
        with pytest.raises(Forbidden) as refused:
            rules.refuse_unless_may_add(staff, [("npc", "town"), ("cppcc", seat)])
        assert refused.value.extra["level"] == seat and "staff or above" in refused.value.detail_en


def test_a_standing_revocation_refuses_the_role_naming_the_decision_and_its_end():
    with pytest.raises(Conflict) as refused:
        rules.check_entry(["cppcc"], [LOST], [vetting()], dt.date(2031, 2, 28))
    problem = refused.value
    assert "d-7" in problem.detail_zh and "2031-03-01" in problem.detail_zh and "2026-03-01" in problem.detail_zh
    assert "d-7" in problem.detail_en and "2031-03-01" in problem.detail_en
    assert problem.extra["ineligible_until"] == "2031-03-01" and problem.extra["decision_id"] == "d-7"


def test_an_ended_revocation_no_longer_refuses_but_a_vetting_from_before_it_does_not_count():
    rules.check_entry(["cppcc"], [LOST], [vetting()], dt.date(2031, 3, 1))
    with pytest.raises(InvalidInput):
        rules.check_entry(["cppcc"], [LOST], [vetting(at=DECIDED - dt.timedelta(days=1))], dt.date(2031, 3, 1))


def test_a_role_without_a_basis_in_its_body_is_refused():
    with pytest.raises(InvalidInput) as refused:
        rules.check_entry(["npc"], [LOST], [vetting("cppcc")], dt.date(2026, 6, 1))
    assert "凡进必评" in refused.value.detail_zh and refused.value.extra["bodies"] == ["npc"]
    rules.check_entry(["npc"], [LOST], [vetting("npc")], dt.date(2026, 6, 1))  # another body: no revocation


def test_a_revocation_without_an_end_date_holds_one_term():
    assert rules.default_end(DECIDED) == dt.date(2031, 3, 1)
    assert rules.default_end(dt.datetime(2028, 2, 29, tzinfo=dt.UTC)) == dt.date(2033, 2, 28)


@pytest.mark.parametrize("body, basis", [("party", "换届考察合格"), ("cppcc", " 好 "), ("cppcc", "x" * 501)])
def test_a_vetting_needs_a_known_body_and_a_real_basis(body, basis):
    with pytest.raises(InvalidInput):
        rules.clean_vetting(body, basis)


def test_a_spent_vetting_is_no_basis_for_another_entry():
    spent = rules.Vetting("cppcc", "staff", "换届考察合格", "s1", DECIDED, spent_at=DECIDED)
    with pytest.raises(InvalidInput):
        rules.check_entry(["cppcc"], [], [spent], DECIDED.date())


@pytest.mark.parametrize(
    "ended, day, applied, since, stale",
    [(False, "2025-01-01", [(True, "2026-03-01")], None, True),   # a confirmation from before the ending
     (False, "2027-01-01", [(True, "2026-03-01")], None, False),  # the next term
     (False, "2026-03-01", [(True, "2026-03-01")], None, True),   # the same day: the ending wins
     (True, "2026-03-01", [(True, "2026-03-01")], None, False),   # the same ending again changes nothing
     (True, "2026-06-01", [], "2027-01-01", True),                # an earlier term's ending after the next start
     (True, "2026-12-01", [], "2022-01-01", False)],
)  # fmt: skip
def test_a_notice_older_than_what_the_seat_went_through_is_stale(ended, day, applied, since, stale):
    applied = [(e, dt.date.fromisoformat(d)) for e, d in applied]
    since = dt.date.fromisoformat(since) if since else None
    assert rules.notice_is_stale(ended, dt.date.fromisoformat(day), applied, since) is stale
