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


#: Secrets the broker defines, not the test: ``KafkaSource.settings()`` gives the real one.
FROM_THE_BROKER = frozenset({"kafka_sasl_password"})


def strong_secrets(settings_class: type) -> dict[str, str]:
    """``{field: random value}`` for every secret field of ``settings_class`` but the Kafka
    password (it comes with ``KafkaSource.settings()``); a secret that is off by default (empty,
    ``empty_disables``: e.g. the previous ID-digest keys) stays off."""
    return {
        f.name: "" if f.default == "" and f.metadata.get("empty_disables") else _value(f.name)
        for f in secret_fields(settings_class)
        if f.name not in FROM_THE_BROKER
    }


def strong_secret_environment(*settings_classes: type) -> dict[str, str]:
    """Every secret as environment variables (upper-cased names), the Kafka password included,
    for processes started against no real broker (start-up checks)."""
    return {
        f.name.upper(): strong_secrets(cls).get(f.name, _value(f.name))
        for cls in settings_classes
        for f in secret_fields(cls)
    }
