"""Certificate codes: long enough to be unguessable, easy to read, forgiving to type."""

from __future__ import annotations

import re

from lms.plugins.certificates import codes


def test_codes_have_at_least_128_random_bits_in_readable_groups():
    code = codes.new_code()
    assert len(code) == 28
    assert codes.BITS >= 128
    assert len(code) * 5 >= 128  # 5 bits per Crockford character
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{28}", code)  # no I, L, O, U
    shown = codes.display(code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", shown)


def test_codes_are_unique_and_use_the_whole_alphabet():
    many = [codes.new_code() for _ in range(5000)]
    assert len(set(many)) == len(many)
    assert set("".join(many)) == set(codes.ALPHABET)
    # Every position varies (no fixed prefix that would cut the entropy).
    for position in range(28):
        assert len({code[position] for code in many}) == 32


def test_typed_codes_are_normalised():
    code = codes.new_code()
    shown = codes.display(code)
    assert codes.normalise(shown) == code
    assert codes.normalise(shown.lower()) == code
    assert codes.normalise(code) == code
    assert codes.normalise(" " + shown.replace("-", " ") + " ") == code
    assert codes.normalise("O" + code[1:]) == "0" + code[1:]
    assert codes.normalise("l" + code[1:]) == "1" + code[1:]


def test_non_codes_are_refused():
    assert codes.normalise("") is None
    assert codes.normalise("short") is None
    assert codes.normalise("U" * 28) is None  # U is not in the alphabet
    assert codes.normalise("A" * 29) is None
    assert codes.normalise("A" * 27 + "!") is None
