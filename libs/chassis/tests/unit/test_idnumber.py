import datetime as dt

import pytest

from chassis import idnumber
from chassis.digests import DigestKey, key_id_of
from chassis.idnumber import InvalidIdNumber

VALID = "11010519491231002X"  # the standard's own example: born 1949-12-31, female


def with_check(first17: str) -> str:
    return first17 + idnumber.check_character(first17)


def test_the_standard_example_is_valid():
    assert idnumber.validate(VALID) == VALID
    assert idnumber.validate(VALID.lower()) == VALID
    assert idnumber.birth_date_of(VALID) == dt.date(1949, 12, 31)
    assert idnumber.gender_of(VALID) == "female"


@pytest.mark.parametrize(
    "number, message",
    [
        ("110105194912310021", "校验码错误：最后一位应为 X"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100XX", "应为18位"),
        (with_check("11010519491331002"), "出生日期无效"),
        (with_check("11010529991231002"), "出生日期无效"),
        ("", "应为18位"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(number, message):
    with pytest.raises(InvalidIdNumber) as err:
        idnumber.validate(number)
    assert message in err.value.detail_zh
    assert err.value.status == 422


def test_birth_date_and_gender_must_agree():
    with pytest.raises(InvalidIdNumber, match="differs from 1949-12-31") as err:
        idnumber.validate(VALID, birth_date=dt.date(1950, 1, 1))
    assert err.value.extra["field"] == "birth_date"
    with pytest.raises(InvalidIdNumber) as err:
        idnumber.validate(VALID, gender="male")
    assert err.value.extra["field"] == "gender"


def test_made_numbers_are_valid_and_carry_their_facts():
    for gender in ("male", "female"):
        number = idnumber.make("370783", dt.date(1988, 2, 29), 37, gender)
        assert idnumber.validate(number, dt.date(1988, 2, 29), gender) == number


def test_mask_and_keyed_digest_carries_its_key_id():
    assert idnumber.mask(VALID) == "110105********002X"
    key = DigestKey("k1", "secret-one")
    a, b = idnumber.digest(VALID, key), idnumber.digest(VALID.lower(), key)
    assert a == b and len(a) == 64 and VALID not in a
    assert a.startswith("k1:") and key_id_of(a) == "k1"
    assert idnumber.digest(VALID, DigestKey("k1", "secret-two")) != a
    rotated = idnumber.digest(VALID, DigestKey("k2", "secret-two"))
    assert key_id_of(rotated) == "k2" and rotated[3:] != a[3:]


FULL_WIDTH = VALID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


@pytest.mark.parametrize("typed", [FULL_WIDTH, f"　{VALID}　", f" {VALID[:6]} {VALID[6:]} ", VALID.lower()])
def test_full_width_and_spaced_numbers_normalise_to_the_same_number_and_digest(typed):
    key = DigestKey("k1", "secret-one")
    assert idnumber.validate(typed) == VALID
    assert idnumber.digest(typed, key) == idnumber.digest(VALID, key)


@pytest.mark.parametrize(
    "typed",
    [
        VALID[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + "X",  # Arabic-Indic: \\d matches them
        VALID[:-1] + "\u0663",
        VALID[:-1] + "\n",
    ],
)
def test_digits_of_other_scripts_are_refused(typed):
    with pytest.raises(InvalidIdNumber, match="18 characters"):
        idnumber.validate(typed)
