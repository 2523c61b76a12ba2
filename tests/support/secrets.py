"""Strong random secrets for tests, so services run as in production (not development mode).

One value per setting name for the whole test process: services that must share a key
(the ID-digest key of the registry and the gateway) get the same one.
"""

from __future__ import annotations

import functools
import secrets

from chassis.settings import secret_fields


@functools.cache
def _value(name: str) -> str:
    return secrets.token_urlsafe(48)


def strong_secrets(settings_class: type) -> dict[str, str]:
    """``{field: random value}`` for every secret field of ``settings_class``; a secret that is off
    by default (empty, ``empty_disables``: e.g. the previous ID-digest keys) stays off."""
    return {
        f.name: "" if f.default == "" and f.metadata.get("empty_disables") else _value(f.name)
        for f in secret_fields(settings_class)
    }


def strong_secret_environment(*settings_classes: type) -> dict[str, str]:
    """The same values as environment variables (upper-cased names), for services run as processes."""
    return {k.upper(): v for cls in settings_classes for k, v in strong_secrets(cls).items()}
