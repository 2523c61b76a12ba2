"""Operator commands for the sharing gateway.

gateway-admin migrate                       # schema (Alembic), agencies from the policies, ledger head
gateway-admin check-policies                # load every policy and say what is wrong, if anything
gateway-admin issue-key AGENCY              # a new API key (printed once); older keys expire after the overlap
gateway-admin verify-ledger                 # check the disclosure ledger's hash chain
gateway-admin dry-run POLICY.toml [--from-beginning] [--max N]
                                            # what the agency would have received under a draft policy
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from kafka import TopicPartition

from chassis import kafka
from chassis.events import Envelope
from chassis.topics import EVALUATION, REGISTRY_PERSON, SERVICEDESK
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import policy as policies
from sharing_gateway.service_layer import agencies, approvals, ledger
from sharing_gateway.service_layer.read_model import roles_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gateway-admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate")
    sub.add_parser("check-policies")
    key = sub.add_parser("issue-key")
    key.add_argument("agency")
    key.add_argument("--overlap-days", type=int, default=None)
    sub.add_parser("verify-ledger")
    dry = sub.add_parser("dry-run")
    dry.add_argument("policy", type=Path)
    dry.add_argument("--max", type=int, default=1000, help="at most this many source events per topic")
    args = parser.parse_args(argv)

    if args.command == "check-policies":
        try:
            found = policies.load_dir(Path(GatewaySettings.from_env().policy_dir))
        except policies.PolicyError as exc:
            print(f"policy refused: {exc}", file=sys.stderr)
            return 2
        for p in found.values():
            print(f"{p.version_label}: {len(p.shares)} event types, notices {list(p.notice_types)}")
        return 0
    gw = bootstrap()
    if args.command == "migrate":
        gw.migrate()
        print("sharing-gateway: schema at head; agencies:", ", ".join(gw.policies))
    elif args.command == "issue-key":
        overlap = dt.timedelta(days=gw.settings.key_overlap_days if args.overlap_days is None else args.overlap_days)
        with gw.engine.begin() as conn:  # the operator's own channel, for a new deployment; in the ledger too
            key = agencies.issue_key(conn, args.agency, "gateway-admin", overlap)
            approvals.record_operator_key(conn, args.agency, "gateway-admin CLI")
        print(key)
    elif args.command == "verify-ledger":
        with gw.engine.connect() as conn:
            verdict = ledger.verify(conn)
        print(json.dumps(verdict.as_dict(), ensure_ascii=False))
        return 0 if verdict.ok else 1
    elif args.command == "dry-run":
        return dry_run(gw, args.policy, args.max)
    return 0


def dry_run(gw, path: Path, limit: int) -> int:
    """Read the source topics from the beginning and print, as JSON lines, what the draft
    policy would have delivered. Nothing is written: no feed, no ledger, no offsets."""
    try:
        draft = policies.parse(path.read_text(encoding="utf-8"), str(path))
    except policies.PolicyError as exc:
        print(f"policy refused: {exc}", file=sys.stderr)
        return 2
    consumer = kafka.make_consumer(gw.settings.kafka_bootstrap_servers, group_id=None)
    shown = withheld = 0
    try:
        for topic in (REGISTRY_PERSON, EVALUATION, SERVICEDESK):
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            if not partitions:
                continue
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            seen = 0
            while seen < limit and any(consumer.position(tp) < end[tp] for tp in partitions):
                for records in consumer.poll(timeout_ms=1000).values():
                    for record in records:
                        seen += 1
                        envelope = Envelope.from_json(record.value)
                        if draft.share_for(envelope.type) is None:
                            continue
                        with gw.engine.connect() as conn:
                            before = roles_of(conn, envelope.data.get("person_id"))
                        if not (
                            policies.in_region(draft, envelope.data)
                            and policies.in_audience(draft, envelope.type, envelope.data, before)
                        ):
                            withheld += 1
                            continue
                        data = policies.apply(draft, envelope.type, envelope.data, gw.settings.transform_digest_key())
                        print(
                            json.dumps(
                                {
                                    "topic": topic,
                                    "offset": record.offset,
                                    "type": envelope.type,
                                    "time": envelope.time,
                                    "data": data,
                                },
                                ensure_ascii=False,
                            )
                        )
                        shown += 1
    finally:
        consumer.close()
    print(
        f"# {draft.version_label}: {shown} events would be delivered, {withheld} withheld by region or audience",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
