"""Codes of enterprises and industries: 统一社会信用代码 (GB 32100-2015) and GB/T 4754-2017.

A unified social credit code has 18 characters from a 31-character alphabet (digits and the
capital letters without I, O, Z, S, V):

    1      registration authority (9 = market regulation, 1 = establishment offices, 5 = civil
           affairs, …)
    2      kind of organisation within that authority (1–9)
    3–8    administrative division code (6 digits)
    9–17   organisation code (组织机构代码, GB 11714: 8 characters and its own check character)
    18     check character over the first 17, mod 31

Both check characters are verified: a mistyped character changes the mod-31 sum, since every
weight is a power of 3 and 31 is prime, so any single-character error is caught.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
#: Weights of positions 1–17: 3**(i) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: Registration authorities of GB 32100-2015 (1–9, A 中央军委改革和编制办公室, N 农业, Y 其他).
AUTHORITIES = frozenset("123456789ANY")

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(rf"[{ALPHABET}]{{18}}")


def normalise_credit_code(text: str | None) -> str:
    """As people type it: surrounding spaces and lower case are forgiven, nothing else."""
    return (text or "").strip().upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a code whose first 17 characters are given."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The check character of a 组织机构代码 (GB 11714) whose first 8 characters are given."""

    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    remainder = 11 - sum(value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None if it is."""
    if len(code) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)d.") % {
            "n": len(code)
        }
    if not _SHAPE.fullmatch(code):
        bad = next(ch for ch in code if ch not in _VALUE)
        return _(
            "“%(char)s” cannot appear in a unified social credit code (digits and capital "
            "letters except I, O, Z, S and V)."
        ) % {"char": bad}
    if code[0] not in AUTHORITIES or not ("1" <= code[1] <= "9"):
        return _("The first two characters (registration authority and kind) are not valid.")
    if not code[2:8].isdigit():
        return _("Characters 3 to 8 are the administrative division code: six digits.")
    if org_code_check_char(code[8:16]) != code[16]:
        return _("The organisation code inside it (characters 9 to 17) fails its check.")
    if credit_code_check_char(code[:17]) != code[17]:
        return _("The check character (the 18th) does not match: the code is mistyped.")
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="credit_code")


def make_credit_code(authority: str, kind: str, division: str, org_body: str) -> str:
    """A valid code from its parts (both check characters computed): demo data and tests."""
    first16 = f"{authority}{kind}{division}{org_body}"
    first17 = first16 + org_code_check_char(org_body)
    return first17 + credit_code_check_char(first17)


# --- GB/T 4754-2017 ---------------------------------------------------------------------

#: Sections (门类) and the divisions (大类) each holds.
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
_INDUSTRY = re.compile(r"([A-T])(\d{2,4})?")


def industry_code_problem(code: str) -> str | None:
    """Why ``code`` is not a GB/T 4754-2017 code written as section letter + 2–4 digits."""
    match = _INDUSTRY.fullmatch(code)
    if match is None:
        return _(
            "“%(code)s” is not an industry code: write the section letter and 2 to 4 digits, "
            "as in C3841."
        ) % {"code": code}
    section, digits = match.groups()
    if digits:
        low, high = SECTIONS[section]
        if not low <= int(digits[:2]) <= high:
            return _("Division %(division)s does not belong to section %(section)s.") % {
                "division": digits[:2],
                "section": section,
            }
    return None


def validate_industry_code(value: str) -> None:
    problem = industry_code_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="industry_code")


def industry_parent_code(code: str) -> str | None:
    """The code one level up: C3841 → C384 → C38 → C; a section has none."""
    if len(code) == 1:
        return None
    if len(code) == 3:
        return code[0]
    return code[:-1]
