"""Operator commands for the evaluation service.

evaluation-admin migrate     # create or upgrade the schema (Alembic)
"""

from __future__ import annotations

import argparse
import sys

from chassis.settings import exit_if_unsafe
from evaluation.bootstrap import bootstrap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="evaluation-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args(argv)
    ev = bootstrap()
    exit_if_unsafe(ev.settings, "admin")  # the service\'s secrets, same rule (no Kafka here)
    ev.migrate()
    print("evaluation: schema at head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
