import pytest

from evaluation.domain.phone import InvalidMobile, normalise_mobile


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "+86 138-0013-8000", "+8613800138000", "008613800138000", "8613800138000", "１３８００１３８０００",
     "（138）0013 8000", " 138 0013 8000 "],
)  # fmt: skip
def test_every_way_of_typing_one_number_gives_the_same_digits(typed):
    assert normalise_mobile(typed) == "13800138000"


@pytest.mark.parametrize(
    "bad", ["", None, "1380013800", "138001380001", "23800138000", "12800138000", "١٣٨٠٠١٣٨٠٠٠", "+1 13800138000",
            "1380013800x"],
)  # fmt: skip
def test_anything_else_is_not_a_mainland_mobile(bad):
    with pytest.raises(InvalidMobile):
        normalise_mobile(bad)
