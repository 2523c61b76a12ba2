"""Operator commands for the sharing gateway.

gateway-admin migrate                       # schema (Alembic), agencies from the policies, ledger head
gateway-admin check-policies                # load every policy and say what is wrong, if anything
gateway-admin issue-key AGENCY              # an agency's first API key (printed once), when a deployment is
                                            # set up; any later key needs two gateway admins (key-requests)
gateway-admin verify-ledger                 # check the disclosure ledger's hash chain
gateway-admin verify --checkpoints FILE [--keys JWKS]
                                            # ... and against the signed checkpoints an agency kept
                                            # (checkpoints, its feed entries or feed pages: JSON or JSON lines)
gateway-admin create-signing-key            # the gateway's first signing key (SIGNING_KEY_FILE); never overwrites
gateway-admin rotate-signing-key            # a new signing key; older ones stay published with their period
gateway-admin register-notice-key AGENCY PUBLIC.pem
                                            # an agency's first key it signs its notices with (operator channel,
                                            # when a deployment is set up; ledger); later ones need two admins
gateway-admin dry-run POLICY.toml [--from-beginning] [--max N]
                                            # what the agency would have received under a draft policy
gateway-admin verify-report FILE SIG [--keys JWKS]
                                            # a person's disclosure report against its detached signature
gateway-admin purge-processing-records      # delete processing records past the three-year retention
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chassis.errors import AppError
from chassis.settings import exit_if_unsafe
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import checkpoint, policy_files, signing
from sharing_gateway.domain import policy as policies
from sharing_gateway.service_layer import (
    agency_access,
    ledger,
    notice_keys,
    operator_channel,
    retention,
    signing_keys,
)
from sharing_gateway.service_layer import dry_run as dry_runs


def operator() -> str:
    """Who the ledger names for what the operator does from the command line."""
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):  # a container user without a name
        return "operator"


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
    check = sub.add_parser("verify")
    check.add_argument("--checkpoints", type=Path, required=True, help="what an agency kept")
    check.add_argument("--keys", type=Path, help="the gateway's JWKS as the agency holds it (default: the database's)")
    sub.add_parser("create-signing-key")
    sub.add_parser("rotate-signing-key")
    notice_key = sub.add_parser("register-notice-key")
    notice_key.add_argument("agency")
    notice_key.add_argument("public_key", type=Path, help="PEM (SubjectPublicKeyInfo) of the agency's Ed25519 key")
    dry = sub.add_parser("dry-run")
    dry.add_argument("policy", type=Path)
    dry.add_argument("--max", type=int, default=1000, help="at most this many source events per topic")
    report = sub.add_parser("verify-report")
    report.add_argument("report", type=Path, help="the report file as received")
    report.add_argument("signature", type=Path, help="its signature: the Tongxin-Report-Signature header's value")
    report.add_argument("--keys", type=Path, help="the gateway's JWKS as the holder keeps it (default: the database's)")
    sub.add_parser("purge-processing-records")
    args = parser.parse_args(argv)

    if args.command == "check-policies":
        try:
            found = policy_files.load_dir(Path(GatewaySettings.from_env().policy_dir))
        except policies.PolicyError as exc:
            print(f"policy refused: {exc}", file=sys.stderr)
            return 2
        for p in found.values():
            print(f"{p.version_label}: {len(p.shares)} event types, notices {list(p.notice_types)}")
        return 0
    if args.command == "create-signing-key":
        path = Path(GatewaySettings.from_env().signing_key_file)
        if path.exists():
            print(f"{path} exists; use rotate-signing-key to replace it", file=sys.stderr)
            return 1
        print(f"signing key {signing.write_new(path).kid} written to {path}")
        return 0
    gw = bootstrap()
    # An operator command runs with the service's secrets: same rule. Only the dry run reads Kafka
    # (as a worker would); the others need no Kafka password and are not given one.
    exit_if_unsafe(gw.settings, "worker" if args.command == "dry-run" else "admin")
    if args.command == "migrate":
        gw.migrate()
        print("sharing-gateway: schema at head; agencies:", ", ".join(gw.policies))
    elif args.command == "issue-key":
        overlap = dt.timedelta(days=gw.settings.key_overlap_days if args.overlap_days is None else args.overlap_days)
        try:
            # the operator's own channel, for a new deployment; in the ledger too
            key = operator_channel.bootstrap_key(gw.uow, args.agency, operator(), overlap)
        except AppError as exc:
            print(f"{exc.detail_zh} / {exc.detail_en}", file=sys.stderr)
            return 2
        print(key)
    elif args.command == "verify-ledger":
        verdict = ledger.verify_all(gw.uow)
        print(json.dumps(verdict.as_dict(), ensure_ascii=False))
        return 0 if verdict.ok else 1
    elif args.command == "verify":
        return verify(gw, args.checkpoints, args.keys)
    elif args.command == "rotate-signing-key":
        signer = signing_keys.rotate(gw.uow, Path(gw.settings.signing_key_file))
        print(f"signing key {signer.kid} in use from now; restart the gateway's API and worker to sign with it")
    elif args.command == "register-notice-key":
        key = serialization.load_pem_public_key(args.public_key.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            print(f"{args.public_key} is not an Ed25519 public key", file=sys.stderr)
            return 2
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        try:
            public_key = notice_keys.public_key_of(signing.public_jwk(raw))
            kid = operator_channel.bootstrap_notice_key(gw.uow, args.agency, public_key, operator())
        except AppError as exc:
            print(f"{exc.detail_zh} / {exc.detail_en}", file=sys.stderr)
            return 2
        print(kid)
    elif args.command == "dry-run":
        return dry_run(gw, args.policy, args.max)
    elif args.command == "verify-report":
        return verify_report(gw, args.report, args.signature, args.keys)
    elif args.command == "purge-processing-records":
        print(json.dumps(retention.purge(gw.uow), ensure_ascii=False))
    return 0


def verify_report(gw, report: Path, signature_file: Path, keys_file: Path | None) -> int:
    """Exit 0 if the signature is the gateway's over the report's exact bytes and what it names
    (person, period, when, by whom: printed), by a key in force then; 1 if not, 2 if unreadable."""
    try:
        signature = json.loads(signature_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read the signature: {exc}", file=sys.stderr)
        return 2
    if keys_file is not None:
        jwks = json.loads(keys_file.read_text(encoding="utf-8"))["keys"]
    else:
        jwks = agency_access.published_keys(gw.uow, gw.signer)
    if not isinstance(signature, dict):
        print(f"{signature_file}: not a signature (a JSON object)", file=sys.stderr)
        return 2
    problem = signing.verify_report(report.read_bytes(), signature, jwks)
    if problem is None:
        print(f"{report}: a disclosure report signed by the gateway (key {signature['kid']}); not changed since")
        for claim in signing.REPORT_CLAIMS:
            print(f"  {claim}: {signature[claim]}")
        return 0
    print(f"{report}: not a valid disclosure report signature: {problem}", file=sys.stderr)
    return 1


def verify(gw, checkpoints_file: Path, keys_file: Path | None) -> int:
    """Exit 0 if the ledger matches every checkpoint and feed entry the agency exported, 1 naming the
    first bad position, 2 if a supplied checkpoint or entry is not signed by the gateway's keys
    (forged ones are no evidence). Records after the last checkpoint are named as not yet vouched for."""
    text = checkpoints_file.read_text(encoding="utf-8").strip()
    items = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line]
    if keys_file is not None:
        jwks = json.loads(keys_file.read_text(encoding="utf-8"))["keys"]
    else:
        jwks = agency_access.published_keys(gw.uow, gw.signer)
    good, forged = checkpoint.trusted(checkpoint.from_export(items), jwks)
    if forged:
        print(f"checkpoints not signed by the gateway's keys, at positions {forged}", file=sys.stderr)
        return 2
    if not good:
        print(f"no checkpoints in {checkpoints_file}", file=sys.stderr)
        return 2
    entries, forged = checkpoint.trusted_entries(checkpoint.entries_from_export(items), jwks)
    if forged:
        print(f"feed entries not signed by the gateway's keys (agency, sequence): {forged}", file=sys.stderr)
        return 2
    verdict = ledger.verify_all(gw.uow, good, entries)
    print(json.dumps(verdict.as_dict(), ensure_ascii=False))
    if verdict.ok and verdict.not_yet_vouched:
        print(
            f"records {verdict.vouched_through + 1} to {verdict.records} come after the last checkpoint supplied: "
            "no checkpoint vouches for them yet",
            file=sys.stderr,
        )
    return 0 if verdict.ok else 1


def dry_run(gw, path: Path, limit: int) -> int:
    """Read the source topics from the beginning and print, as JSON lines, what the draft
    policy would have delivered (``service_layer.dry_run``). Nothing is written: no feed, no
    ledger, no offsets."""
    try:
        draft = policy_files.parse(path.read_text(encoding="utf-8"), str(path))
    except policies.PolicyError as exc:
        print(f"policy refused: {exc}", file=sys.stderr)
        return 2
    shown = withheld = 0
    key = gw.settings.transform_digest_key()
    for r in dry_runs.outcomes(gw.uow, draft, key, dry_runs.history(gw.settings, limit)):
        if r.data is None:
            withheld += 1
            continue
        line = {"topic": r.topic, "offset": r.offset, "type": r.envelope.type, "time": r.envelope.time, "data": r.data}
        print(json.dumps(line, ensure_ascii=False))
        shown += 1
    print(
        f"# {draft.version_label}: {shown} events would be delivered, {withheld} withheld by region or audience",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
