"""Mainland mobile numbers as public raters type them, reduced to one form before the keyed
dedupe: otherwise ``13800138000``, ``+86 138-0013-8000`` and full-width ``１３８００１３８０００``
would each count as a different rater."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-().]")


class InvalidMobile(ValueError):
    pass


def normalise_mobile(raw: str | None) -> str:
    """The 11 ASCII digits of a mainland mobile number; an optional +86 / 0086 / 86 is dropped."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    else:
        if len(text) == 13 and text.startswith("86"):
            text = text[2:]
    if not _MOBILE.match(text):  # only ASCII 0-9: other scripts' digits are not a phone number here
        raise InvalidMobile(raw)
    return text
