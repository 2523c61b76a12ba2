"""Operator commands for the supervision service.

supervision-admin migrate                                        # create or upgrade the schema (Alembic)
supervision-admin close-month 2026-10 --by 张三 --reason "..."     # keep October's figures as they are now
supervision-admin recalculate 2026-10 --by 张三 --reason "..."     # recompute a closed month (late events), recorded,
                                                                 # under its own scheme version (or --scheme 2026.2)
supervision-admin months                                         # the closed months and their digests

Closing and recalculating are recorded with who, when, why, the scheme version and digest and
the snapshot's digest (``service_layer.months_of_record``).
"""

from __future__ import annotations

import argparse
import sys

from chassis.errors import AppError
from chassis.settings import exit_if_unsafe
from supervision.bootstrap import bootstrap
from supervision.service_layer import months_of_record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="supervision-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["migrate", "close-month", "recalculate", "months"])
    parser.add_argument("month", nargs="?")
    parser.add_argument("--by", help="the operator, as recorded")
    parser.add_argument("--reason", default="", help="why, as recorded")
    parser.add_argument("--scheme", help="recalculate: the scheme version to score under (default: the month's own)")
    args = parser.parse_args(argv)
    sv = bootstrap()
    exit_if_unsafe(sv.settings, "admin")  # the service's secrets, same rule (no Kafka here)
    if args.command == "migrate":
        sv.migrate()
        print("supervision: schema at head")
        return 0
    if args.command == "months":
        with sv.uow() as uow:
            for c in uow.supervision.closures():
                print(f"{c.month} closed {c.closed_at:%Y-%m-%d %H:%M} by {c.closed_by}; scheme {c.scheme_version} "
                      f"{c.scheme_digest[:12]}; snapshot {c.snapshot_digest}")  # fmt: skip
        return 0
    if not args.month or not args.by:
        parser.error(f"{args.command} needs a month and --by")
    if args.scheme and args.command != "recalculate":
        parser.error("--scheme is for recalculate: a month is closed under the current scheme (SCHEME_VERSION)")
    try:
        if args.command == "close-month":
            closure = months_of_record.close_month(sv.uow, sv.scheme, args.month, args.by, args.reason, sv.clock())
        else:
            closure = months_of_record.recalculate(sv.uow, args.month, args.by, args.reason, sv.clock(), args.scheme)
    except AppError as exc:
        print(f"supervision: {exc.detail_zh} / {exc.detail_en}", file=sys.stderr)
        return 2
    done = f"{closure.month} {args.command}: scheme {closure.scheme_version}, snapshot {closure.snapshot_digest}"
    print(f"supervision: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
