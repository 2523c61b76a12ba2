"""Ed25519 signatures on every delivered feed entry, so an agency can prove what it got.

The signature covers the canonical JSON of the entry without its ``signature``
member (keys sorted, no spaces, UTF-8). The entry names the key (``kid``) that
signed it; the public keys are served at ``/.well-known/tongxin-feed-keys``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclasses.dataclass(frozen=True)
class Signer:
    key: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def kid(self) -> str:
        return "ed25519-" + hashlib.sha256(self.public_raw).hexdigest()[:16]

    def sign(self, entry: dict[str, Any]) -> dict[str, Any]:
        value = self.key.sign(canonical(entry))
        return {**entry, "signature": {"alg": "Ed25519", "kid": self.kid, "value": _b64(value)}}

    def jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "kid": self.kid, "x": _b64(self.public_raw), "use": "sig"}


def verify(entry: dict[str, Any], jwks: list[dict[str, str]]) -> bool:
    """True if ``entry`` carries a valid signature by one of the published keys."""
    sig = entry.get("signature") or {}
    key = next((k for k in jwks if k.get("kid") == sig.get("kid")), None)
    if key is None or sig.get("alg") != "Ed25519":
        return False
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(key["x"])).verify(_unb64(sig["value"]), canonical(entry))
        return True
    except (InvalidSignature, ValueError, KeyError):
        return False


def load_or_create(path: Path) -> Signer:
    """The signing key from a PEM file; a development run creates one (mode 0600) on first use.
    Production mounts the key from a secret store and never lets the service create it."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return Signer(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return Signer(key)
