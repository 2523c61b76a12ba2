"""Sharing policies as files: what one partner agency may receive and send, declared in TOML.

One TOML file per agency under ``deploy/policies/``::

    agency = "cppcc"                       # the feed is feed.cppcc.v1
    name = "寿光市政协"
    version = 3                            # bump on every change; the ledger records it
    purpose = "政协委员推荐、履职与资格管理"
    legal_basis = "《个人信息保护法》第十三条第一款第（三）项；《政协章程》"
    region = "370783000000"                # only events about people/units in this subtree
    audience = { body = "cppcc" }          # or "own_notices" or "everyone" (see below)
    notice_types = ["membership_confirmed", "membership_ended"]

    [[share]]
    event = "cn.tongxin.registry.person.representative_changed.v1"
    fields = ["person_id", "name", "unit_code", "representative_roles", "previous_roles", "categories"]
    transforms = { name = "mask" }
    purposes = { categories = "核对委员界别" }   # sensitive values need their own purpose

Anything not listed is dropped. Transforms: ``mask`` (a name: 王*明), ``digest`` (an
HMAC keyed per agency, so two agencies cannot join their data), ``year`` (a date
coarsened to its year) and ``drop`` (listed for the record, never sent).

Sensitive data (``chassis.sensitive``): a field the contract marks ``sensitive: True``
needs its own purpose; a field marked ``sensitive: "values"`` (``categories``) is
granted without one but loses every sensitive value (a religious or ethnic
category) unless the share names a purpose for it.

Audience (for the whole policy, or per ``[[share]]`` with its own ``audience``):
``{ body = "npc" }`` means only events about people who are (or, for the
event that ends it, were) representatives in that body, or decisions naming that
body; ``"own_notices"`` means only outcomes of notices this agency sent;
``"everyone"`` means every event of the granted types in the region.

The data catalogue (``chassis.catalogue``) classes every field: a field classed 不予共享
(``not_shared``) cannot be granted (listing it with ``drop`` only records that it is withheld);
a 有条件共享 (``conditional``) field is granted for the policy's ``purpose`` under its
``legal_basis``, which every policy must state; 无条件共享 fields need nothing more.

Loading refuses a policy that names an unknown event type, a field the event does
not carry, a field the catalogue does not share, a sensitive field without a purpose,
or an unknown transform: the gateway does not start on a policy it cannot honour exactly.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from chassis import units
from chassis.catalogue import SharingClass, items_by_key
from chassis.contracts import UnknownEventType, contract_for
from sharing_gateway.domain.policy import NOTICE_TYPES, TRANSFORMS, Policy, PolicyError, Share


def parse(text: str, source: str = "<policy>") -> Policy:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from None
    problems: list[str] = []

    def need(key: str, kind: type) -> Any:
        value = raw.get(key)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            problems.append(f"'{key}' is required ({kind.__name__})")
        return value

    agency, name, version = need("agency", str), need("name", str), need("version", int)
    purpose, legal_basis, region = need("purpose", str), need("legal_basis", str), need("region", str)
    if isinstance(region, str):
        try:
            units.check(region)
        except Exception:
            problems.append(f"region {region!r} is not a 12-digit admin unit code")
    audience = _audience(raw.get("audience"), problems, "audience")
    notice_types = tuple(raw.get("notice_types", ()))
    for n in notice_types:
        if n not in NOTICE_TYPES:
            problems.append(f"unknown notice type {n!r} (known: {', '.join(NOTICE_TYPES)})")
    shares: dict[str, Share] = {}
    for i, entry in enumerate(raw.get("share", [])):
        shares_problem = _check_share(entry, i)
        problems += shares_problem
        if not shares_problem:
            share = Share(
                entry["event"],
                tuple(entry["fields"]),
                dict(entry.get("transforms", {})),
                dict(entry.get("purposes", {})),
                _audience(entry["audience"], problems, f"share[{i}] audience") if "audience" in entry else None,
            )
            if share.event in shares:
                problems.append(f"share[{i}]: {share.event} is granted twice")
            shares[share.event] = share
    unknown = set(raw) - {
        "agency", "name", "version", "purpose", "legal_basis", "region", "audience", "notice_types", "share",
    }  # fmt: skip
    if unknown:
        problems.append(f"unknown keys: {', '.join(sorted(unknown))}")
    if problems or audience is None:  # an unreadable audience is among the problems
        raise PolicyError(f"{source}: " + "; ".join(problems))
    return Policy(
        agency,
        name,
        version,
        purpose,
        legal_basis,
        region,
        audience,
        notice_types,
        shares,
        hashlib.sha256(text.encode()).hexdigest(),
    )


def _audience(value: Any, problems: list[str], where: str) -> str | tuple[str, str] | None:
    if isinstance(value, dict) and set(value) == {"body"} and isinstance(value["body"], str):
        return ("body", value["body"])
    if value in ("own_notices", "everyone"):
        return str(value)
    problems.append(f'{where} must be {{ body = "..." }}, "own_notices" or "everyone"')
    return None


def _check_share(entry: Any, i: int) -> list[str]:
    where = f"share[{i}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("event"), str):
        return [f"{where}: needs an 'event'"]
    event = entry["event"]
    where = f"share[{i}] {event}"
    try:
        known = contract_for(event).fields
    except UnknownEventType:
        return [f"{where}: unknown event type"]
    fields_ = entry.get("fields")
    if not isinstance(fields_, list) or not fields_ or not all(isinstance(f, str) for f in fields_):
        return [f"{where}: 'fields' must list the granted fields"]
    problems = [f"{where}: unknown field {f!r}" for f in fields_ if f not in known]
    transforms, purposes = entry.get("transforms", {}), entry.get("purposes", {})
    for f, t in transforms.items():
        if t not in TRANSFORMS:
            problems.append(f"{where}: unknown transform {t!r} for {f!r} (known: {', '.join(TRANSFORMS)})")
        if f not in fields_:
            problems.append(f"{where}: transform for {f!r}, which is not granted")
    for f in fields_:
        if known.get(f) is True and transforms.get(f) != "drop" and not str(purposes.get(f, "")).strip():
            problems.append(f"{where}: sensitive field {f!r} needs an explicit purpose in 'purposes'")
    problems += [
        f"{where}: field {f!r} is classed 不予共享 (not_shared) in the data catalogue and cannot be granted"
        for f in fields_
        if f in known and transforms.get(f) != "drop" and items_by_key()[(event, f)].sharing is SharingClass.NOT_SHARED
    ]
    problems += [f"{where}: purpose for {f!r}, which is not granted" for f in purposes if f not in fields_]
    problems += [
        f"{where}: unknown key {k!r}" for k in set(entry) - {"event", "fields", "transforms", "purposes", "audience"}
    ]
    return problems


def load_dir(directory: Path) -> dict[str, Policy]:
    """Every ``*.toml`` policy in ``directory``, by agency; refuses duplicates and bad files."""
    policies: dict[str, Policy] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise PolicyError(f"{directory}: no policy files")
    for path in files:
        policy = parse(path.read_text(encoding="utf-8"), str(path))
        if policy.agency in policies:
            raise PolicyError(f"{path}: agency {policy.agency!r} already has a policy")
        if path.stem != policy.agency:
            raise PolicyError(f"{path}: the file of agency {policy.agency!r} must be named {policy.agency}.toml")
        policies[policy.agency] = policy
    return policies


# --- applying a policy ---------------------------------------------------------------------
