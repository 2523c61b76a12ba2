r"""Administrative units and scope: 12-digit statistical division codes.

Code layout (GB/T 2260 + township and village parts): province 2, city 2, county 2,
town 3, village/community 3. A unit's subtree is every code sharing its
significant prefix: a county (``370783000000``) sees ``370783*``, a town
(``370783001000``) sees ``370783001*``, a community sees only itself.

A code must be exactly twelve ASCII digits (a full match: ``\d`` and ``$`` would also
let other scripts' digits and a trailing newline through); ``normalise`` turns
full-width digits and surrounding spaces into the plain form first.
"""

from __future__ import annotations

import re
import unicodedata

_CODE = re.compile(r"[0-9]{12}")
#: (level, length of the significant prefix), from the narrowest level up.
_LEVELS = (("village", 12), ("town", 9), ("county", 6), ("city", 4), ("province", 2))


class InvalidUnitCode(ValueError):
    pass


def normalise(code: str) -> str:
    """NFKC (full-width ０-９ become ASCII) and surrounding spaces removed."""
    return unicodedata.normalize("NFKC", code).strip() if isinstance(code, str) else code


def is_code(code: object) -> bool:
    """Whether ``code`` is exactly 12 ASCII digits (no surrounding space, no other script's digits)."""
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def check(code: str) -> str:
    if not is_code(code):
        raise InvalidUnitCode(f"admin unit code must be 12 digits: {code!r}")
    return code


def level(code: str) -> str:
    """'province', 'city', 'county', 'town' or 'village'."""
    return _classify(check(code))[0]


def scope_prefix(code: str) -> str:
    """The prefix every code in ``code``'s subtree starts with."""
    return code[: _classify(check(code))[1]]


def in_subtree(scope_unit: str, unit: str) -> bool:
    """True if ``unit`` lies in the subtree of ``scope_unit`` (inclusive)."""
    return check(unit).startswith(scope_prefix(scope_unit))


def parent(code: str) -> str | None:
    """The code of the next unit up, or None for a province."""
    _, length = _classify(check(code))
    uppers = [n for _, n in _LEVELS if n < length]
    if not uppers:
        return None
    keep = uppers[0]
    return code[:keep] + "0" * (12 - keep)


def _classify(code: str) -> tuple[str, int]:
    for name, length in _LEVELS:
        if code[length:].strip("0") == "" and code[length - (3 if length > 6 else 2) : length].strip("0") != "":
            return name, length
    return "province", 2
