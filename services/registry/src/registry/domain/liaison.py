"""Contacts (联系人): the cadre responsible for a representative, and the follow-ups they plan.

Each representative has one responsible cadre at a time, a member of staff of the person's unit
or of a unit above it (a county cadre may look after a community's CPPCC member; a cadre of a
sibling town may not: the person is outside their reach). A follow-up is a day planned for the
next contact, with a note; it stays open until it is closed once, done or not done, with a
short outcome. It falls due on its day in China Standard Time (the day staff live in), is overdue
from the day after, and its reminder is sent once. Pure rules: the service layer loads and asks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from chassis import units
from chassis.errors import Conflict, InvalidInput

CST = dt.timezone(dt.timedelta(hours=8), "CST")
#: A follow-up agreed at a visit and entered late may lie this many days back, no more.
BACKDATE_DAYS = 30
#: Follow-ups are planned within a year (a term's contacts are planned year by year).
AHEAD_DAYS = 366
OPEN, DONE, NOT_DONE = "open", "done", "not_done"
STATES = (OPEN, DONE, NOT_DONE)
CLOSED = (DONE, NOT_DONE)


def today_in_china(now: dt.datetime) -> dt.date:
    """The day staff live in (China Standard Time) at the instant ``now``."""
    return now.astimezone(CST).date()


def end_of_week(day: dt.date) -> dt.date:
    """The Sunday closing ``day``'s week (weeks begin on Monday, as Chinese calendars print them)."""
    return day + dt.timedelta(days=6 - day.weekday())


@dataclasses.dataclass(frozen=True)
class Cadre:
    """A member of staff, as the identity provider names them: subject, display name and unit."""

    subject: str
    name: str
    unit: str


def check_cadre(cadre: Cadre, person_unit: str) -> None:
    """Refuse a cadre whose unit does not contain the person's (422 naming ``cadre.unit``)."""
    try:
        reaches = units.in_subtree(cadre.unit, person_unit)
    except units.InvalidUnitCode:
        reaches = False
    if not reaches:
        raise InvalidInput(
            "联系人须为该人员所在单位或其上级单位的工作人员",
            "The responsible cadre must be staff of the person's unit or of a unit above it",
            field="cadre.unit",
        )


def check_is_representative(is_representative: bool) -> None:
    if not is_representative:
        raise InvalidInput(
            "只有代表人士（人大代表、政协委员等）才配备联系人",
            "Only representatives (NPC deputies, CPPCC members and the like) have a responsible cadre",
            field="person_id",
        )


def check_due_day(due_on: dt.date, today: dt.date) -> None:
    if not today - dt.timedelta(days=BACKDATE_DAYS) <= due_on <= today + dt.timedelta(days=AHEAD_DAYS):
        raise InvalidInput(
            f"计划回访日期须在今天前 {BACKDATE_DAYS} 天至后 {AHEAD_DAYS} 天之间",
            f"The follow-up day must lie between {BACKDATE_DAYS} days ago and {AHEAD_DAYS} days ahead",
            field="due_on",
        )


@dataclasses.dataclass(frozen=True)
class FollowUp:
    due_on: dt.date
    state: str = OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == OPEN and self.due_on < today

    def falls_due(self, today: dt.date) -> bool:
        return self.state == OPEN and self.due_on <= today

    def close(self, state: str) -> FollowUp:
        """Done or not done, once: a closed follow-up is a record, not a task (409)."""
        if state not in CLOSED:
            raise InvalidInput(
                "回访结果须为 done（已完成）或 not_done（未完成）", "state must be done or not_done", field="state"
            )
        if self.state != OPEN:
            raise Conflict("该回访已办结，不能再次办结", "This follow-up is already closed", state=self.state)
        return dataclasses.replace(self, state=state)
