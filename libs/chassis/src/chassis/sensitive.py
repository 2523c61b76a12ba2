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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from chassis.errors import InvalidInput

#: field name -> kind. ``special``: PIPL sensitive; ``rebuilds``: rebuilds the ID number beside
#: its masked form; ``contact``: reaches the person. None of these names may be a key of an event.
FIELDS: dict[str, str] = {
    "id_number": "special",
    "religion": "special",
    "ethnicity": "special",
    "health": "special",
    "birth_date": "rebuilds",
    "phone": "contact",
    "address": "contact",
}
#: Roles that see a field plainly without a purpose-bound reveal; absent = nobody.
PLAIN_FOR: dict[str, tuple[str, ...]] = {"phone": ("editor",), "address": ("editor",)}
#: Fields a staff member can reveal for a stated purpose (recorded as a disclosure).
REVEALABLE = ("id_number", "ethnicity", "religion", "birth_date")
#: How every hidden field reads, whether or not a value is recorded: absence must not show.
HIDDEN = "***"

#: Base-database codes that by themselves reveal a religion or an ethnicity.
SENSITIVE_CATEGORIES = frozenset({"ethnic_minority", "religious_figure"})
#: Words that make a free tag or category name imply a religion or an ethnicity.
_SENSITIVE_WORDS = (
    "宗教", "教徒", "信徒", "佛教", "道教", "伊斯兰", "穆斯林", "基督", "天主", "清真", "教堂",
    "民族", "回族", "藏族", "维吾尔", "蒙古族", "满族", "壮族", "苗族",
    "religio", "ethnic", "muslim", "christian", "buddhis", "taois", "catholic", "minority",
)  # fmt: skip
#: Keys that hold a birth date (a year alone is allowed); beside a masked ID number they rebuild it.
_BIRTH_KEYS = re.compile(r"(birth|born|dob)(?!_year$)", re.IGNORECASE)

#: An 18-character resident ID number inside any text (ASCII digits; normalise text first). Not
#: inside a longer word: a run of digits in a hex request id or UUID is not a number someone typed.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
#: A mainland mobile number, or a landline with its area code, inside any text (same boundaries).
PHONE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(?:1[3-9][0-9](?:[- ]?[0-9]{4}){2}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9A-Za-z])"
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
    """A category code or tag that names or implies a religion or an ethnicity."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return text in SENSITIVE_CATEGORIES or any(word in text for word in _SENSITIVE_WORDS)


def public_values(values: Iterable[str]) -> list[str]:
    """``values`` without the sensitive ones (for categories and tags that leave a service)."""
    return [v for v in values if not is_sensitive_value(v)]


def check_event(event_type: str, data: Mapping[str, Any]) -> None:
    """Refuse (SensitiveDataRefused) a payload that carries a sensitive key at any depth, a raw
    ID number in any text, a sensitive category or tag value, a birth date beside a masked
    ID number, or ``changed_fields`` that are empty or name a sensitive field."""
    problems = list(_problems(data, ""))
    if "id_masked" in data and any(_BIRTH_KEYS.search(k) for k in data):
        problems.append("a birth date beside the masked ID number rebuilds it")
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
            yield from _problems(inner, path)
    elif isinstance(value, (list, tuple)):
        for i, inner in enumerate(value):
            yield from _problems(inner, f"{where}[{i}]")
    elif isinstance(value, str):
        if contains_id_number(value):
            yield f"an ID number in {where!r}"
        key = where.split("[")[0].rsplit(".", 1)[-1]
        if (key in _LIST_KEYS and is_sensitive_value(value)) or (key == "category" and value in SENSITIVE_CATEGORIES):
            yield f"sensitive value {value!r} in {where!r}"


#: Keys whose values are registry categories or free tags, checked against the sensitive words too.
_LIST_KEYS = frozenset({"categories", "tags"})


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds a well-formed ID number (right check character)."""
    from chassis.idnumber import check_character  # idnumber imports errors only; no cycle

    for match in ID_NUMBER_IN_TEXT.finditer(normalise_text(text)):
        number = match.group(0).upper()
        if check_character(number[:17]) == number[17]:
            return True
    return False


def normalise_text(text: str) -> str:
    """Digits in any compatibility form (full-width １２３, Ｘ) as ASCII, every other character kept
    as it is (full-width punctuation stays), so positions do not move."""
    return "".join(_ascii_digit(c) for c in text or "")


def _ascii_digit(char: str) -> str:
    plain = unicodedata.normalize("NFKC", char)
    return plain if len(plain) == 1 and plain in "0123456789Xx" else char


def mask_free_text(text: str, limit: int) -> str:
    """Free text bound for an agency: ID-number and phone patterns masked, cut to ``limit`` characters."""
    text = normalise_text(text)
    text = ID_NUMBER_IN_TEXT.sub(lambda m: m.group(0)[:6] + "*" * 8 + m.group(0)[-4:], text)
    text = PHONE_IN_TEXT.sub(lambda m: _mask_phone(m.group(0)), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mask_phone(phone: str) -> str:
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    keep = set(digits[:3] + digits[-2:])
    return "".join(c if (i in keep or not c.isdigit()) else "*" for i, c in enumerate(phone))
