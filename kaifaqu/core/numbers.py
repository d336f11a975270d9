"""Every number the product shows, formatted in one place (docs/architecture.md, "Numbers and
wording").

Pure functions on ``Decimal``: values come in as ``int``, ``str`` or ``Decimal`` (a ``float``
is refused, so no binary rounding sneaks in) and are rounded half up exactly once, for
display. Chinese wording follows National Bureau of Statistics usage
(specs/report-format.md, "Wording"); ``lang="en"`` gives the same figures in English words.
The words live in the tables below, not in the code paths.

Chinese output has no spaces and no thousands separators ("增长8.0%", "20575万元"); English
amounts group thousands ("156,260"). Signs never appear in a change phrase: a fall is worded,
not written with a minus sign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from cn2an import an2cn

Number = int | str | Decimal

LANGS = ("zh", "en")

# Phrase templates per language; {n} is the displayed number.
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "up": "增长{n}%",
        "down": "下降{n}%",
        "flat": "持平",
        "pp_up": "提高{n}个百分点",
        "pp_down": "回落{n}个百分点",
        "fall_narrowed": "降幅收窄{n}个百分点",
        "fall_widened": "降幅扩大{n}个百分点",
        "count_up": "增加{n}{unit}",
        "count_down": "减少{n}{unit}",
        "share": "占{whole}的{n}%",
        "progress": "占{target}的{n}%",
        "rank": "列{scope}第{ordinal}位",
        "rank_first": "居{scope}{first}",
        "multiple": "是{base}的{n}倍",
    },
    "en": {
        "up": "up {n}%",
        "down": "down {n}%",
        "flat": "unchanged",
        "pp_up": "up {n} {points}",
        "pp_down": "down {n} {points}",
        "fall_narrowed": "the fall narrowed by {n} {points}",
        "fall_widened": "the fall widened by {n} {points}",
        "count_up": "{n} more",
        "count_down": "{n} fewer",
        "share": "{n}% of {whole}'s total",
        "progress": "{n}% of {target}",
        "rank": "ranked {ordinal} in {scope}",
        "rank_first": "ranked first in {scope}",
        "multiple": "{n} times {base}",
    },
}

# Chinese terms a caller passes as scope / whole / target / base, with their English words.
# A term not listed is used as given in either language.
TERMS: dict[str, str] = {
    "全市": "the city",
    "全区": "the district",
    "全省": "the province",
    "全国": "the country",
    "年度任务": "the annual target",
    "年度计划": "the annual plan",
    "年度投资计划": "the annual investment plan",
    "去年全年": "last year's full-year total",
    "去年同期": "the same period last year",
}

# unit: (decimals kept at most when none are asked for, English unit, English power-of-ten
# shift). English restates 亿元 as billions and 万元 as millions exactly (185亿元 = 18.5
# billion yuan); counts show the bare number in English, the noun comes from the sentence.
UNITS: dict[str, tuple[int, str, int]] = {
    "元": (2, "yuan", 0),
    "万元": (2, "million yuan", -2),
    "亿元": (2, "billion yuan", -1),
    "平方公里": (2, "km²", 0),
    "万平方米": (2, "m²", 4),
    "公里": (2, "km", 0),
    "km": (2, "km", 0),
    "亩": (2, "mu", 0),
    **dict.fromkeys(("个", "家", "人", "名", "户", "所", "项", "期"), (0, "", 0)),
}

MONEY_EXPONENTS: dict[str, int] = {"元": 0, "万元": 4, "亿元": 8}

# ASCII punctuation and its full-width form for Chinese prose.
FULLWIDTH: dict[str, str] = {
    ",": "，",
    ";": "；",
    ":": "：",
    "(": "（",
    ")": "）",
    "?": "？",
    "!": "！",
}
_PUNCT_RE = re.compile(r"[,;:()?!]")
_THOUSANDS_AFTER = re.compile(r"[0-9]{3}(?![0-9])")


# --- Decimal plumbing -------------------------------------------------------------------


def to_decimal(value: Number) -> Decimal:
    """The value as a finite ``Decimal``; floats and booleans are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise TypeError(f"expected int, str or Decimal, not {type(value).__name__}")
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _no_negative_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value


def round_half_up(value: Number, decimals: int = 0) -> Decimal:
    """``value`` rounded half up (away from zero on a tie) to ``decimals`` places; never -0."""
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, not {decimals!r}")
    d = to_decimal(value)
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + decimals + 2, len(d.as_tuple().digits) + 2)
        rounded = d.quantize(Decimal(f"1E-{decimals}"), rounding=ROUND_HALF_UP)
    return _no_negative_zero(rounded)


def _strip(value: Decimal) -> Decimal:
    """Trailing fractional zeros dropped: 1.60 -> 1.6, 37.0 -> 37, 100 stays 100."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits))
        return _no_negative_zero(value.normalize())


def _subtract(a: Decimal, b: Decimal) -> Decimal:
    """a - b exactly, whatever the size (the default context would round past 28 digits)."""
    with localcontext() as ctx:
        low = min(a.as_tuple().exponent, b.as_tuple().exponent, 0)
        ctx.prec = max(28, max(a.adjusted(), b.adjusted(), 0) - int(low) + 3)
        return _no_negative_zero(a - b)


def _plain(value: Decimal, *, group: bool = False) -> str:
    """Positional notation (never 1E+2), thousands grouped only when asked."""
    return format(value, ",f" if group else "f")


def _words(lang: str) -> dict[str, str]:
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return WORDS[lang]


def _term(word: str, lang: str) -> str:
    return TERMS.get(word, word) if lang == "en" else word


def _points(n: str) -> str:
    return "percentage point" if n == "1" else "percentage points"


# --- amounts ----------------------------------------------------------------------------


def format_amount(
    value: Number, unit: str, decimals: int | None = None, *, lang: str = "zh"
) -> str:
    """An amount with its unit: ``format_amount(185, "亿元", 0)`` -> "185亿元".

    ``decimals=None`` keeps up to the unit's usual places without trailing zeros (34.4亿元,
    64.13亿元, 192亿元; 382.4万元; counts as integers). English restates the same rounded
    figure exactly (185亿元 -> "18.5 billion yuan"; 50个 -> "50").
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")
    max_decimals, en_unit, en_shift = UNITS[unit]
    shown = round_half_up(value, max_decimals if decimals is None else decimals)
    if decimals is None:
        shown = _strip(shown)
    _words(lang)
    if lang == "zh":
        return f"{_plain(shown)}{unit}"
    with localcontext() as ctx:
        ctx.prec = max(28, len(shown.as_tuple().digits) + 2)
        english = _strip(shown.scaleb(en_shift))
    return f"{_plain(english, group=True)} {en_unit}".rstrip()


def scale(value: Number, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion between 元, 万元 and 亿元 (no rounding): 1000万元 -> 0.1亿元."""
    for unit in (from_unit, to_unit):
        if unit not in MONEY_EXPONENTS:
            raise ValueError(f"scale converts {', '.join(MONEY_EXPONENTS)}, not {unit!r}")
    d = to_decimal(value)
    with localcontext() as ctx:
        ctx.prec = max(28, len(d.as_tuple().digits) + 2)
        return d.scaleb(MONEY_EXPONENTS[from_unit] - MONEY_EXPONENTS[to_unit])


# --- rates and changes ------------------------------------------------------------------


def percent(value: Number, decimals: int = 1) -> str:
    """A rate or share as shown: "33.7%", "5.0%" (keeps the decimals asked for)."""
    return f"{_plain(round_half_up(value, decimals))}%"


def growth_phrase(pct: Number, decimals: int = 1, *, lang: str = "zh") -> str:
    """增长8.0% / 下降3.2% / 持平 (zero once rounded); over 100% stays a percentage."""
    words = _words(lang)
    shown = round_half_up(pct, decimals)
    if shown.is_zero():
        return words["flat"]
    return words["up" if shown > 0 else "down"].format(n=_plain(shown.copy_abs()))


def pp_phrase(diff: Number, decimals: int = 1, *, lang: str = "zh") -> str:
    """A given change in percentage points: 提高1.98个百分点 / 回落0.6个百分点 / 持平."""
    words = _words(lang)
    shown = round_half_up(diff, decimals)
    if shown.is_zero():
        return words["flat"]
    n = _plain(shown.copy_abs())
    return words["pp_up" if shown > 0 else "pp_down"].format(n=n, points=_points(n))


def displayed_pp_diff(current_rate: Number, prior_rate: Number, decimals: int = 1) -> Decimal:
    """The change between two rates as a reader can check it: each rounded first, then
    subtracted (8.04 and 7.45 show as 8.0 and 7.5, so the change is 0.5, not 0.6)."""
    return _subtract(round_half_up(current_rate, decimals), round_half_up(prior_rate, decimals))


def pp_change_phrase(
    current_rate: Number, prior_rate: Number, decimals: int = 1, *, lang: str = "zh"
) -> str:
    """提高 / 回落 X个百分点 or 持平, from the rates as displayed; when both rates are a
    fall (negative), 降幅收窄 / 降幅扩大 X个百分点."""
    words = _words(lang)
    current = round_half_up(current_rate, decimals)
    prior = round_half_up(prior_rate, decimals)
    diff = _subtract(current, prior)
    if diff.is_zero():
        return words["flat"]
    n = _plain(diff.copy_abs())
    if current < 0 and prior < 0:
        key = "fall_narrowed" if diff > 0 else "fall_widened"
    else:
        key = "pp_up" if diff > 0 else "pp_down"
    return words[key].format(n=n, points=_points(n))


def count_change_phrase(diff: Number, unit: str, *, lang: str = "zh") -> str:
    """A change in a count: 增加11家 / 减少3家 / 持平 (English: "11 more", "3 fewer")."""
    words = _words(lang)
    d = to_decimal(diff)
    if d != d.to_integral_value():
        raise ValueError(f"a count changes by whole numbers, not {diff!r}")
    if d.is_zero():
        return words["flat"]
    n = _plain(round_half_up(d.copy_abs()))
    return words["count_up" if d > 0 else "count_down"].format(n=n, unit=unit)


# --- shares, progress, multiples, structure ---------------------------------------------


def share_phrase(pct: Number, decimals: int = 1, whole: str = "全市", *, lang: str = "zh") -> str:
    """占全市的21.2% ("21.2% of the city's total")."""
    return _words(lang)["share"].format(
        n=_plain(round_half_up(pct, decimals)), whole=_term(whole, lang)
    )


def progress_phrase(
    pct: Number, decimals: int = 0, target_word: str = "年度任务", *, lang: str = "zh"
) -> str:
    """占年度任务的81% / 占年度投资计划的74.3% ("81% of the annual target")."""
    return _words(lang)["progress"].format(
        n=_plain(round_half_up(pct, decimals)), target=_term(target_word, lang)
    )


def multiple_phrase(
    ratio: Number, decimals: int = 2, *, base: str = "去年全年", lang: str = "zh"
) -> str:
    """是去年全年的1.6倍: rounded to ``decimals``, trailing zeros dropped (1.60 -> 1.6)."""
    shown = round_half_up(ratio, decimals)
    if shown < 0:
        raise ValueError(f"a multiple cannot be negative: {ratio!r}")
    return _words(lang)["multiple"].format(n=_plain(_strip(shown)), base=_term(base, lang))


def structure_ratio(
    parts: Iterable[Number], decimals: int = 1, *, strip_zeros: bool = False
) -> str:
    """Shares joined by ":" as in 三次产业比例 "2.4:60.6:37.0" (``strip_zeros=True``:
    "2.4:60.6:37"). Each part is rounded on its own, so the shown parts may not add up to
    exactly 100; this only formats and does not adjust them."""
    shown = [round_half_up(part, decimals) for part in parts]
    if len(shown) < 2:
        raise ValueError("a structure ratio needs at least two parts")
    if any(part < 0 for part in shown):
        raise ValueError("structure shares cannot be negative")
    return ":".join(_plain(_strip(part) if strip_zeros else part) for part in shown)


# --- ordinals and ranks -----------------------------------------------------------------


def _check_rank(rank: int) -> int:
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise ValueError(f"a rank is a positive integer, not {rank!r}")
    return rank


def ordinal(rank: int, *, lang: str = "zh", arabic: bool = False) -> str:
    """第二 / 第十二 (cn2an's an2cn on this one number), 第2 with ``arabic``; "2nd" in English."""
    _check_rank(rank)
    _words(lang)
    if lang == "en":
        suffix = (
            "th" if rank % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
        )
        return f"{rank}{suffix}"
    return f"第{rank if arabic else an2cn(rank)}"


def rank_phrase(
    rank: int,
    scope: str = "全市",
    *,
    first_word: str | None = None,
    arabic: bool = False,
    lang: str = "zh",
) -> str:
    """列全市第二位 (列全市第2位 with ``arabic``); rank 1 with ``first_word="首位"``:
    居全市首位. English: "ranked 2nd in the city", "ranked first in the city"."""
    words = _words(lang)
    _check_rank(rank)
    where = _term(scope, lang)
    if rank == 1 and first_word:
        return words["rank_first"].format(scope=where, first=first_word)
    number = ordinal(rank, lang=lang, arabic=arabic).removeprefix("第")
    return words["rank"].format(scope=where, ordinal=number)


# --- punctuation ------------------------------------------------------------------------


def _is_digit(char: str) -> bool:
    return len(char) == 1 and char in "0123456789"


def _fullwidth(match: re.Match[str]) -> str:
    char, text, at = match.group(), match.string, match.start()
    after_digit = at > 0 and _is_digit(text[at - 1])
    if char == ":" and (
        (after_digit and _is_digit(text[at + 1 : at + 2])) or text.startswith("//", at + 1)
    ):
        return char  # a ratio such as 2.4:60.6:37, a time, or a URL scheme
    if char == "," and after_digit and _THOUSANDS_AFTER.match(text, at + 1):
        return char  # a thousands separator, as in 1,000
    return FULLWIDTH[char]


def to_fullwidth_punct(text: str) -> str:
    """Chinese prose with full-width ，；：（）？！ in place of ASCII ones; digits, ".", "%",
    ":" between digits (2.4:60.6:37) and thousands separators (1,000) stay half-width."""
    return _PUNCT_RE.sub(_fullwidth, text)


# --- numbers as stored, and lists in prose ------------------------------------------------


def decimal_text(value: Number, decimals: int) -> str:
    """A number shown with the metric's decimals, half up: "185.00" for 185.000000 and 2."""
    return _plain(round_half_up(value, decimals))


def stored_text(value: Number) -> str:
    """A stored number as it was meant, without the database's trailing zeros:
    185.000000 -> "185", 171.300000 -> "171.3"."""
    return _plain(_strip(to_decimal(value)))


#: How a list of items is joined in prose: 洽谈、退库 in Chinese, "talks, withdrawn" in English.
LIST_SEPARATORS: dict[str, str] = {"zh": "、", "en": ", "}


def join_list(items: Iterable[object], *, lang: str = "zh") -> str:
    """Items joined as a sentence of the language lists them: 洽谈、退库 / talks, withdrawn."""
    _words(lang)
    return LIST_SEPARATORS[lang].join(str(item) for item in items)


def active_lang() -> str:
    """The ``lang`` of the page being answered ("zh" or "en"), for a view or a template tag to
    pass to the functions above (which never read it themselves)."""
    from django.utils.translation import get_language

    return "en" if (get_language() or "").startswith("en") else "zh"


#: Units said on their own (a table's unit column) in English, beyond ``UNITS``' amounts.
UNIT_WORDS_EN: dict[str, str] = {"年": "", "户": "households", "人": "people", "%": "%"}


def unit_word(unit: str, *, lang: str = "zh") -> str:
    """A unit as a column beside a bare number says it: 平方公里 / km², 人 / people."""
    _words(lang)
    if lang == "zh":
        return unit
    if unit in UNIT_WORDS_EN:
        return UNIT_WORDS_EN[unit]
    return UNITS[unit][1] if unit in UNITS and UNITS[unit][2] == 0 else unit
