"""Where the console may send a browser back to after sign-in or a language switch: only to
a path on this site.

``next`` comes from the address bar, so an attacker writes it: ``//evil.example``,
``/\\evil.example`` (browsers read a backslash as a slash), ``/%09/evil.example`` (browsers
drop tabs and newlines, leaving ``//``), ``https://evil.example`` or ``javascript:``. Anything
but a plain absolute path with no control characters, spaces or backslashes goes to the
dashboard instead.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def local_target(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, read as is and once more percent-decoded (a
    proxy or a later redirect may decode it again); ``fallback`` otherwise."""
    if not target or not all(_is_local_path(form) for form in (target, unquote(target))):
        return fallback
    return target


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if any(ch.isspace() or ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
