"""Who may be given a representative role (资格闭环, 凡进必评).

A role is added only on a basis: a passed evaluation (a joint meeting retained the person),
a staff vetting decision recorded with who, when and why, or the body's own membership notice.
A basis justifies one entry: the role added on it spends it, so a person who left the body is
vetted again before coming back (凡进必评: every entry, not the first one only).
A revoked qualification stands until its end date; while it does, no basis lets the role
back in. The rules are pure: the service layer loads the records and asks them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from chassis.errors import Conflict, Forbidden, InvalidInput
from registry.domain.categories import LEVELS, REPRESENTATIVE_BODIES

#: Without an end date in the decision, a revocation holds for one term of the NPC and the CPPCC.
TERM_YEARS = 5
#: Where a vetting record's basis comes from.
SOURCES = ("staff", "evaluation", "notice")
#: Staff units and seats on one ladder (``chassis.units`` levels, and the seat levels of ``LEVELS``).
_RANK = {"village": 0, "town": 1, "county": 2, "city": 3, "province": 4, "national": 5}


@dataclasses.dataclass(frozen=True)
class Ineligibility:
    body: str
    until: dt.date
    decision: str
    reason: str
    decided_at: dt.datetime
    decision_id: str | None = None
    meeting_id: str | None = None

    def stands_on(self, day: dt.date) -> bool:
        return day < self.until


@dataclasses.dataclass(frozen=True)
class Vetting:
    body: str
    source: str
    basis: str
    decided_by: str
    decided_at: dt.datetime
    reference: str | None = None
    #: When a role added on it used it up; a spent vetting is no basis for another entry.
    spent_at: dt.datetime | None = None


def default_end(decided_at: dt.datetime) -> dt.date:
    """One term after the decision (29 February falls back to the 28th)."""
    day = decided_at.date()
    try:
        return day.replace(year=day.year + TERM_YEARS)
    except ValueError:
        return day.replace(year=day.year + TERM_YEARS, day=28)


def added_seats(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """The seats (body, level) ``after`` holds that ``before`` did not."""
    held = {(r["body"], r["level"]) for r in before}
    return sorted({(r["body"], r["level"]) for r in after if (r["body"], r["level"]) not in held})


def refuse_unless_may_add(staff_unit_level: str, seats: Iterable[tuple[str, str]]) -> None:
    """A seat is added by the department at its level: a town seat by town staff or above, a county
    or higher seat by county staff or above, whatever the basis (a town or a community cannot vouch
    for a county CPPCC member, nor enter one on a decision it did not take)."""
    seats = list(seats)
    needed = max((min(_RANK[level], _RANK["county"]) for _, level in seats), default=0)
    if _RANK.get(staff_unit_level, 0) < needed:
        body, level = next(s for s in seats if min(_RANK[s[1]], _RANK["county"]) == needed)
        at_zh, at_en = ("县级", "county") if needed == _RANK["county"] else ("乡镇级", "town")
        raise Forbidden(
            f"添加{LEVELS.get(level, level)}{REPRESENTATIVE_BODIES.get(body, body)}身份（及其审核决定）须由"
            f"{at_zh}及以上统战部门办理",
            f"A {level}-level {body} seat (and its vetting decision) is for {at_en}-level staff or above to add",
            field="representative_roles",
            body=body,
            level=level,
        )


def check_entry(
    bodies: Iterable[str], ineligibilities: Iterable[Ineligibility], vettings: Iterable[Vetting], today: dt.date
) -> None:
    """Refuse a role in any of ``bodies`` the person lost the qualification for, or has no basis for."""
    bodies, ineligibilities = list(bodies), list(ineligibilities)
    refuse_if_revoked(bodies, ineligibilities, today)
    # A vetting from before a revocation vouched for someone the body later found wanting: it no longer counts.
    revoked_at: dict[str, dt.datetime] = {}
    for i in ineligibilities:
        revoked_at[i.body] = max(revoked_at.get(i.body, _utc(i.decided_at)), _utc(i.decided_at))
    based = {
        v.body
        for v in vettings
        if v.spent_at is None and (v.body not in revoked_at or _utc(v.decided_at) > revoked_at[v.body])
    }
    missing = [b for b in bodies if b not in based]
    if missing:
        names = "、".join(REPRESENTATIVE_BODIES.get(b, b) for b in missing)
        raise InvalidInput(
            f"凡进必评：添加{names}身份须有通过的评价或审核决定，请在 vetting_basis 中填写审核依据",
            f"Every entry is vetted: a role in {', '.join(missing)} needs a passed evaluation or a vetting "
            "decision; give its basis in vetting_basis",
            field="representative_roles",
            bodies=missing,
        )


def refuse_if_revoked(bodies: Iterable[str], ineligibilities: Iterable[Ineligibility], today: dt.date) -> None:
    """Refuse a role in any of ``bodies`` while a revocation in that body stands (409 naming the decision)."""
    bodies = list(bodies)
    standing = [i for i in ineligibilities if i.body in bodies and i.stands_on(today)]
    if standing:
        latest = max(standing, key=lambda i: i.until)
        name = REPRESENTATIVE_BODIES.get(latest.body, latest.body)
        raise Conflict(
            f"该人员的{name}资格已于 {latest.decided_at.date().isoformat()} 被联席评价决定撤销"
            f"（决定编号 {latest.decision_id or '未记录'}），{latest.until.isoformat()} 前不得再次添加",
            f"The person's {latest.body} qualification was revoked by a joint evaluation decision "
            f"({latest.decision_id or 'no id recorded'}) on {latest.decided_at.date().isoformat()}; "
            f"the role cannot be added before {latest.until.isoformat()}",
            body=latest.body,
            decision_id=latest.decision_id,
            meeting_id=latest.meeting_id,
            ineligible_until=latest.until.isoformat(),
        )


def notice_is_stale(
    ended: bool, effective_on: dt.date, applied: Iterable[tuple[bool, dt.date]], held_since: dt.date | None
) -> bool:
    """Whether a membership notice comes too late to apply: a notice already applied to the seat took
    effect later (or the same day and ended it: an ending wins the tie), or the seat is held since a
    later day. Kafka keeps one person's notices in order; an agency sending an old notice late does not."""
    for was_ended, day in applied:
        if day > effective_on or (day == effective_on and was_ended and not ended):
            return True
    return held_since is not None and held_since > effective_on


def clean_vetting(body: str, basis: str) -> tuple[str, str]:
    if body not in REPRESENTATIVE_BODIES:
        raise InvalidInput(
            f"机构须为 {'/'.join(REPRESENTATIVE_BODIES)}",
            f"body must be one of {list(REPRESENTATIVE_BODIES)}",
            field="body",
        )
    basis = " ".join((basis or "").split())
    if len(basis) < 4 or len(basis) > 500:
        raise InvalidInput(
            "审核依据（vetting_basis）须为4至500个字符", "vetting_basis must be 4-500 characters", field="vetting_basis"
        )
    return body, basis


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; the registry stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
