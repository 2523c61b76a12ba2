"""Event contracts: for each event type, its topic, its marshmallow schema and a summary.

Producers validate ``data`` against the schema before writing to the outbox;
consumers look a type up here and ignore types they do not know. A breaking
change gets a new ``.vN`` type beside the old one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, validate


class FullMatch(validate.Regexp):
    """``validate.Regexp`` matched against the whole value (``re.fullmatch``): with ``match``, a
    pattern's ``$`` also lets a trailing newline through. Documented as the same ``pattern``."""

    def __call__(self, value):
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


_NOT_A_UNIT = "须为12位行政区划代码 / must be a 12-digit admin unit code"
#: The one validator of a 12-digit admin unit code, in events and in every API schema: ASCII
#: digits only (not other scripts' digits), the whole value (no trailing newline).
UNIT_CODE = [validate.Length(equal=12, error=_NOT_A_UNIT), FullMatch(r"^[0-9]{12}$", error=_NOT_A_UNIT)]


@dataclasses.dataclass(frozen=True)
class EventContract:
    type: str
    topic: str
    schema: type[Schema]
    summary: str

    @functools.cached_property  # read for every event the gateway filters
    def fields(self) -> dict[str, bool | str]:
        """The data fields this event carries, each with its ``sensitive`` mark: ``True`` (sensitive
        by itself), ``"values"`` (may hold sensitive values, see ``chassis.sensitive``) or False."""
        return {
            f.data_key or name: f.metadata.get("sensitive") or False for name, f in self.schema._declared_fields.items()
        }

    @property
    def name(self) -> str:
        """A short CamelCase message name, e.g. ``PersonRegisteredV1``."""
        parts = self.type.removeprefix("cn.tongxin.").split(".")
        return "".join(p.replace("_", " ").title().replace(" ", "") for p in parts[1:])


class UnknownEventType(KeyError):
    pass


_CONTRACTS: dict[str, EventContract] = {}


def register(contract: EventContract) -> EventContract:
    if contract.type in _CONTRACTS:
        raise ValueError(f"event type registered twice: {contract.type}")
    _CONTRACTS[contract.type] = contract
    return contract


def contract_for(event_type: str) -> EventContract:
    _load_all()
    try:
        return _CONTRACTS[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def all_contracts() -> list[EventContract]:
    _load_all()
    return sorted(_CONTRACTS.values(), key=lambda c: (c.topic, c.type))


@functools.cache
def _schema(event_type: str) -> Schema:
    # Schema instances are reusable for load/dump; building one per event is the slow part.
    return contract_for(event_type).schema()


def validate_data(event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an event's data against its contract; raises ValidationError or UnknownEventType.

    The data is returned as given (dates are written as ISO strings by the envelope):
    loading proves the contract holds; dumping it again would only cost time.
    """
    _schema(event_type).load(data)
    return dict(data)


def _load_all() -> None:
    # Importing the per-topic modules registers their contracts.
    from chassis.contracts import evaluation, gateway, registry, servicedesk  # noqa: F401
