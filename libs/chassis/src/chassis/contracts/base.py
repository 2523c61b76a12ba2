"""The parts of an event contract, and the one table of registered contracts that each topic's
module fills at import (``register``). ``chassis.contracts`` imports every topic's module, so
looking a type up there always sees them all; the topic modules import only this one.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import re
from typing import Any, cast

from marshmallow import Schema, ValidationError, validate

from chassis.errors import Bilingual


class FullMatch(validate.Regexp):
    """``validate.Regexp`` matched against the whole value (``re.fullmatch``): with ``match``, a
    pattern's ``$`` also lets a trailing newline through. Documented as the same ``pattern``."""

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or cast("re.Pattern[str]", self.regex).fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


#: The one validator of a 12-digit admin unit code, in events and in every API schema: ASCII
#: digits only (not other scripts' digits), the whole value (no trailing newline); one message.
UNIT_CODE = [FullMatch(r"^[0-9]{12}$", error=Bilingual("must be a 12-digit admin unit code", "须为12位行政区划代码"))]


@dataclasses.dataclass(frozen=True)
class EventContract:
    type: str
    topic: str
    schema: builtins.type[Schema]  # ``type`` is the field above
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


REGISTERED: dict[str, EventContract] = {}


def register(contract: EventContract) -> EventContract:
    if contract.type in REGISTERED:
        raise ValueError(f"event type registered twice: {contract.type}")
    REGISTERED[contract.type] = contract
    return contract
