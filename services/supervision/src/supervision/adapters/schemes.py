"""The shipped assessment schemes (``supervision/data/schemes/<code>-<version>.json``): read, checked
by ``domain.scheme`` and fingerprinted (SHA-256 of the file's bytes), so a score can name exactly
the configuration it was computed with. A shipped file is never edited: a change is a new version."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from supervision.domain.scheme import InvalidScheme, Scheme, scheme_from_dict

SCHEMES = Path(__file__).resolve().parent.parent / "data" / "schemes"
CODE = "tongxin-index"
#: The version scored unless the operator chooses another (``SCHEME_VERSION``).
CURRENT = "2026.2"


def shipped_versions(code: str = CODE) -> list[str]:
    return sorted(p.stem.removeprefix(code + "-") for p in SCHEMES.glob(f"{code}-*.json"))


@functools.cache
def load_scheme(version: str = CURRENT, code: str = CODE) -> Scheme:
    """The scheme of that version; ``InvalidScheme`` if no such file ships or it is malformed."""
    if version not in shipped_versions(code):
        raise InvalidScheme(f"no shipped scheme {code} {version!r}")
    raw = (SCHEMES / f"{code}-{version}.json").read_bytes()
    scheme = scheme_from_dict(json.loads(raw), hashlib.sha256(raw).hexdigest())
    if scheme.version != version or scheme.code != code:
        raise InvalidScheme(f"{code}-{version}.json names {scheme.code} {scheme.version}")
    return scheme
