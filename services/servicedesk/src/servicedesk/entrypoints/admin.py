"""Operator commands for the service desk.

servicedesk-admin migrate     # create or upgrade the schema (Alembic) and add missing default categories
"""

from __future__ import annotations

import argparse
import sys

from chassis.settings import exit_if_unsafe
from servicedesk.bootstrap import bootstrap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="servicedesk-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args(argv)
    desk = bootstrap()
    exit_if_unsafe(desk.settings, "admin")  # the service\'s secrets, same rule (no Kafka here)
    desk.migrate()
    print("servicedesk: schema at head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
