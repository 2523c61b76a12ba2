"""引资引智, 银企对接, 科技对接: the rules of matchmaking events and their outcomes, kept pure.

An outcome follows up what an event agreed: ``agreed -> in_progress -> completed``, and any
open outcome may fall through (``fallen_through``). Money is integer fen, parsed from exact
decimal text: a JSON number (a float on the way in) is refused, as are fractions of a fen.
"""

from __future__ import annotations

import re
from decimal import Decimal

KINDS = {"investment_talent": "引资引智", "bank_enterprise": "银企对接", "technology": "科技对接"}
PARTICIPANT_ROLES = {"enterprise": "企业", "bank": "金融机构", "expert": "专家", "project": "项目"}
#: What an outcome is, and what it must state: an amount (yuan), people placed, or both allowed.
OUTCOME_KINDS = {"project_signed": "项目签约", "loan_granted": "贷款发放", "people_placed": "人才引进/就业安置"}
NEEDS_AMOUNT = ("project_signed", "loan_granted")
STATES = {"agreed": "已达成", "in_progress": "推进中", "completed": "已落地", "fallen_through": "未落实"}
MOVES = {
    "agreed": ("in_progress", "completed", "fallen_through"),
    "in_progress": ("completed", "fallen_through"),
    "completed": (),
    "fallen_through": (),
}
#: Ten billion yuan: more than any county signs at once; a larger figure is a typing error.
MAX_FEN = 10_000_000_000 * 100
_AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")


class IllegalMove(Exception):
    def __init__(self, state: str, wanted: str):
        super().__init__(f"an outcome that is {state} cannot become {wanted}")
        self.state, self.wanted, self.allowed = state, wanted, list(MOVES.get(state, ()))


class BadAmount(ValueError):
    pass


def move(state: str, wanted: str) -> str:
    if wanted not in MOVES.get(state, ()):
        raise IllegalMove(state, wanted)
    return wanted


def to_fen(value: object) -> int:
    """``"23000000.50"`` -> 2300000050. Only text of ASCII digits with at most two decimals: a float
    cannot hold every fen exactly, and exponents or other scripts' digits are no way to write money."""
    if not isinstance(value, str):
        raise BadAmount('send the amount as text, e.g. "1500000.00"')
    if _AMOUNT.fullmatch(value.strip()) is None:
        raise BadAmount("digits with at most two decimals (fen)")
    fen = int(Decimal(value.strip()) * 100)
    if fen <= 0:
        raise BadAmount("the amount must be positive")
    if fen > MAX_FEN:
        raise BadAmount("the amount is implausibly large")
    return fen


def yuan(fen: int) -> str:
    """2300000050 -> ``"23000000.50"``: exact text, as every API answer gives money."""
    return f"{fen // 100}.{fen % 100:02d}"


def counts(kind: str, state: str) -> bool:
    """Whether an outcome counts in the figures: whatever has not fallen through."""
    return state != "fallen_through" and kind in OUTCOME_KINDS
