"""Stability reports (涉稳信息反馈): the kinds, the severities, the states and how a report moves.

Staff report a matter straight away (not through a member's request). A report is received,
then handled, then closed; both staff and public security's notices move it, and a move only
goes forward, so a notice that arrives late or twice never takes a report back. Only a severe
report is shared, with public security, for emergency coordination.
"""

from __future__ import annotations

#: What a report is about. Ethnic and religious matters are sensitive personal information by
#: implication (PIPL Art. 28): the category stays in the service desk, never in an event or a log.
CATEGORIES = ("ethnic", "religious", "labour_dispute", "petition", "gathering")
SENSITIVE_CATEGORIES = frozenset({"ethnic", "religious"})
SEVERITIES = ("general", "serious", "severe")
#: The states in the order a report goes through them.
STATES = ("received", "handling", "closed")
#: Staff's moves: the state each leads to, and the states it may start from.
MOVES = {"handle": ("handling", ("received",)), "close": ("closed", ("received", "handling"))}
#: What each of public security's notices says of the report's state.
NOTICE_STATES = {"stability_received": "received", "stability_handling": "handling", "stability_closed": "closed"}


class IllegalMove(ValueError):
    pass


def shared_with_police(severity: str) -> bool:
    """Whether a report goes to public security's feed: severe ones only."""
    return severity == "severe"


def raises_severity(current: str, new: str) -> bool:
    """Whether ``new`` is graver than ``current``: a report's severity only ever goes up."""
    return SEVERITIES.index(new) > SEVERITIES.index(current)


def next_state(state: str, move: str) -> str:
    """The state staff's ``move`` leads to from ``state``; IllegalMove if it may not start there."""
    target, starts = MOVES[move]
    if state not in starts:
        raise IllegalMove(f"cannot {move} a report that is {state}")
    return target


def allowed_moves(state: str) -> list[str]:
    return [move for move, (_, starts) in MOVES.items() if state in starts]


def advanced(state: str, reported: str) -> str:
    """The state after a notice that says the report is ``reported``: forward only."""
    return reported if STATES.index(reported) > STATES.index(state) else state


def people_involved(person_ids: list[str], others: int) -> int:
    """How many people a report involves: the registered ones named, and the others counted."""
    return len(set(person_ids)) + others
