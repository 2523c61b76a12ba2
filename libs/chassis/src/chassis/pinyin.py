"""Pinyin keys for sorting and searching Chinese names and words (pypinyin): the registry's people
search and the service desk's resource directory share them.

``艾克拜尔·米吉提`` -> full ``ai ke bai er mi ji ti``, initials ``akbemjt``. Characters
pypinyin does not know (rare ones) fall back to themselves, so nothing is lost.
"""

from __future__ import annotations

import functools
import re

from pypinyin import Style, lazy_pinyin

_NOT_LETTER = re.compile(r"[^a-z0-9\u3400-\u9fff\U00020000-\U0002ffff]+")


@functools.lru_cache(maxsize=65536)
def syllables(text: str) -> tuple[str, ...]:
    """Names repeat a lot (a county has many 王伟): the conversion is cached."""
    out = []
    for s in lazy_pinyin(text or "", style=Style.NORMAL, errors="default"):
        s = _NOT_LETTER.sub("", s.lower())
        if s:
            out.append(s)
    return tuple(out)


def full(text: str) -> str:
    """Space-separated syllables: sorts 'li' before 'lian' as a dictionary does."""
    return " ".join(syllables(text))


def initials(text: str) -> str:
    return "".join(s[0] for s in syllables(text))


def compact(text: str) -> str:
    return "".join(syllables(text))


def matches(query: str, *texts: str | None) -> bool:
    """Whether ``query`` (characters, full pinyin with or without spaces, or initials, any case) occurs in
    one of ``texts``: ``rongzi``, ``rz`` and ``融资`` all find ``融资担保``."""
    wanted = "".join(query.lower().split())
    if not wanted:
        return True
    return any(
        wanted in "".join(t.lower().split()) or wanted in compact(t) or wanted in initials(t) for t in texts if t
    )
