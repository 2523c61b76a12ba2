"""Demo data of the qualification loop: the demo meeting's revocations name the day the person may
be recommended again, and the seeder prints the year's figures the evaluation service now counts
(``GET /qualification-figures``), so the lists and figures of ``make run`` are visibly not empty."""

from __future__ import annotations

import datetime as dt

from demo_api import Api

from chassis.work_calendar import CST


def ineligibility(decision: str) -> dict:
    """A revocation's end: three years from today (China Standard Time), within the five-year bound."""
    if not decision.startswith("revoke"):
        return {}
    return {"ineligible_until": (dt.datetime.now(CST).date() + dt.timedelta(days=3 * 365)).isoformat()}


def say_figures(evaluation: Api, year: int, say) -> None:
    total = evaluation.must("GET", f"/qualification-figures?year={year}")["total"]
    listed = evaluation.must("GET", f"/decisions?year={year}&limit=200")["items"]
    say(
        f"  evaluation: {year} figures: {total['meetings_held']} meetings, {total['people_reviewed']} people reviewed, "
        f"{total['talks']} talks, {total['warnings']} warnings, {total['revoked']} revoked "
        f"({len(listed)} decisions listed)"
    )
