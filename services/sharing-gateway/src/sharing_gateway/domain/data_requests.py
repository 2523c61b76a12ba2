"""A data request's life and deadlines (《政务数据共享条例》's 申请–答复).

An agency applies for catalogue items; unconditional ones are granted at once, conditional ones
wait for the department. The local rules give it 2 working days for the compliance review
(受理/合规审查) and 5 for the answer on data already catalogued, both counted from the application
on the work calendar (``chassis.work_calendar``). While the request waits on the agency (an admin
asked for more information) its clock is paused, and it restarts with what is left when the agency
answers (``chassis.sla_clock.SlaClock``). A request past a deadline is escalated, once per deadline.

States: ``submitted`` (awaiting the review), ``reviewed`` (awaiting the answer), ``waiting`` (on the
agency), ``proposed`` (an approval or narrowing awaits a second gateway admin), then ``granted`` or
``refused``.
"""

from __future__ import annotations

import datetime as dt

from chassis.sla_clock import SlaClock
from chassis.work_calendar import WorkCalendar

REVIEW_BUDGET = dt.timedelta(days=2)
ANSWER_BUDGET = dt.timedelta(days=5)
SUBMITTED, REVIEWED, WAITING, PROPOSED = "submitted", "reviewed", "waiting", "proposed"
GRANTED, REFUSED = "granted", "refused"
OPEN = (SUBMITTED, REVIEWED, WAITING, PROPOSED)
#: The admin's moves and the agency's answer: (state, action) -> next state.
MOVES = {
    (SUBMITTED, "review"): REVIEWED,
    (SUBMITTED, "ask_information"): WAITING,
    (REVIEWED, "ask_information"): WAITING,
    (REVIEWED, "propose"): PROPOSED,
    (PROPOSED, "grant"): GRANTED,
    (SUBMITTED, "refuse"): REFUSED,
    (REVIEWED, "refuse"): REFUSED,
    (PROPOSED, "refuse"): REFUSED,
}
#: Which deadline a state runs against; none while waiting or once answered.
DEADLINE_OF = {SUBMITTED: "review", REVIEWED: "answer", PROPOSED: "answer"}
BUDGETS = {"review": REVIEW_BUDGET, "answer": ANSWER_BUDGET}


def next_state(state: str, action: str, reviewed: bool = False) -> str | None:
    """The state after ``action``, or None if it is not allowed now. The agency's answer
    (``supply_information``) returns a waiting request to where it was (``reviewed``: it had passed
    the review)."""
    if action == "supply_information":
        return (REVIEWED if reviewed else SUBMITTED) if state == WAITING else None
    return MOVES.get((state, action))


def runs_in(state: str) -> bool:
    """The clock runs while the department owes the agency a step."""
    return state in DEADLINE_OF


def due(clock: SlaClock, state: str, calendar: WorkCalendar) -> dt.datetime | None:
    """When the deadline the request is running against runs out; None while it waits or is answered."""
    deadline = DEADLINE_OF.get(state)
    return clock.due(BUDGETS[deadline], calendar) if deadline else None


def overdue(clock: SlaClock, state: str, calendar: WorkCalendar, now: dt.datetime) -> str | None:
    """The deadline (``review`` or ``answer``) the request has missed by ``now``, if any."""
    deadline = DEADLINE_OF.get(state)
    if deadline is None:
        return None
    return deadline if clock.used(calendar, now) >= BUDGETS[deadline] else None


def moved_clock(clock: SlaClock, after: str, calendar: WorkCalendar, now: dt.datetime) -> SlaClock:
    """The clock after a move: paused while waiting or answered, restarted when the agency answers."""
    if clock.running and not runs_in(after):
        return clock.pause(calendar, now)
    if runs_in(after) and not clock.running:
        return clock.start(now)
    return clock
