"""Keyed digests (HMAC-SHA256) with the key's id inside: ``k1:3f9a...``.

Each purpose has its own key (the ID-number digest shared by the registry and the
gateway, the phone dedupe of public ratings, the gateway's per-agency transforms),
so one leaked key never links another purpose's data. The key id travels inside
every digest, so a key can be rotated: digests made under the old id stay
recognisable as such instead of silently failing to match. The hex part is cut to
fit the 64-character columns that held plain digests (240 bits remain).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re

WIDTH = 64
_KEY_ID = re.compile(r"[a-z0-9]{1,8}")


def keyed_digest(secret: str, key_id: str, value: str) -> str:
    if not _KEY_ID.fullmatch(key_id or ""):
        raise ValueError(f"a digest key id is 1-8 lower-case letters or digits, not {key_id!r}")
    mac = hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"{key_id}:{mac[: WIDTH - len(key_id) - 1]}"


@dataclasses.dataclass(frozen=True)
class DigestKey:
    """One purpose's key: its id (inside every digest) and its secret."""

    key_id: str
    secret: str = dataclasses.field(repr=False)

    def __call__(self, value: str) -> str:
        return keyed_digest(self.secret, self.key_id, value)


def key_id_of(digest: str) -> str | None:
    """The id of the key a digest was made with (None for an unkeyed legacy digest)."""
    head, sep, _ = (digest or "").partition(":")
    return head if sep and _KEY_ID.fullmatch(head) else None


def parse_keys(spec: str) -> list[DigestKey]:
    """Earlier keys kept for matching during a rotation, ``k1=<secret>,k2=<secret>`` (a secret
    holds no comma); empty: none."""
    keys = []
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        key_id, sep, secret = item.partition("=")
        if not sep or not secret or not _KEY_ID.fullmatch(key_id.strip()):
            raise ValueError("previous digest keys: each entry is <key id>=<secret>, separated by commas")
        keys.append(DigestKey(key_id.strip(), secret))
    return keys
