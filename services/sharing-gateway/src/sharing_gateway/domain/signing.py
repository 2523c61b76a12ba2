"""Ed25519 signatures on every delivered feed entry, so an agency can prove what it got, and on a
person's disclosure report.

A feed entry's signature covers the canonical JSON of the entry without its ``signature``
member (keys sorted, no spaces, UTF-8). The entry names the key (``kid``) that
signed it; the public keys are served at ``/.well-known/tongxin-feed-keys``.

The same key signs reports, so a report's signature never covers bare bytes: it covers a statement
that starts with ``REPORT_CONTEXT`` (domain separation; no feed entry's canonical JSON starts so)
and names the file's SHA-256, whose record it is, its period, and when and by whom it was made.
Those values travel in the signature JSON, so whoever checks it sees what the gateway vouched for.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

#: The first line of every report statement: what the signature is about, and its format's version.
REPORT_CONTEXT = "tongxin-disclosure-report-v1\n"
#: What a report's signature vouches for besides the file's bytes (carried in the signature JSON).
REPORT_CLAIMS = ("sha256", "person_id", "period", "generated_at", "generated_by")


def canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclasses.dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def kid(self) -> str:
        return key_id(self.public_raw)

    def sign(self, entry: dict[str, Any]) -> dict[str, Any]:
        value = self.key.sign(canonical(entry))
        return {**entry, "signature": {"alg": "Ed25519", "kid": self.kid, "value": _b64(value)}}

    def jwk(self) -> dict[str, str]:
        return public_jwk(self.public_raw)

    def sign_report(
        self, content: bytes, person_id: str, period: str, generated_at: str, generated_by: str
    ) -> dict[str, str]:
        """A disclosure report's detached signature: ``{alg, kid, value}`` and the claims it covers."""
        claims = {"sha256": hashlib.sha256(content).hexdigest(), "person_id": person_id, "period": period,
                  "generated_at": generated_at, "generated_by": generated_by}  # fmt: skip
        return {"alg": "Ed25519", "kid": self.kid, "value": _b64(self.key.sign(report_statement(claims))), **claims}


def public_jwk(raw: bytes) -> dict[str, str]:
    """The JWK (RFC 8037) of an Ed25519 public key, its ``kid`` derived from the key itself."""
    return {"kty": "OKP", "crv": "Ed25519", "kid": key_id(raw), "x": _b64(raw), "use": "sig"}


def key_id(raw: bytes) -> str:
    return "ed25519-" + hashlib.sha256(raw).hexdigest()[:16]


def verify(entry: dict[str, Any], jwks: list[dict[str, str]]) -> bool:
    """True if ``entry`` carries a valid signature by one of the published keys."""
    sig = entry.get("signature") or {}
    key = next((k for k in jwks if k.get("kid") == sig.get("kid")), None)
    if key is None or sig.get("alg") != "Ed25519":
        return False
    try:
        Ed25519PublicKey.from_public_bytes(unb64(key["x"])).verify(unb64(sig["value"]), canonical(entry))
        return True
    except (InvalidSignature, ValueError, KeyError):
        return False


def report_statement(claims: dict[str, Any]) -> bytes:
    """What a report's signature covers: ``REPORT_CONTEXT`` and the claims as canonical JSON."""
    body = {k: claims[k] for k in REPORT_CLAIMS}
    return (REPORT_CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)).encode()


def verify_report(content: bytes, signature: dict[str, Any], jwks: list[dict[str, Any]]) -> str | None:
    """None if ``signature`` (``Signer.sign_report``) is a published key's over ``content``, made
    while that key was in force (``not_before`` <= ``generated_at`` < ``not_after``); else why not."""
    key = next((k for k in jwks if k.get("kid") == signature.get("kid")), None)
    if key is None or signature.get("alg") != "Ed25519":
        return "not signed by a published key of the gateway"
    if any(not isinstance(signature.get(k), str) for k in REPORT_CLAIMS):
        return "not a report's signature (it names no sha256, person, period, time and author)"
    if hashlib.sha256(content).hexdigest() != signature["sha256"]:
        return "the file was changed since it was signed"
    try:
        Ed25519PublicKey.from_public_bytes(unb64(key["x"])).verify(
            unb64(str(signature["value"])), report_statement(signature)
        )
        made = _aware(signature["generated_at"])
    except (InvalidSignature, ValueError, KeyError):
        return "the signature does not match the file and what it names"
    if (key.get("not_before") and made < _aware(key["not_before"])) or (
        key.get("not_after") and made >= _aware(key["not_after"])
    ):
        return f"key {key['kid']} was not in force at {signature['generated_at']}"
    return None


def _aware(text: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError(f"{text}: no UTC offset")
    return at


class SigningKeyMissing(RuntimeError):
    """No feed-signing key outside development mode: the gateway must not invent its identity."""

    def __init__(self, path: Path):
        super().__init__(
            f"SIGNING_KEY_FILE is missing ({path}): mount the gateway's Ed25519 key, or create one with "
            "`gateway-admin create-signing-key` (DEVELOPMENT_MODE=true creates it on first start)"
        )


def load(path: Path, create_if_missing: bool = False) -> Signer:
    """The signing key from a PEM file. Only development creates a missing one (mode 0600):
    production mounts it from a secret store, and a gateway that silently made a new key would
    sign with an identity no agency knows."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return Signer(key)
    if not create_if_missing:
        raise SigningKeyMissing(path)
    return write_new(path)


def write_new(path: Path) -> Signer:
    """A new key written to ``path`` (mode 0600), replacing the file atomically if one exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    fresh.replace(path)
    return Signer(key)
