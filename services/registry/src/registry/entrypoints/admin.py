"""Operator commands for the registry.

registry-admin migrate            # upgrade the schema (Alembic), re-key ID digests if the key changed, load units
registry-admin load-units         # add shipped admin units that are missing (idempotent)
registry-admin rekey-id-digests   # recompute digests under the current ID-digest key and announce them
"""

from __future__ import annotations

import argparse
import sys

from chassis.settings import exit_if_unsafe
from registry.bootstrap import bootstrap, exit_if_key_changed
from registry.service_layer.rekey import rekey_id_digests
from registry.service_layer.units import load_shipped_units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="registry-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["migrate", "load-units", "rekey-id-digests"])
    args = parser.parse_args(argv)
    registry = bootstrap()
    exit_if_unsafe(registry.settings, "admin")  # the service\'s secrets, same rule (no Kafka here)
    if args.command == "migrate":
        registry.migrate()
        print("registry: schema at head")
    exit_if_key_changed(registry)
    if args.command in ("migrate", "rekey-id-digests"):
        rekeyed = rekey_id_digests(registry.uow, registry.settings.id_digest_key().key_id)
        print(f"registry: {rekeyed} ID digests re-keyed")
    added = load_shipped_units(registry.engine)
    print(f"registry: {added} admin units added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
