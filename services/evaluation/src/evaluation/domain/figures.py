"""The qualification loop's annual figures by unit (联席评价年度统计): meetings held, people
reviewed, and what the meetings decided (retained, talks, warnings, qualifications revoked).

The report the department writes counts, for a year, "8 meetings evaluated 120+ people; poorly
rated people got a talk or a warning; 20+ lost their membership or their eligibility". Broken
down by the units directly below the one asked for: a meeting counts where it was convened (its
scope unit), a decision where the person belonged when it was taken, so a county meeting's
decisions show in the towns' rows while the meeting itself counts in the county's own row.
A person decided on twice in a year is one person reviewed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

#: Which figure each decision kind of a meeting adds to.
FIGURE_OF = {
    "retain": "retained",
    "talk": "talks",
    "warning": "warnings",
    "revoke_membership_recommendation": "revoked",
    "revoke_recommendation_eligibility": "revoked",
}
FIGURES = ("meetings_held", "people_reviewed", "decisions", "retained", "talks", "warnings", "revoked")
#: Admin-unit level -> how many leading digits name its child units (a village is its own child).
_CHILD_WIDTH = {"province": 4, "city": 6, "county": 9, "town": 12, "village": 12}


@dataclasses.dataclass(frozen=True)
class Decision:
    unit_code: str
    person_id: str
    decision: str


def child_unit(level: str, code: str) -> str:
    """The unit directly below a unit of ``level`` that holds ``code`` (the unit itself for its own objects)."""
    width = _CHILD_WIDTH[level]
    return code[:width].ljust(12, "0")


def _counts(meeting_units: list[str], decided: list[Decision]) -> dict[str, int]:
    counts = dict.fromkeys(FIGURES, 0)
    counts["meetings_held"] = len(meeting_units)
    counts["people_reviewed"] = len({d.person_id for d in decided})
    counts["decisions"] = len(decided)
    for d in decided:
        counts[FIGURE_OF[d.decision]] += 1
    return counts


def tally(level: str, meeting_units: Iterable[str], decisions: Iterable[Decision]) -> dict[str, Any]:
    """Figures per child unit of a unit of ``level`` (rows ordered by code) and for all of them."""
    meetings, decided = list(meeting_units), list(decisions)
    by_meeting: dict[str, list[str]] = {}
    by_decision: dict[str, list[Decision]] = {}
    for unit in meetings:
        by_meeting.setdefault(child_unit(level, unit), []).append(unit)
    for d in decided:
        by_decision.setdefault(child_unit(level, d.unit_code), []).append(d)
    rows = [
        {"unit_code": unit, **_counts(by_meeting.get(unit, []), by_decision.get(unit, []))}
        for unit in sorted(by_meeting.keys() | by_decision.keys())
    ]
    return {"rows": rows, "total": _counts(meetings, decided)}
