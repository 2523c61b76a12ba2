"""An agency's side of a signed notice, as a reference for agencies' developers and the sender the
demo data and the tests use: the agency's own Ed25519 key (its public half is registered with the
gateway, its private half never leaves the agency) and the JWS of a CloudEvent it sends to
``POST /notices``. The gateway itself never imports this module."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import jws
from sharing_gateway.domain.signing import Signer

#: The gateway a notice is addressed to unless told otherwise: the default ``GATEWAY_AUDIENCE``.
GATEWAY = GatewaySettings.gateway_audience


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_jwk(key: Ed25519PrivateKey) -> dict:
    jwk = Signer(key).jwk()
    return {k: jwk[k] for k in ("kty", "crv", "x", "kid")}


def kid(key: Ed25519PrivateKey) -> str:
    return Signer(key).kid


def content(event: dict) -> bytes:
    """The exact bytes an agency signs (any serialization would do: the signature fixes them)."""
    return json.dumps(event, ensure_ascii=False).encode()


def signed(
    key: Ed25519PrivateKey, event: dict | bytes, flattened: bool = False, audience: str = GATEWAY
) -> tuple[bytes, dict]:
    """(body, headers) of ``POST /notices`` to the gateway ``audience`` (its ``GATEWAY_AUDIENCE``):
    compact (application/jose) or flattened JSON."""
    payload = event if isinstance(event, bytes) else content(event)
    token = jws.sign_compact(key, kid(key), payload, audience)
    if not flattened:
        return token.encode(), {"Content-Type": "application/jose"}
    protected, body, signature = token.split(".")
    doc = {"protected": protected, "payload": body, "signature": signature}
    return json.dumps(doc).encode(), {"Content-Type": "application/jose+json"}


def write_pair(directory: Path, agency: str) -> tuple[Path, Path]:
    """A demo key pair for ``agency`` in ``directory``: (private PEM, mode 0600; public PEM)."""
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / f"{agency}.pem", directory / f"{agency}.pub.pem"
    if not private.exists():
        key = new_key()
        private.touch(mode=0o600)
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        public.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
    return private, public


def load(private_pem: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(private_pem.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{private_pem} is not an Ed25519 private key")
    return key
