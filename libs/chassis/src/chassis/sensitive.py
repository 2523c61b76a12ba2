"""The one registry of sensitive personal information, and the rule every exit consults.

PIPL's sensitive data (religion, ethnicity, health, the ID number), whatever implies
or rebuilds it (a category or tag naming a religion or an ethnicity; a full birth
date beside the masked ID number, whose eight hidden digits *are* that date) and
contact data (phone, address) are named here once. Four exits ask this module, so
one rule holds everywhere: the outbox refuses to stage an event that breaks it
(``check_event``), the registry's serializers and exports mask by it
(``visible_plainly``, ``HIDDEN``), and the gateway filters sensitive-capable
contract fields by it (``is_sensitive_value``). Free text that leaves for an agency
goes through ``mask_free_text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from chassis import sensitive_words
from chassis.errors import InvalidInput

#: field name -> kind. ``special``: PIPL sensitive; ``rebuilds``: rebuilds the ID number, or
#: narrows a brute force of it to a few hundred tries; ``contact``: reaches the person. None of
#: these names may be a key of an event.
FIELDS: dict[str, str] = {
    "id_number": "special",
    "religion": "special",
    "ethnicity": "special",
    "health": "special",
    "birth_date": "rebuilds",
    "phone": "contact",
    "address": "contact",
    "id_masked": "rebuilds",
}
#: Roles that see a field plainly without a purpose-bound reveal; absent = nobody.
PLAIN_FOR: dict[str, tuple[str, ...]] = {"phone": ("editor",), "address": ("editor",)}
#: Fields a staff member can reveal for a stated purpose (recorded as a disclosure).
REVEALABLE = ("id_number", "ethnicity", "religion", "birth_date")
#: How every hidden field reads, whether or not a value is recorded: absence must not show.
HIDDEN = "***"

#: Base-database codes that by themselves reveal a religion or an ethnicity.
SENSITIVE_CATEGORIES = frozenset({"ethnic_minority", "religious_figure"})
#: Keys that hold a birth date (a year alone is allowed): never in an event, at any depth.
_BIRTH_KEYS = re.compile(r"(birth|born|dob)(?!_year$)", re.IGNORECASE)
#: Keys of narrative text staff write on purpose, checked for numbers but not refused for their
#: words: an urgent incident's summary may name a mosque (it is masked by ``mask_free_text``), and
#: the stated purpose of a reveal is the department's daily vocabulary (核实宗教界代表人士身份).
NARRATIVE_KEYS = frozenset({"summary", "purpose"})
#: Keys whose values name sensitive fields (a processing record says which fields staff revealed):
#: the name of a field in ``FIELDS`` says nothing of anyone's value, so it is not refused there.
FIELD_NAME_KEYS = frozenset({"processed_fields"})

#: What may stand between the digits of a number someone typed: spaces, dashes, dots, zero-width
#: characters. Digits in any script are folded to ASCII first (``normalise_text``).
_SEP = r"[\s\-.\u200b-\u200d\u2060\ufeff]{0,2}"
#: An 18-character resident ID number inside any text, separators allowed between its characters.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])[0-9](?:" + _SEP + r"[0-9]){16}" + _SEP + r"[0-9Xx](?![0-9])")
#: A mainland mobile number, or a landline with its area code (in brackets or not), inside any text.
PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:\+?86" + _SEP + r")?(?:1" + _SEP + r"[3-9](?:" + _SEP + r"[0-9]){9}"
    r"|[(（]?0[0-9]{2,3}[)）]?" + _SEP + r"[0-9](?:" + _SEP + r"[0-9]){6,7})(?![0-9])"
)
#: Any other run of 11 or more digits (an old 15-digit ID number, 17 digits), dashes or invisible
#: characters between them (not spaces: "370783000000 200" is a unit code and a status).
LONG_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9](?:[\-\u200b-\u200d\u2060\ufeff]?[0-9]){10,}(?![0-9])")
#: A masked ID number (region, eight stars, tail): beside a year it narrows a brute force.
MASKED_ID_IN_TEXT = re.compile(r"[0-9]{6}\*{8}[0-9]{3}[0-9Xx]")
#: A run of hex digits with letters (a digest, a UUID, a request id): its digits are no number.
_HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*(?![0-9A-Za-z])")
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")
#: Every sensitive substring in one alternation (longest first), searched once in C instead of word by word.
_SENSITIVE_SUBSTRING = re.compile(
    "|".join(re.escape(w) for w in sorted(sensitive_words.SENSITIVE_SUBSTRINGS, key=len, reverse=True))
)


class SensitiveDataRefused(InvalidInput):
    """An outgoing payload breaks the rule. Over HTTP a 422 (free text holding an ID number, say),
    and nothing is written: the caller's transaction rolls back."""

    code = "sensitive-data-refused"

    def __init__(self, event_type: str, problems: list[str]):
        super().__init__(
            "该操作会把敏感个人信息（如身份证号码、宗教或民族信息）随事件共享出去，已拒绝；请删除后重试",
            f"{event_type}: refused to share sensitive personal data: " + "; ".join(problems),
            problems=problems,
        )


def visible_plainly(field: str, has_role: Callable[..., bool]) -> bool:
    """Whether a caller (``has_role``, e.g. ``Principal.has_role``) sees ``field`` without a
    reveal; non-sensitive fields: yes."""
    if field not in FIELDS:
        return True
    roles = PLAIN_FOR.get(field, ())
    return bool(roles) and has_role(*roles)


def is_sensitive_value(value: Any) -> bool:
    """A category code, tag or short text that names or implies a religion or an ethnicity
    (``chassis.sensitive_words``), however it is spaced or written (NFKC, zero-width characters)."""
    if not isinstance(value, str):
        return False
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).lower()
    return (
        text in SENSITIVE_CATEGORIES
        or text in sensitive_words.SENSITIVE_WHOLE_VALUES
        or _SENSITIVE_SUBSTRING.search(text) is not None
    )


def public_values(values: Iterable[str]) -> list[str]:
    """``values`` without the sensitive ones (for categories and tags that leave a service)."""
    return [v for v in values if not is_sensitive_value(v)]


def check_event(event_type: str, data: Mapping[str, Any]) -> None:
    """Refuse (SensitiveDataRefused) a payload that carries, at any depth, a sensitive key or a
    birth date, an ID number, masked ID number or phone number in any text, any value that names
    a religion or an ethnicity (narrative summaries excepted), or ``changed_fields`` that are empty
    or name a sensitive field."""
    problems = list(_problems(data, ""))
    if "changed_fields" in data:
        changed = list(data["changed_fields"] or [])
        if not changed:
            problems.append("changed_fields is empty: the event would say that only hidden fields changed")
        problems += [f"changed_fields names sensitive field {f!r}" for f in changed if f in FIELDS]
    if problems:
        raise SensitiveDataRefused(event_type, problems)


def _problems(value: Any, where: str) -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            path = f"{where}.{key}" if where else str(key)
            if key in FIELDS:
                yield f"sensitive key {path!r}"
            elif _BIRTH_KEYS.search(str(key)):
                yield f"a birth date in {path!r}"
            yield from _problems(inner, path)
    elif isinstance(value, (list, tuple)):
        for i, inner in enumerate(value):
            yield from _problems(inner, f"{where}[{i}]")
    elif isinstance(value, str):
        if contains_id_number(value):
            yield f"an ID number in {where!r}"
        if MASKED_ID_IN_TEXT.search(value):
            yield f"a masked ID number in {where!r}"
        if contains_phone(value):
            yield f"a phone number in {where!r}"
        key = where.split("[")[0].rsplit(".", 1)[-1]
        if key in FIELD_NAME_KEYS and value in FIELDS:
            return
        if key not in NARRATIVE_KEYS and is_sensitive_value(value):
            yield f"sensitive value {value!r} in {where!r}"


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds a well-formed ID number (right check character), however spaced."""
    from chassis.idnumber import check_character  # idnumber imports errors only; no cycle

    text = normalise_text(text)
    for match in _numbers(ID_NUMBER_IN_TEXT, text):
        number = re.sub(r"[^0-9Xx]", "", match.group(0)).upper()
        if check_character(number[:17]) == number[17]:
            return True
    return False


def contains_phone(text: str) -> bool:
    return any(True for _ in _numbers(PHONE_IN_TEXT, normalise_text(text)))


def _numbers(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in normalised text that are not digits inside a hex token."""
    hex_spans = [m.span() for m in _HEX_TOKEN.finditer(text) if len(m.group(0)) >= 16]
    for match in pattern.finditer(text):
        if not any(a <= match.start() and match.end() <= b for a, b in hex_spans):
            yield match


def normalise_text(text: str) -> str:
    """Digits in any script or compatibility form (full-width １２３, Arabic-Indic ٣, Ｘ) as ASCII,
    every other character kept as it is, so positions do not move."""
    if not text or text.isascii():
        return text or ""
    return "".join(_ascii_digit(c) for c in text)


def _ascii_digit(char: str) -> str:
    if char.isascii():
        return char
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    plain = unicodedata.normalize("NFKC", char)
    return plain if plain in ("X", "x") else char


def mask_free_text(text: str, limit: int) -> str:
    """Free text bound for an agency or a log: ID numbers keep their region only, phones their
    first three and last two digits, any other run of 11+ digits is masked; cut to ``limit``."""
    text = normalise_text(text)
    text = _sub(ID_NUMBER_IN_TEXT, text, lambda n: _mask_digits(n, keep_head=6, keep_tail=0))
    text = _sub(PHONE_IN_TEXT, text, lambda n: _mask_digits(n, keep_head=3, keep_tail=2))
    text = _sub(LONG_DIGIT_RUN, text, lambda n: n if _not_personal(n) else _mask_digits(n, 3, 0))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sub(pattern: re.Pattern[str], text: str, mask: Callable[[str], str]) -> str:
    for match in reversed(list(_numbers(pattern, text))):
        text = text[: match.start()] + mask(match.group(0)) + text[match.end() :]
    return text


def _mask_digits(number: str, keep_head: int, keep_tail: int) -> str:
    places = [i for i, c in enumerate(number) if c.isdigit() or c in "Xx"]
    keep = set(places[:keep_head] + (places[-keep_tail:] if keep_tail else []))
    return "".join(c if (i in keep or i not in places) else "*" for i, c in enumerate(number))


def _not_personal(text: str) -> bool:
    """A 12-digit admin-unit code (it never starts with 0, unlike a landline with its area code)
    is no personal number."""
    return re.fullmatch(r"[1-8][0-9]{11}", text) is not None
