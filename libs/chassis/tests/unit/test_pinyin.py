"""Pinyin keys (``chassis.pinyin``): minority and rare names, and the directory's loose match."""

from __future__ import annotations

from chassis import pinyin


def test_pinyin_keys_for_minority_and_rare_names():
    assert pinyin.full("艾克拜尔·米吉提") == "ai ke bai er mi ji ti"
    assert pinyin.initials("张三") == "zs"
    assert pinyin.full("𠀋") == "𠀋"


def test_a_query_matches_characters_full_pinyin_or_initials_in_any_text():
    assert pinyin.matches("rongzi", "张伟", "融资担保")
    assert pinyin.matches("Rong Zi", "融资担保")
    assert pinyin.matches("rzdb", "融资担保")
    assert pinyin.matches("融资", None, "融资担保")
    assert pinyin.matches("zhangwei", "张伟")
    assert not pinyin.matches("falv", "张伟", "融资担保")
    assert not pinyin.matches("zw", None)
    assert pinyin.matches("  ", "任何")
