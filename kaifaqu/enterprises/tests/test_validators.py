"""统一社会信用代码 (GB 32100-2015) and GB/T 4754-2017 codes."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.enterprises.validators import (
    ALPHABET,
    credit_code_check_char,
    credit_code_problem,
    industry_code_problem,
    industry_parent_code,
    make_credit_code,
    normalise_credit_code,
    org_code_check_char,
    validate_credit_code,
    validate_industry_code,
)

#: Codes published by the enterprises themselves (both check characters hold).
REAL_CODES = ["9144030071526726XG", "91350100M000100Y43", "91110000802100433B"]

codes = st.builds(
    make_credit_code,
    st.sampled_from("123456789ANY"),
    st.sampled_from("123456789"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=8, max_size=8),
)


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_are_valid(code):
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


@given(codes)
def test_a_generated_code_passes(code):
    assert len(code) == 18
    validate_credit_code(code)


@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET + "IOZSV#a "))
def test_any_single_character_changed_fails(code, position, char):
    changed = code[:position] + char + code[position + 1 :]
    if changed == code:
        return
    with pytest.raises(ValidationError):
        validate_credit_code(changed)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9144030071526726X", "A unified social credit code has 18 characters; this one has 17."),
        ("9144030071526726XO", "“O” cannot appear in a unified social credit code"),
        ("0144030071526726XG", "The first two characters (registration authority and kind)"),
        ("91440A0071526726XG", "Characters 3 to 8 are the administrative division code"),
        ("9144030071526727XG", "The organisation code inside it (characters 9 to 17)"),
        ("9144030071526726XH", "The check character (the 18th) does not match"),
    ],
)
def test_each_problem_is_named(code, message):
    assert credit_code_problem(code).startswith(message)


def test_typing_is_forgiven_but_not_corrected():
    assert normalise_credit_code(" 9144030071526726xg ") == "9144030071526726XG"
    assert normalise_credit_code(None) == ""


@pytest.mark.parametrize("code", ["C", "C38", "C384", "C3841", "L7223", "A0511", "T97", "S96"])
def test_industry_codes(code):
    validate_industry_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("3841", "“3841” is not an industry code"),
        ("C38412", "“C38412” is not an industry code"),
        ("U01", "“U01” is not an industry code"),
        ("C12", "Division 12 does not belong to section C."),
        ("S97", "Division 97 does not belong to section S."),
    ],
)
def test_bad_industry_codes(code, message):
    assert industry_code_problem(code).startswith(message)


def test_industry_parents():
    assert [industry_parent_code(c) for c in ("C3841", "C384", "C38", "C")] == [
        "C384",
        "C38",
        "C",
        None,
    ]
