"""The generated authorization matrix: every operation of a service's OpenAPI document x every
staff role x five unit levels relative to the object acted on, each call against the same
seeded SQLite database, compared with the answer the rule for that operation expects.

A service's test declares one ``Rule`` per operation (method and path exactly as in its
OpenAPI document). An operation without a rule fails the test, so no endpoint can skip
the matrix. Every refusal must be a problem+json response and leave the database byte
for byte as it was: the file is restored from the seed before each call, and compared
after each refusal (all connections closed, so the write-ahead log is folded in).

One object per operation is not enough: an action can reach objects other than the one
in its path. So a rule may also say where the rows of a list answer must lie
(``listed_units``: every row in the caller's subtree, or above it where reads go up),
and ``references`` are calls by a caller entitled to the operation whose body or effects
reach an object outside their scope (a person, a branch or a round of a sibling or of
another county, a round above them that the change would recompute): each must be
refused with a problem and change nothing.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from chassis import units
from chassis.auth import ROLES, Principal
from tests.support.tokens import ISSUER

#: How a caller's unit relates to the unit of the object acted on.
LEVEL_NAMES = ("own", "parent", "child", "sibling", "other county")
ANY_LEVEL = frozenset(LEVEL_NAMES)
#: The caller's unit contains the object's: the rule for every action.
SUBTREE = frozenset({"own", "parent"})


@dataclasses.dataclass(frozen=True)
class Rule:
    #: (client, headers, seed) -> response: one concrete call of the operation.
    call: Callable
    #: Roles that may call it (``admin`` implies all but the separated duties); None: every staff role.
    roles: tuple[str, ...] | None = None
    #: Levels allowed to call it.
    levels: frozenset[str] = SUBTREE
    #: Status of an allowed call.
    ok: int = 200
    #: Status of a refusal by level; a level missing here answers ``out_of_scope``.
    refused: dict[str, int] = dataclasses.field(default_factory=dict)
    out_of_scope: int = 404
    #: "staff" (JWT), "public" (no account: the token is ignored) or "agency" (API key: a staff token is refused).
    audience: str = "staff"
    #: (response, seed) -> whether the seeded object is in the answer; checked against the level for lists.
    shows_object: Callable | None = None
    visible_at: frozenset[str] = SUBTREE
    #: (response) -> the unit codes of every row of a list answer; each must lie in the caller's subtree,
    #: or above the caller when ``lists_above`` (rounds are read from the units below them).
    listed_units: Callable | None = None
    lists_above: bool = False

    def expected(self, role: str, level: str) -> int:
        if self.audience == "public":
            return self.ok
        if self.audience == "agency":
            return 401
        if self.roles is not None and not Principal("x", "x", frozenset({role}), "370783000000").has_role(*self.roles):
            return 403
        if level not in self.levels:
            return self.refused.get(level, self.out_of_scope)
        return self.ok


@dataclasses.dataclass(frozen=True)
class Reference:
    """A call by ``role`` at ``level`` (entitled to the operation on its own object) that names or
    reaches an object outside the caller's scope; it must answer one of ``refused`` and write nothing."""

    name: str
    call: Callable
    role: str
    refused: tuple[int, ...] = (404, 422)
    level: str = "own"


def in_reach(caller: str, unit: str, above: bool) -> bool:
    """``unit`` lies in the caller's subtree, or (``above``) the caller lies in ``unit``'s."""
    try:
        return units.in_subtree(caller, unit) or (above and units.in_subtree(unit, caller))
    except units.InvalidUnitCode:
        return False


def operations(client) -> set[tuple[str, str]]:
    doc = client.get("/openapi.json").get_json()
    methods = {"get", "post", "put", "patch", "delete"}
    return {(m.upper(), path) for path, item in doc["paths"].items() for m in item if m in methods}


#: Written on purpose by refusals: the counters that rate-limit failed attempts, and the gateway's
#: record of look-ups of a person's disclosure record (failed ones too, so probing leaves a trace).
COUNTERS = frozenset({"rate_windows", "disclosure_lookups"})


class Snapshot:
    """The seeded SQLite file, restored before each call; after each refusal every table but the
    rate-limit counters must hold exactly the rows it held (compared row by row)."""

    def __init__(self, engine: sa.Engine):
        self.engine, self.path = engine, Path(engine.url.database)
        self.engine.dispose()
        self.seed = self.path.read_bytes()
        self.rows = self._rows()

    def restore(self) -> None:
        self.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.write_bytes(self.seed)

    def unchanged(self) -> bool:
        self.engine.dispose()
        return self.path.read_bytes() == self.seed or self._rows() == self.rows

    def _rows(self) -> dict[str, list]:
        meta = sa.MetaData()
        meta.reflect(self.engine)
        with self.engine.connect() as conn:
            return {
                name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                for name, table in meta.tables.items()
                if name not in COUNTERS
            }


def run(client, engine: sa.Engine, seed: dict, matrix: dict, levels: dict[str, str]) -> tuple[int, list[tuple]]:
    """Every operation x role x level; returns (calls made, mismatches). The service under test
    trusts ``tests.support.tokens.ISSUER``."""
    snapshot = Snapshot(engine)
    mismatches, calls = [], 0
    for (method, path), rule in sorted(matrix.items()):
        for role, level in itertools.product(ROLES, LEVEL_NAMES):
            unit = levels[level]
            headers = {"Authorization": f"Bearer {ISSUER.issue(f'{role}@{unit}', [role], unit)}"}
            snapshot.restore()
            r = rule.call(client, headers, seed)
            calls += 1
            want = rule.expected(role, level)
            problem = r.status_code < 400 or r.mimetype == "application/problem+json"
            if r.status_code != want or not problem:
                mismatches.append((method, path, role, level, want, r.status_code, r.get_data(as_text=True)[:160]))
            elif want >= 400 and not snapshot.unchanged():
                mismatches.append((method, path, role, level, "refused but wrote to the database"))
            elif rule.shows_object is not None and want < 400:
                if rule.shows_object(r, seed) != (level in rule.visible_at):
                    mismatches.append(
                        (
                            method,
                            path,
                            role,
                            level,
                            "object shown" if level not in rule.visible_at else "object missing",
                        )
                    )
            if rule.listed_units is not None and want < 400 and r.status_code < 400:
                if strays := [u for u in rule.listed_units(r) if not in_reach(unit, u, rule.lists_above)]:
                    mismatches.append(
                        (method, path, role, level, f"lists rows outside the scope: {sorted(set(strays))}")
                    )
    snapshot.restore()
    return calls, mismatches


def run_references(client, engine: sa.Engine, seed: dict, references, levels: dict[str, str]) -> list:
    """Each reference call, from the seed; returns the mismatches (wrong answer, or a refusal that wrote)."""
    snapshot = Snapshot(engine)
    mismatches = []
    for ref in references:
        unit = levels[ref.level]
        headers = {"Authorization": f"Bearer {ISSUER.issue(f'{ref.role}@{unit}', [ref.role], unit)}"}
        snapshot.restore()
        r = ref.call(client, headers, seed)
        if r.status_code not in ref.refused or r.mimetype != "application/problem+json":
            mismatches.append((ref.name, ref.refused, r.status_code, r.get_data(as_text=True)[:160]))
        elif not snapshot.unchanged():
            mismatches.append((ref.name, "refused but wrote to the database"))
    snapshot.restore()
    return mismatches
