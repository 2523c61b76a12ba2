"""How long a revocation keeps a person out (资格丧失期限): the end a joint meeting may set.

A revocation removes a seat and, with it, the eligibility to be recommended for that body again.
The meeting may name the day the person may be recommended again (``ineligible_until``). It must
fall after the day of the decision (China Standard Time, the department's calendar) and at most
``MAX_YEARS`` years later: one term of the NPC and of the CPPCC is five years, and the registry
holds one term when the meeting names no end, so a meeting may shorten the loss but never make
it outlast a term. Only a revocation carries an end.
"""

from __future__ import annotations

import datetime as dt

#: One term of the NPC and of the CPPCC; the longest a meeting may keep someone out.
MAX_YEARS = 5


def one_term_after(day: dt.date) -> dt.date:
    """``MAX_YEARS`` after ``day`` (29 February falls back to the 28th): the latest end a meeting may
    name, and the end the registry holds when it names none (counted from the decision's UTC day)."""
    try:
        return day.replace(year=day.year + MAX_YEARS)
    except ValueError:
        return day.replace(year=day.year + MAX_YEARS, day=28)


def refusal(is_revocation: bool, decided_on: dt.date, until: dt.date | None) -> tuple[str, str] | None:
    """Why ``until`` cannot end this decision's loss of eligibility (Chinese, English), or None if it may."""
    if until is None:
        return None
    if not is_revocation:
        return ("只有撤销资格的决定可以设定资格恢复日期", "Only a revocation may set the end of the lost qualification")
    if until <= decided_on:
        return (
            f"资格恢复日期须晚于决定日期（{decided_on.isoformat()}）",
            f"ineligible_until must fall after the day of the decision ({decided_on.isoformat()})",
        )
    if until > one_term_after(decided_on):
        last = one_term_after(decided_on).isoformat()
        return (
            f"资格恢复日期不得晚于决定之日起{MAX_YEARS}年（一届任期），即{last}",
            f"ineligible_until may be at most {MAX_YEARS} years (one term) after the decision, i.e. {last}",
        )
    return None
