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
import os
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

    def sign_bytes(self, content: bytes) -> dict[str, str]:
        """A detached signature over exact bytes (a disclosure report): ``{alg, kid, value}``."""
        return {"alg": "Ed25519", "kid": self.kid, "value": _b64(self.key.sign(content))}


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


def verify_bytes(content: bytes, signature: dict[str, Any], jwks: list[dict[str, str]]) -> bool:
    """True if ``signature`` (``Signer.sign_bytes``) is one of the published keys' over ``content``."""
    key = next((k for k in jwks if k.get("kid") == signature.get("kid")), None)
    if key is None or signature.get("alg") != "Ed25519":
        return False
    try:
        Ed25519PublicKey.from_public_bytes(unb64(key["x"])).verify(unb64(str(signature["value"])), content)
        return True
    except (InvalidSignature, ValueError, KeyError):
        return False


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
