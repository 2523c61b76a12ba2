"""The life of a service request (诉求), as a table of legal moves.

    submitted -> accepted -> in_progress <-> waiting -> resolved -> closed
    submitted/accepted/reopened -> rejected;  resolved/closed -> reopened -> in_progress

``waiting`` (on the member or a third party) pauses the SLA clocks. Accepting is the
first response; resolving stops the resolution clock. Anything not in the table is
refused, whoever asks.
"""

from __future__ import annotations

import dataclasses

STATES = ("submitted", "accepted", "in_progress", "waiting", "resolved", "closed", "rejected", "reopened")
OPEN_STATES = ("submitted", "accepted", "in_progress", "waiting", "reopened")
PRIORITIES = ("normal", "high", "urgent")


@dataclasses.dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[str, ...]
    target: str
    zh: str
    needs_note: bool = False


MOVES = {
    m.action: m
    for m in (
        Move("accept", ("submitted",), "accepted", "受理"),
        Move("start", ("accepted", "reopened"), "in_progress", "开始办理"),
        Move("wait", ("in_progress",), "waiting", "等待（暂停计时）", needs_note=True),
        Move("resume", ("waiting",), "in_progress", "恢复办理"),
        Move("resolve", ("in_progress",), "resolved", "办结", needs_note=True),
        Move("close", ("resolved",), "closed", "关闭（回访满意度）"),
        Move("reject", ("submitted", "accepted", "reopened"), "rejected", "不予受理", needs_note=True),
        Move("reopen", ("resolved", "closed"), "reopened", "重新办理", needs_note=True),
    )
}


class IllegalMove(Exception):
    def __init__(self, state: str, action: str):
        super().__init__(f"cannot {action} a request that is {state}")
        self.state, self.action = state, action


def next_state(state: str, action: str) -> str:
    move = MOVES.get(action)
    if move is None or state not in move.sources:
        raise IllegalMove(state, action)
    return move.target


def allowed_actions(state: str) -> list[str]:
    return [m.action for m in MOVES.values() if state in m.sources]
