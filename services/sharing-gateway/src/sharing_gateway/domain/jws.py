"""Signed inbound notices: a JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037) around the
notice's exact bytes, so an agency's notice is its own statement and not merely something that
came in with its API key (a stolen key alone can no longer forge a violation notice).

Both serializations are accepted: compact (``header.payload.signature``, sent as
``application/jose``) and flattened JSON (``{"protected", "payload", "signature"}``, sent as
``application/jose+json``). Only what is protected counts: ``alg`` must be ``EdDSA`` (so
``none``, ``HS256`` and the rest are refused before any key is looked at), ``kid`` names the
agency's registered key, ``aud`` names the gateway the notice is for (so a notice signed for
another gateway cannot be replayed here), and no ``crit`` or unencoded payload (``b64: false``) is honoured.
The payload is the CloudEvent exactly as signed; its SHA-256 is what the receipt acknowledges.

Every JSON object here (flattened body, protected header, the signed CloudEvent) is read with
``json_object``: a duplicate member is refused, because two readers may each take a different
one of the duplicates (which ``alg``, which ``id_number`` was signed?), and nesting deep enough
to exhaust the parser's recursion is refused as bad input rather than failing the request.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG = "EdDSA"


class Refused(Exception):
    """Why a JWS is not accepted, in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclasses.dataclass(frozen=True)
class Signed:
    """A JWS taken apart; ``verify`` has not yet looked at its signature."""

    kid: str
    audience: str
    signing_input: bytes
    signature: bytes
    payload: bytes

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the exact signed content."""
        return hashlib.sha256(self.payload).hexdigest()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str) or not text.isascii() or "=" in text:
        raise Refused(f"JWS 的 {what} 不是 base64url 编码", f"The JWS {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Refused(f"JWS 的 {what} 不是 base64url 编码", f"The JWS {what} is not base64url") from None


class Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[Any, ...]]) -> dict[str, Any]:
    found = {}
    for key, value in pairs:
        if key in found:
            raise Duplicate(key)
        found[key] = value
    return found


def json_object(text: str | bytes, what_zh: str, what_en: str) -> dict[str, Any]:
    """``text`` as one JSON object with no duplicate member; refused otherwise (also if nested
    too deeply to parse)."""
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except Duplicate as exc:
        raise Refused(f"{what_zh}含有重复的成员 {exc}", f"The {what_en} has the member {exc} more than once") from None
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict):
        raise Refused(f"{what_zh}不是 JSON 对象", f"The {what_en} is not a JSON object")
    return doc


def parse(body: bytes) -> Signed:
    """A compact or flattened-JSON JWS; anything else, or a header we do not honour, is refused."""
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        doc = json_object(text, "JWS 扁平 JSON ", "flattened JWS JSON")
        if not {"protected", "payload", "signature"} <= doc.keys():
            raise Refused(
                "通报须经签名：请以 JWS（EdDSA/Ed25519）发送，紧凑格式或扁平 JSON 格式",
                "A notice must be signed: send it as a JWS (EdDSA/Ed25519), compact or flattened JSON serialization",
            )
        protected, payload, signature = doc["protected"], doc["payload"], doc["signature"]
    else:
        parts = text.split(".")
        if len(parts) != 3:
            raise Refused(
                "通报须经签名：请以 JWS（EdDSA/Ed25519）发送，紧凑格式或扁平 JSON 格式",
                "A notice must be signed: send it as a JWS (EdDSA/Ed25519), compact or flattened JSON serialization",
            )
        protected, payload, signature = parts
    header = json_object(_unb64(protected, "protected header"), "JWS 受保护头", "JWS protected header")
    if header.get("alg") != ALG:
        raise Refused(
            f"只接受 alg 为 {ALG}（Ed25519）的签名", f"Only alg {ALG} (Ed25519) is accepted, not {header.get('alg')!r}"
        )
    if "crit" in header or header.get("b64", True) is not True:
        raise Refused("JWS 头含有不支持的 crit 或 b64 参数", "The JWS header has an unsupported crit or b64 parameter")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Refused("JWS 头须以 kid 指明贵机构登记的公钥", "The JWS header must name your registered key in kid")
    audience = header.get("aud")
    if not isinstance(audience, str) or not audience:
        raise Refused(
            "JWS 受保护头须以 aud 指明接收的网关", "The JWS protected header must name the receiving gateway in aud"
        )
    return Signed(
        kid=kid,
        audience=audience,
        signing_input=f"{protected}.{payload}".encode(),
        signature=_unb64(signature, "signature"),
        payload=_unb64(payload, "payload"),
    )


def verify(signed: Signed, public_key: Callable[[str], bytes | None], audience: str) -> bytes:
    """The signed content, if ``signed`` carries a valid signature by the key ``public_key(kid)``
    returns (the raw Ed25519 public key; None for a key that is not the caller's) and is addressed
    to ``audience``."""
    raw = public_key(signed.kid)
    if raw is None:
        raise Refused("kid 不是贵机构已登记的签名公钥", "The kid is not a signing key registered for your agency")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signed.signature, signed.signing_input)
    except (InvalidSignature, ValueError):
        raise Refused("签名与通报内容不符", "The signature does not match the notice's content") from None
    if signed.audience != audience:
        raise Refused(
            f"通报是发给另一网关（{signed.audience}）的，不是本网关（{audience}）",
            f"The notice is addressed to another gateway ({signed.audience!r}), not this one ({audience!r})",
        )
    return signed.payload


def sign_compact(key: Ed25519PrivateKey, kid: str, payload: bytes, audience: str) -> str:
    """What an agency sends to the gateway ``audience``: the compact JWS of ``payload`` (for senders
    and tests)."""
    header = {"alg": ALG, "kid": kid, "aud": audience}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = b64url(payload)
    signature = key.sign(f"{protected}.{body}".encode())
    return f"{protected}.{body}.{b64url(signature)}"
