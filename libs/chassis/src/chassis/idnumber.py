r"""18-digit resident identity numbers (GB 11643-1999): validation, masking, keyed digest.

Layout: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence whose
last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check
character (0-9 or X).

Input is normalised before anything else looks at it (NFKC turns full-width digits
and spaces into ASCII, spaces go, ``x`` becomes ``X``) and then must match ASCII
digits exactly: ``\d`` would also accept other scripts' digits, which would validate
here yet digest differently from the same number typed plainly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from chassis.digests import DigestKey
from chassis.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


class InvalidIdNumber(InvalidInput):
    code = "invalid-id-number"


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(raw: str) -> str:
    """NFKC (full-width ０-９ and Ｘ become ASCII), every space removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


def validate(raw: str, birth_date: dt.date | None = None, gender: str | None = None) -> str:
    """Return the normalised number, or raise InvalidIdNumber saying exactly what is wrong."""
    number = normalise(raw)
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber(
            "身份证号码应为18位：前17位为数字，最后一位为数字或X",
            "An ID number has 18 characters: 17 digits then a digit or X",
            field="id_number",
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(
            f"身份证号码校验码错误：最后一位应为 {expected}，而不是 {number[17]}",
            f"Wrong check character: expected {expected}, got {number[17]}",
            field="id_number",
        )
    born = birth_date_of(number)
    if born is None or born > dt.date.today() or born.year < 1900:
        raise InvalidIdNumber(
            "身份证号码中的出生日期无效", "The birth date inside the ID number is invalid", field="id_number"
        )
    if birth_date is not None and birth_date != born:
        raise InvalidIdNumber(
            f"出生日期 {birth_date.isoformat()} 与身份证号码中的 {born.isoformat()} 不一致",
            f"Birth date {birth_date.isoformat()} differs from {born.isoformat()} in the ID number",
            field="birth_date",
        )
    if gender is not None and gender != gender_of(number):
        raise InvalidIdNumber(
            "性别与身份证号码不一致（第17位奇数为男，偶数为女）",
            "Gender differs from the ID number (17th digit odd = male, even = female)",
            field="gender",
        )
    return number


def birth_date_of(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def mask(number: str) -> str:
    """First 6 and last 4 characters shown: 370783********123X."""
    return number[:6] + "*" * 8 + number[-4:] if len(number) == 18 else "*" * len(number)


@functools.lru_cache(maxsize=65536)
def digest(number: str, key: DigestKey) -> str:
    """Keyed digest (``k1:...``) that lets services match notices without the number."""
    return key(normalise(number))


def make(region: str, born: dt.date, sequence: int, gender: str) -> str:
    """A valid number for demo data and tests: ``sequence`` 0-99, ``gender`` sets the parity digit."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 100:02d}{1 if gender == 'male' else 2}"
    return first17 + check_character(first17)
