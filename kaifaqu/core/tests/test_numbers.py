"""Every number a reader sees: the seed report's figures come out as the seed writes them."""

import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.core import numbers as n

D = Decimal


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.25", 1, D("2.3")),
        ("2.35", 1, D("2.4")),
        ("-2.25", 1, D("-2.3")),
        ("2.45", 1, D("2.5")),  # half up, not banker's rounding to 2.4
        ("0.5", 0, D("1")),
        ("326.7", 0, D("327")),
        ("38.888", 1, D("38.9")),
        (8, 1, D("8.0")),
        (D("7.45"), 1, D("7.5")),
        ("-0.04", 1, D("0.0")),
        ("123456789012345678901234567890.55", 1, D("123456789012345678901234567890.6")),
    ],
)
def test_round_half_up(value, decimals, expected):
    result = n.round_half_up(value, decimals)
    assert result == expected
    assert str(result) == str(expected)  # same places, and never "-0.0"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (2.25, TypeError),
        (True, TypeError),
        (None, TypeError),
        ("abc", ValueError),
        ("NaN", ValueError),
        ("Infinity", ValueError),
    ],
)
def test_only_exact_finite_numbers_are_accepted(value, error):
    with pytest.raises(error):
        n.round_half_up(value, 1)


@pytest.mark.parametrize("decimals", [-1, 1.0, True])
def test_decimals_must_be_a_non_negative_integer(decimals):
    with pytest.raises(ValueError, match="decimals"):
        n.round_half_up("1.5", decimals)


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "lang", "expected"),
    [
        (D("185"), "亿元", 0, "zh", "185亿元"),
        ("34.4", "亿元", None, "zh", "34.4亿元"),
        ("34.40", "亿元", None, "zh", "34.4亿元"),
        ("64.13", "亿元", None, "zh", "64.13亿元"),
        ("64.135", "亿元", None, "zh", "64.14亿元"),
        (192, "亿元", None, "zh", "192亿元"),
        ("2.0", "亿元", 1, "zh", "2.0亿元"),
        ("382.4", "万元", None, "zh", "382.4万元"),
        (1000, "万元", None, "zh", "1000万元"),
        (20575, "万元", None, "zh", "20575万元"),
        (50, "个", None, "zh", "50个"),
        (156260, "人", None, "zh", "156260人"),
        ("44.5", "家", None, "zh", "45家"),
        (16, "名", None, "zh", "16名"),
        (62504, "户", None, "zh", "62504户"),
        (11, "所", None, "zh", "11所"),
        (12, "项", None, "zh", "12项"),
        (320, "平方公里", None, "zh", "320平方公里"),
        ("365.7", "亩", None, "zh", "365.7亩"),
        (185, "亿元", None, "en", "18.5 billion yuan"),
        ("64.13", "亿元", None, "en", "6.413 billion yuan"),
        ("382.4", "万元", None, "en", "3.824 million yuan"),
        (1000, "万元", None, "en", "10 million yuan"),
        (20575, "万元", None, "en", "205.75 million yuan"),
        (80, "万平方米", None, "en", "800,000 m²"),
        (156260, "人", None, "en", "156,260"),
        ("7.3", "公里", None, "en", "7.3 km"),
    ],
)
def test_format_amount(value, unit, decimals, lang, expected):
    assert n.format_amount(value, unit, decimals, lang=lang) == expected


def test_format_amount_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="unknown unit"):
        n.format_amount(1, "亿")


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (1000, "万元", "亿元", D("0.1")),
        (20575, "万元", "亿元", D("2.0575")),
        ("2.0575", "亿元", "万元", D("20575")),
        ("382.4", "万元", "元", D("3824000")),
        (185, "亿元", "亿元", D("185")),
        ("0.01", "元", "亿元", D("1E-10")),
    ],
)
def test_scale_is_exact(value, from_unit, to_unit, expected):
    assert n.scale(value, from_unit, to_unit) == expected


def test_scale_only_converts_money():
    with pytest.raises(ValueError, match="scale converts"):
        n.scale(1, "亩", "万元")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [("33.7", 1, "33.7%"), (5, 1, "5.0%"), ("94.44", 1, "94.4%"), ("112.75", 0, "113%")],
)
def test_percent(value, decimals, expected):
    assert n.percent(value, decimals) == expected


@pytest.mark.parametrize(
    ("pct", "decimals", "lang", "expected"),
    [
        (8, 1, "zh", "增长8.0%"),
        ("8.04", 1, "zh", "增长8.0%"),
        ("72.1", 1, "zh", "增长72.1%"),
        ("-3.2", 1, "zh", "下降3.2%"),
        ("-2.25", 1, "zh", "下降2.3%"),
        ("2.25", 1, "zh", "增长2.3%"),
        ("2.35", 1, "zh", "增长2.4%"),
        (0, 1, "zh", "持平"),
        ("0.04", 1, "zh", "持平"),
        ("-0.04", 1, "zh", "持平"),
        ("-0.05", 1, "zh", "下降0.1%"),
        ("326.7", 0, "zh", "增长327%"),
        ("326.7", 1, "zh", "增长326.7%"),
        ("117", 1, "zh", "增长117.0%"),
        (8, 1, "en", "up 8.0%"),
        ("-3.2", 1, "en", "down 3.2%"),
        (0, 1, "en", "unchanged"),
        ("326.7", 0, "en", "up 327%"),
    ],
)
def test_growth_phrase(pct, decimals, lang, expected):
    assert n.growth_phrase(pct, decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("current", "prior", "decimals", "lang", "expected"),
    [
        (8, "7.4", 1, "zh", "提高0.6个百分点"),
        ("7.4", 8, 1, "zh", "回落0.6个百分点"),
        ("8.04", "7.45", 1, "zh", "提高0.5个百分点"),  # 8.0 − 7.5 as shown, not 0.59 → 0.6
        ("7.45", "8.04", 1, "zh", "回落0.5个百分点"),
        ("8.04", "7.96", 1, "zh", "持平"),  # both show as 8.0
        ("8.0", "8", 1, "zh", "持平"),
        ("-3.2", "-5.0", 1, "zh", "降幅收窄1.8个百分点"),
        ("-5.0", "-3.2", 1, "zh", "降幅扩大1.8个百分点"),
        ("-3.2", "-3.2", 1, "zh", "持平"),
        ("2.0", "-1.0", 1, "zh", "提高3.0个百分点"),  # from a fall back to growth
        ("-1.0", "2.0", 1, "zh", "回落3.0个百分点"),  # from growth to a fall
        ("-0.04", "-1.0", 1, "zh", "提高1.0个百分点"),  # -0.04 shows as 0.0, not a fall
        ("37.0", "36.9", 1, "zh", "提高0.1个百分点"),
        ("33.7", "31.72", 2, "zh", "提高1.98个百分点"),
        (8, "7.4", 1, "en", "up 0.6 percentage points"),
        ("7.4", 8, 1, "en", "down 0.6 percentage points"),
        (8, 8, 1, "en", "unchanged"),
        ("-3.2", "-5.0", 1, "en", "the fall narrowed by 1.8 percentage points"),
        ("-5.0", "-3.2", 1, "en", "the fall widened by 1.8 percentage points"),
        (9, 8, 0, "en", "up 1 percentage point"),
    ],
)
def test_pp_change_phrase(current, prior, decimals, lang, expected):
    assert n.pp_change_phrase(current, prior, decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("current", "prior", "decimals", "expected"),
    [("8.04", "7.45", 1, D("0.5")), ("7.45", "8.04", 1, D("-0.5")), ("8.04", "7.96", 1, D(0))],
)
def test_displayed_pp_diff(current, prior, decimals, expected):
    assert n.displayed_pp_diff(current, prior, decimals) == expected


@pytest.mark.parametrize(
    ("diff", "decimals", "lang", "expected"),
    [
        ("1.98", 2, "zh", "提高1.98个百分点"),
        ("0.1", 1, "zh", "提高0.1个百分点"),
        ("0.6", 1, "zh", "提高0.6个百分点"),
        ("-0.6", 1, "zh", "回落0.6个百分点"),
        ("-0.25", 1, "zh", "回落0.3个百分点"),
        (0, 1, "zh", "持平"),
        ("0.004", 2, "zh", "持平"),
        ("1.98", 2, "en", "up 1.98 percentage points"),
        ("-0.6", 1, "en", "down 0.6 percentage points"),
        (0, 1, "en", "unchanged"),
    ],
)
def test_pp_phrase(diff, decimals, lang, expected):
    assert n.pp_phrase(diff, decimals, lang=lang) == expected


@pytest.mark.parametrize(
    ("diff", "unit", "lang", "expected"),
    [
        (11, "家", "zh", "增加11家"),
        (-3, "家", "zh", "减少3家"),
        (0, "家", "zh", "持平"),
        ("15", "家", "zh", "增加15家"),
        (D("62.0"), "家", "zh", "增加62家"),
        (5, "个", "zh", "增加5个"),
        (11, "家", "en", "11 more"),
        (-3, "家", "en", "3 fewer"),
        (0, "家", "en", "unchanged"),
    ],
)
def test_count_change_phrase(diff, unit, lang, expected):
    assert n.count_change_phrase(diff, unit, lang=lang) == expected


def test_a_count_changes_by_whole_numbers():
    with pytest.raises(ValueError, match="whole numbers"):
        n.count_change_phrase("1.5", "家")


@pytest.mark.parametrize(
    ("pct", "decimals", "whole", "lang", "expected"),
    [
        ("21.2", 1, "全市", "zh", "占全市的21.2%"),
        ("18.3", 1, "全市", "zh", "占全市的18.3%"),
        (29, 0, "全市", "zh", "占全市的29%"),
        ("21.25", 1, "全省", "zh", "占全省的21.3%"),
        ("21.2", 1, "全市", "en", "21.2% of the city's total"),
        ("21.2", 1, "Dezhou", "en", "21.2% of Dezhou's total"),
    ],
)
def test_share_phrase(pct, decimals, whole, lang, expected):
    assert n.share_phrase(pct, decimals, whole, lang=lang) == expected


@pytest.mark.parametrize(
    ("pct", "decimals", "target", "lang", "expected"),
    [
        (81, 0, "年度任务", "zh", "占年度任务的81%"),
        ("66.7", 0, "年度任务", "zh", "占年度任务的67%"),
        (80, 0, "年度投资计划", "zh", "占年度投资计划的80%"),
        ("74.3", 1, "年度投资计划", "zh", "占年度投资计划的74.3%"),
        (81, 0, "年度任务", "en", "81% of the annual target"),
        ("74.3", 1, "年度投资计划", "en", "74.3% of the annual investment plan"),
    ],
)
def test_progress_phrase(pct, decimals, target, lang, expected):
    assert n.progress_phrase(pct, decimals, target, lang=lang) == expected


@pytest.mark.parametrize(
    ("rank", "kwargs", "expected"),
    [
        (2, {}, "列全市第二位"),
        (2, {"arabic": True}, "列全市第2位"),
        (12, {}, "列全市第十二位"),
        (10, {}, "列全市第十位"),
        (20, {"scope": "全省"}, "列全省第二十位"),
        (1, {}, "列全市第一位"),
        (1, {"first_word": "首位"}, "居全市首位"),
        (2, {"first_word": "首位"}, "列全市第二位"),
        (2, {"lang": "en"}, "ranked 2nd in the city"),
        (1, {"lang": "en"}, "ranked 1st in the city"),
        (1, {"first_word": "首位", "lang": "en"}, "ranked first in the city"),
        (13, {"lang": "en", "scope": "全省"}, "ranked 13th in the province"),
    ],
)
def test_rank_phrase(rank, kwargs, expected):
    assert n.rank_phrase(rank, **kwargs) == expected


@pytest.mark.parametrize(
    ("rank", "lang", "expected"),
    [
        (1, "zh", "第一"),
        (2, "zh", "第二"),
        (12, "zh", "第十二"),
        (101, "zh", "第一百零一"),
        (1, "en", "1st"),
        (2, "en", "2nd"),
        (3, "en", "3rd"),
        (4, "en", "4th"),
        (11, "en", "11th"),
        (12, "en", "12th"),
        (13, "en", "13th"),
        (21, "en", "21st"),
        (22, "en", "22nd"),
        (111, "en", "111th"),
        (123, "en", "123rd"),
    ],
)
def test_ordinal(rank, lang, expected):
    assert n.ordinal(rank, lang=lang) == expected


@pytest.mark.parametrize("rank", [0, -1, True, "2", D(2)])
def test_a_rank_is_a_positive_integer(rank):
    with pytest.raises(ValueError, match="positive integer"):
        n.rank_phrase(rank)


@pytest.mark.parametrize(
    ("ratio", "decimals", "kwargs", "expected"),
    [
        ("1.6", 2, {}, "是去年全年的1.6倍"),
        ("1.60", 2, {}, "是去年全年的1.6倍"),
        ("1.84", 2, {}, "是去年全年的1.84倍"),
        ("1.845", 2, {}, "是去年全年的1.85倍"),
        (2, 2, {}, "是去年全年的2倍"),
        ("1.6", 1, {"base": "去年同期"}, "是去年同期的1.6倍"),
        ("1.6", 2, {"lang": "en"}, "1.6 times last year's full-year total"),
    ],
)
def test_multiple_phrase(ratio, decimals, kwargs, expected):
    assert n.multiple_phrase(ratio, decimals, **kwargs) == expected


@pytest.mark.parametrize(
    ("parts", "decimals", "strip_zeros", "expected"),
    [
        (["2.4", "60.6", "37"], 1, False, "2.4:60.6:37.0"),
        (["2.4", "60.6", "37"], 1, True, "2.4:60.6:37"),
        ([D("2.44"), D("60.55"), D("37.01")], 1, False, "2.4:60.6:37.0"),
        ([D("33.35"), D("33.35"), D("33.3")], 1, False, "33.4:33.4:33.3"),  # sums to 100.1
        ([10, 90], 0, False, "10:90"),
    ],
)
def test_structure_ratio(parts, decimals, strip_zeros, expected):
    assert n.structure_ratio(parts, decimals, strip_zeros=strip_zeros) == expected


@pytest.mark.parametrize("parts", [[], ["100"], ["-1", "101"]])
def test_structure_ratio_refuses_nonsense(parts):
    with pytest.raises(ValueError, match="structure"):
        n.structure_ratio(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出口21.8亿元,增长72%;进口12.6亿元", "出口21.8亿元，增长72%；进口12.6亿元"),
        ("三次产业比例调整为2.4:60.6:37", "三次产业比例调整为2.4:60.6:37"),
        ("比例为:2.4:60.6:37", "比例为：2.4:60.6:37"),
        ("开工率94.4%(不包括9个项目)", "开工率94.4%（不包括9个项目）"),
        ("是否完成?已完成!", "是否完成？已完成！"),
        ("共1,000元,其中", "共1,000元，其中"),
        ("1,2月", "1，2月"),
        ("10:30开会", "10:30开会"),
        ("见https://example.cn", "见https://example.cn"),
        ("全角，不变", "全角，不变"),
    ],
)
def test_to_fullwidth_punct(text, expected):
    assert n.to_fullwidth_punct(text) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: n.growth_phrase(1, lang="fr"),
        lambda: n.pp_phrase(1, lang="zh-hans"),
        lambda: n.format_amount(1, "亿元", lang="EN"),
        lambda: n.rank_phrase(2, lang=""),
    ],
)
def test_an_unknown_language_is_refused(call):
    with pytest.raises(ValueError, match="lang"):
        call()


# --- properties -------------------------------------------------------------------------

finite = st.decimals(allow_nan=False, allow_infinity=False)
modest = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=4)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _printed(phrase: str) -> Decimal:
    (number,) = NUMBER.findall(phrase)
    return Decimal(number.replace(",", ""))


@given(pct=finite, decimals=places, lang=st.sampled_from(n.LANGS))
def test_growth_phrase_has_no_minus_sign_and_prints_the_rounded_magnitude(pct, decimals, lang):
    phrase = n.growth_phrase(pct, decimals, lang=lang)
    assert "-" not in phrase
    shown = n.round_half_up(pct.copy_abs(), decimals)
    if shown.is_zero():
        assert phrase == n.WORDS[lang]["flat"]
    else:
        assert _printed(phrase) == shown
        assert str(shown) in phrase  # the places asked for, trailing zeros kept
        assert phrase.startswith(("增长", "up") if pct > 0 else ("下降", "down"))


@given(
    current=finite | modest, prior=finite | modest, decimals=places, lang=st.sampled_from(n.LANGS)
)
def test_pp_change_prints_the_difference_a_reader_can_check(current, prior, decimals, lang):
    phrase = n.pp_change_phrase(current, prior, decimals, lang=lang)
    assert "-" not in phrase
    shown_current = n.round_half_up(current, decimals)
    shown_prior = n.round_half_up(prior, decimals)
    with localcontext() as ctx:
        ctx.prec = 10_000
        diff = shown_current - shown_prior
    if diff.is_zero():
        assert phrase == n.WORDS[lang]["flat"]
    else:
        assert _printed(phrase) == diff.copy_abs()
        narrowed = ("收窄", "narrowed")
        widened = ("扩大", "widened")
        if shown_current < 0 and shown_prior < 0:
            assert any(word in phrase for word in (narrowed if diff > 0 else widened))
        else:
            assert any(
                word in phrase for word in (("提高", "up") if diff > 0 else ("回落", "down"))
            )


@given(value=finite, decimals=places)
def test_round_half_up_is_within_half_a_unit_and_keeps_the_places(value, decimals):
    rounded = n.round_half_up(value, decimals)
    with localcontext() as ctx:
        ctx.prec = 10_000  # exact subtraction for any generated size
        assert abs(rounded - value) <= Decimal(f"0.5E-{decimals}")
    assert rounded.as_tuple().exponent == -decimals
    assert not (rounded.is_zero() and rounded.is_signed())


@given(
    value=st.decimals(min_value=0, max_value=10**9, places=2),
    unit=st.sampled_from(["亿元", "万元"]),
)
def test_english_amount_is_the_same_figure_as_the_chinese(value, unit):
    zh = n.format_amount(value, unit)
    en = n.format_amount(value, unit, lang="en")
    zh_figure = Decimal(zh.removesuffix(unit))
    en_figure = Decimal(en.split(" ")[0].replace(",", ""))
    assert n.scale(zh_figure, unit, "元") == en_figure * (10**9 if unit == "亿元" else 10**6)
