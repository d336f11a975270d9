"""Periods read as written, print back the same, cover the right months and are labelled as
the zone's reports name them (DESIGN.md "Periods")."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from kaifaqu.core.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Kind,
    Period,
    PeriodError,
    first_day_of,
    keys_between,
    label,
    label_en,
    label_zh,
    last_day_of,
    month_key,
    month_of,
    parse,
    same_months,
    shift_keys,
    year_of,
)

FORMS = "write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08."

years = st.integers(MIN_YEAR, MAX_YEAR)
month_numbers = st.integers(1, 12)
periods = st.one_of(
    years.map(Period.of_year),
    st.builds(Period.of_half, years, st.integers(1, 2)),
    st.builds(Period.of_quarter, years, st.integers(1, 4)),
    st.builds(Period.of_month, years, month_numbers),
    st.builds(
        lambda y, a, b: Period.of_window(y, min(a, b), max(a, b)),
        years,
        month_numbers,
        month_numbers,
    ),
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; the Chinese catalogue is filled in separately."""
    with translation.override("en"):
        yield


# Reading and writing.


@pytest.mark.parametrize(
    ("text", "kind", "year", "first", "last"),
    [
        ("2017", Kind.YEAR, 2017, 1, 12),
        ("2017H1", Kind.HALF, 2017, 1, 6),
        ("2017H2", Kind.HALF, 2017, 7, 12),
        ("2017Q1", Kind.QUARTER, 2017, 1, 3),
        ("2017Q3", Kind.QUARTER, 2017, 7, 9),
        ("2017Q4", Kind.QUARTER, 2017, 10, 12),
        ("2017-08", Kind.MONTH, 2017, 8, 8),
        ("2017-12", Kind.MONTH, 2017, 12, 12),
        ("2017-01/2017-08", Kind.WINDOW, 2017, 1, 8),
        ("2017-01/2017-02", Kind.WINDOW, 2017, 1, 2),
        ("2017-03/2017-05", Kind.WINDOW, 2017, 3, 5),
        ("2017-08/2017-08", Kind.WINDOW, 2017, 8, 8),
        ("1900", Kind.YEAR, 1900, 1, 12),
        ("2999-12", Kind.MONTH, 2999, 12, 12),
        ("  2017Q3\n", Kind.QUARTER, 2017, 7, 9),
    ],
)
def test_each_written_form_reads_as_its_months(text, kind, year, first, last):
    period = parse(text)
    assert (period.kind, period.year, period.first_month, period.last_month) == (
        kind,
        year,
        first,
        last,
    )
    assert str(period) == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017Q0", f'"2017Q0" is not a period: {FORMS}'),
        ("2017Q5", f'"2017Q5" is not a period: {FORMS}'),
        ("2017H3", f'"2017H3" is not a period: {FORMS}'),
        ("2017-13", f'"2017-13" is not a period: {FORMS}'),
        ("2017-00", f'"2017-00" is not a period: {FORMS}'),
        ("2017-8", f'"2017-8" is not a period: {FORMS}'),
        ("2017q3", f'"2017q3" is not a period: {FORMS}'),
        ("17", f'"17" is not a period: {FORMS}'),
        ("abc", f'"abc" is not a period: {FORMS}'),
        ("２０１７", f'"２０１７" is not a period: {FORMS}'),
        ("2017-01/2017-08/", f'"2017-01/2017-08/" is not a period: {FORMS}'),
        (" 2017 Q3 ", f'"2017 Q3" is not a period: {FORMS}'),
        ("", f"No period given: {FORMS}"),
        ("   ", f"No period given: {FORMS}"),
        (
            "2017-08/2017-03",
            '"2017-08/2017-03" ends before it starts: write the earlier month first, '
            "as in 2017-01/2017-08.",
        ),
        (
            "2016-11/2017-02",
            '"2016-11/2017-02" crosses the end of a year: a window runs within one year, '
            "such as 2017-01/2017-08.",
        ),
        ("1899", '"1899" is not a period: the year must be from 1900 to 2999.'),
        ("3000Q1", '"3000Q1" is not a period: the year must be from 1900 to 2999.'),
        (
            "0000-01/0000-03",
            '"0000-01/0000-03" is not a period: the year must be from 1900 to 2999.',
        ),
    ],
)
def test_a_bad_form_is_refused_with_a_message_naming_it(text, message):
    with pytest.raises(PeriodError) as caught:
        parse(text)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Period.of_half(2017, 3),
        lambda: Period.of_quarter(2017, 0),
        lambda: Period.of_month(2017, 13),
        lambda: Period.of_window(2017, 9, 3),
        lambda: Period(2017, 2, 4, Kind.QUARTER),
        lambda: Period(2017, 1, 11, Kind.YEAR),
        lambda: Period.of_year(3000),
        lambda: Period.of_year(2999).shift_years(1),
        lambda: Period.of_month(1900, 1).prior_year(),
    ],
)
def test_an_impossible_period_cannot_be_built(build):
    with pytest.raises(PeriodError):
        build()


def test_a_period_is_a_frozen_value_usable_as_a_key():
    period = parse("2017Q3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.year = 2018
    assert period == Period.of_quarter(2017, 3)
    assert {period: "x"}[parse("2017Q3")] == "x"
    assert Period(2017, 7, 9, "quarter") == period  # a kind given as text is normalised
    assert repr(period) == "Period('2017Q3')"


def test_the_written_form_is_kept_but_the_months_can_be_matched():
    year, window = parse("2017"), parse("2017-01/2017-12")
    assert year != window
    assert len({year, window}) == 2
    assert same_months(year, window)
    assert year.months_key == window.months_key == ((2017, 1), (2017, 12))
    assert not same_months(parse("2017Q3"), parse("2017-01/2017-09"))


def test_periods_sort_by_start_then_length():
    texts = ["2017", "2017Q1", "2016-12", "2017-01", "2017H2", "2017-01/2017-02", "2016"]
    assert [str(p) for p in sorted(map(parse, texts))] == [
        "2016",
        "2016-12",
        "2017-01",
        "2017-01/2017-02",
        "2017Q1",
        "2017",
        "2017H2",
    ]


# Months.


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2017Q3", ((2017, 7), (2017, 8), (2017, 9))),
        ("2017-08", ((2017, 8),)),
        ("2017-01/2017-02", ((2017, 1), (2017, 2))),
        ("2017", tuple((2017, m) for m in range(1, 13))),
    ],
)
def test_months_lists_each_month_covered(text, months):
    period = parse(text)
    assert period.months == months
    assert period.month_count == len(months)
    assert (period.start, period.end) == (months[0], months[-1])


@pytest.mark.parametrize(
    ("text", "keys", "first_day", "last_day"),
    [
        ("2017", (201701, 201712), date(2017, 1, 1), date(2017, 12, 31)),
        ("2017H1", (201701, 201706), date(2017, 1, 1), date(2017, 6, 30)),
        ("2017Q3", (201707, 201709), date(2017, 7, 1), date(2017, 9, 30)),
        ("2016-02", (201602, 201602), date(2016, 2, 1), date(2016, 2, 29)),
        ("2017-02", (201702, 201702), date(2017, 2, 1), date(2017, 2, 28)),
        ("1900-01/1900-02", (190001, 190002), date(1900, 1, 1), date(1900, 2, 28)),
        ("2000-01/2000-02", (200001, 200002), date(2000, 1, 1), date(2000, 2, 29)),
        ("2999-12", (299912, 299912), date(2999, 12, 1), date(2999, 12, 31)),
    ],
)
def test_a_period_gives_its_month_keys_and_first_and_last_day(text, keys, first_day, last_day):
    period = parse(text)
    assert period.key_range == (period.first_key, period.last_key) == keys
    assert period.month_keys == tuple(range(keys[0], keys[1] + 1))
    assert (period.first_day, period.last_day) == (first_day, last_day)


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (201708, 201708, "2017-08"),
        (201701, 201708, "2017-01/2017-08"),
        (201701, 201712, "2017-01/2017-12"),
    ],
)
def test_from_keys_reads_a_stored_window_as_a_month_or_a_window(first, last, text):
    assert str(Period.from_keys(first, last)) == text


@pytest.mark.parametrize(("first", "last"), [(201612, 201701), (201708, 201703), (201700, 201701)])
def test_from_keys_refuses_what_is_not_a_run_within_a_year(first, last):
    with pytest.raises(PeriodError):
        Period.from_keys(first, last)


def test_key_arithmetic_reaches_before_the_first_year_a_period_may_have():
    assert shift_keys((190001, 190012), -2) == (189801, 189812)
    assert (first_day_of(189802), last_day_of(189802)) == (date(1898, 2, 1), date(1898, 2, 28))
    assert keys_between(189811, 189812) == (189811, 189812)
    assert (month_of(189812), year_of(189812)) == ((1898, 12), 1898)


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2017", "2017Q3", True),
        ("2017H2", "2017-08", True),
        ("2017-01/2017-09", "2017Q3", True),
        ("2017Q3", "2017-01/2017-09", False),
        ("2017", "2016-12", False),
        ("2017-08", "2017-08/2017-08", True),
    ],
)
def test_contains(outer, inner, expected):
    assert parse(outer).contains(parse(inner)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017", True),
        ("2017H1", True),
        ("2017H2", False),
        ("2017Q1", True),
        ("2017Q3", False),
        ("2017-01", True),
        ("2017-08", False),
        ("2017-01/2017-08", True),
        ("2017-03/2017-05", False),
    ],
)
def test_is_cumulative_when_it_starts_at_month_one(text, expected):
    assert parse(text).is_cumulative is expected


@pytest.mark.parametrize(
    ("text", "cumulative"),
    [
        ("2017Q3", "2017-01/2017-09"),
        ("2017-08", "2017-01/2017-08"),
        ("2017H2", "2017-01/2017-12"),
        ("2017-03/2017-05", "2017-01/2017-05"),
        ("2017-01", "2017-01/2017-01"),
    ],
)
def test_cumulative_runs_from_month_one_to_the_last_month(text, cumulative):
    assert str(parse(text).cumulative()) == cumulative


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2017-01/2017-12", "2017"),
        ("2017-01/2017-06", "2017H1"),
        ("2017-07/2017-12", "2017H2"),
        ("2017-07/2017-09", "2017Q3"),
        ("2017-01/2017-03", "2017Q1"),
        ("2017-08/2017-08", "2017-08"),
        ("2017-01/2017-08", "2017-01/2017-08"),
        ("2017-02/2017-04", "2017-02/2017-04"),
        ("2017Q3", "2017Q3"),
    ],
)
def test_canonical_names_a_window_by_the_period_it_equals(text, canonical):
    assert str(parse(text).canonical()) == canonical


def test_prior_year_is_the_same_window_a_year_earlier():
    assert parse("2017-01/2017-02").prior_year() == parse("2016-01/2016-02")
    assert parse("2017Q3").shift_years(2) == parse("2019Q3")


@pytest.mark.parametrize(
    ("text", "share"),
    [("2017Q3", "0.75"), ("2017", "1"), ("2017-01/2017-08", "0.6667"), ("2017H1", "0.5")],
)
def test_time_progress_is_the_share_of_the_year_elapsed_at_the_end(text, share):
    value = parse(text).months_elapsed_share()
    assert isinstance(value, Decimal)
    assert value.quantize(Decimal(share)) == Decimal(share)
    assert value * 12 == parse(text).last_month


# Labels.


@pytest.mark.parametrize(
    ("text", "default", "months", "full_year", "short"),
    [
        ("2017", "2017年", "2017年1—12月", "2017年全年", "全年"),
        ("2017H1", "2017年上半年", "2017年1—6月", "2017年上半年", "上半年"),
        ("2017H2", "2017年下半年", "2017年7—12月", "2017年下半年", "下半年"),
        ("2017Q1", "2017年一季度", "2017年1—3月", "2017年一季度", "一季度"),
        ("2017Q2", "2017年二季度", "2017年4—6月", "2017年二季度", "二季度"),
        ("2017Q3", "2017年三季度", "2017年7—9月", "2017年三季度", "三季度"),
        ("2017Q4", "2017年四季度", "2017年10—12月", "2017年四季度", "四季度"),
        ("2017-08", "2017年8月", "2017年8月", "2017年8月", "8月"),
        ("2017-01/2017-08", "2017年1—8月", "2017年1—8月", "2017年1—8月", "1—8月"),
        ("2017-01/2017-02", "2017年1—2月", "2017年1—2月", "2017年1—2月", "1—2月"),
        ("2017-01/2017-03", "2017年一季度", "2017年1—3月", "2017年一季度", "一季度"),
        ("2017-01/2017-06", "2017年上半年", "2017年1—6月", "2017年上半年", "上半年"),
        ("2017-01/2017-09", "2017年前三季度", "2017年1—9月", "2017年前三季度", "前三季度"),
        ("2017-01/2017-12", "2017年", "2017年1—12月", "2017年全年", "全年"),
        ("2017-03/2017-05", "2017年3—5月", "2017年3—5月", "2017年3—5月", "3—5月"),
        ("2017-07/2017-09", "2017年7—9月", "2017年7—9月", "2017年7—9月", "7—9月"),
        ("2017-08/2017-08", "2017年8月", "2017年8月", "2017年8月", "8月"),
    ],
)
def test_chinese_labels(text, default, months, full_year, short):
    period = parse(text)
    assert label_zh(period) == default
    assert label_zh(period, style="months") == months
    assert label_zh(period, style="full_year") == full_year
    assert label_zh(period, short=True) == short


@pytest.mark.parametrize(
    ("text", "default", "short"),
    [
        ("2017", "2017", "Full year"),
        ("2017H1", "H1 2017", "H1"),
        ("2017H2", "H2 2017", "H2"),
        ("2017Q3", "Q3 2017", "Q3"),
        ("2017-08", "August 2017", "August"),
        ("2017-01/2017-08", "January–August 2017", "January–August"),
        ("2017-01/2017-09", "Q1–Q3 2017", "Q1–Q3"),
        ("2017-01/2017-06", "H1 2017", "H1"),
        ("2017-01/2017-03", "Q1 2017", "Q1"),
        ("2017-01/2017-12", "2017", "Full year"),
        ("2017-03/2017-05", "March–May 2017", "March–May"),
    ],
)
def test_english_labels(text, default, short):
    assert label_en(parse(text)) == default
    assert label_en(parse(text), short=True) == short


def test_english_label_styles():
    assert label_en(parse("2017-01/2017-09"), style="months") == "January–September 2017"
    assert label_en(parse("2017"), style="full_year") == "Full year 2017"


def test_label_follows_the_active_language():
    period = parse("2017-01/2017-09")
    assert label(period) == "Q1–Q3 2017"
    with translation.override("zh-hans"):
        assert label(period) == "2017年前三季度"
        assert label(period, style="months", short=True) == "1—9月"


def test_an_unknown_style_is_a_programming_error():
    with pytest.raises(ValueError, match="style"):
        label_zh(parse("2017"), style="long")


# Properties.


@given(periods)
def test_every_period_reads_back_from_its_written_form(period):
    assert parse(str(period)) == period
    assert parse(f" {period}\t") == period


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_with_a_period_error(text):
    try:
        period = parse(text)
    except PeriodError:
        return
    assert str(period) == text.strip()


@given(periods, st.integers(-300, 300))
def test_shifting_years_there_and_back_is_no_change(period, n):
    assume(MIN_YEAR <= period.year + n <= MAX_YEAR)
    shifted = period.shift_years(n)
    assert shifted.shift_years(-n) == period
    assert shifted.kind == period.kind


@given(periods)
def test_prior_year_moves_each_month_back_one_year(period):
    assume(period.year > MIN_YEAR)
    assert period.prior_year().months == tuple((y - 1, m) for y, m in period.months)


@given(periods)
def test_month_count_agrees_with_the_months(period):
    assert period.month_count == len(period.months) == period.last_month - period.first_month + 1
    assert period.months == tuple(sorted(set(period.months)))
    assert period.contains(period)


@given(periods)
def test_cumulative_contains_the_period_and_starts_at_month_one(period):
    cumulative = period.cumulative()
    assert cumulative.contains(period)
    assert cumulative.first_month == 1
    assert cumulative.is_cumulative
    assert cumulative.end == period.end


@given(periods)
def test_canonical_keeps_the_months_and_is_stable(period):
    canonical = period.canonical()
    assert canonical.months_key == period.months_key
    assert canonical.canonical() == canonical
    assert len(str(canonical)) <= len(str(period))
    if period.kind is not Kind.WINDOW:
        assert canonical == period


@given(periods)
def test_labels_use_the_right_dash_and_name_the_year(period):
    zh, en = label_zh(period), label_en(period)
    assert zh.startswith(f"{period.year}年")
    assert str(period.year) in en
    assert not {"-", "–"} & set(zh)
    assert not {"-", "—"} & set(en)
    assert label_zh(period, style="months").endswith("月")


@given(periods, periods)
def test_order_follows_the_start_month(a, b):
    if a.start < b.start:
        assert a < b
    assert (a < b) + (a == b) + (a > b) == 1


months_of_any_year = st.tuples(st.integers(1, 9999), month_numbers)


@given(months_of_any_year)
def test_a_month_key_reads_back_as_its_month(month):
    key = month_key(*month)
    assert month_of(key) == month
    assert year_of(key) == month[0]
    assert str(key).endswith(f"{month[1]:02d}")


@given(months_of_any_year, months_of_any_year)
def test_month_keys_sort_as_their_months(a, b):
    assert (month_key(*a) < month_key(*b)) == (a < b)


@given(months_of_any_year)
def test_a_month_runs_from_its_first_day_to_the_day_before_the_next_month(month):
    key = month_key(*month)
    first, last = first_day_of(key), last_day_of(key)
    assert (first.year, first.month, first.day) == (*month, 1)
    assert (last.year, last.month) == month
    following = last + timedelta(days=1) if last < date.max else None
    if following is not None:
        assert following.day == 1
        assert following.month == month[1] % 12 + 1


@given(periods)
def test_a_period_s_keys_are_its_months(period):
    assert period.month_keys == tuple(month_key(*m) for m in period.months)
    assert period.key_range == (period.month_keys[0], period.month_keys[-1])
    assert keys_between(*period.key_range) == period.month_keys
    assert period.key_range == period.canonical().key_range


@given(periods)
def test_a_period_s_days_are_those_of_its_months(period):
    assert period.first_day == date(period.year, period.first_month, 1)
    assert period.last_day == last_day_of(period.last_key)
    days = (period.last_day - period.first_day).days + 1
    assert days == sum((last_day_of(k) - first_day_of(k)).days + 1 for k in period.month_keys)
    assert 28 * period.month_count <= days <= 31 * period.month_count


@given(periods)
def test_a_period_reads_back_from_its_keys(period):
    found = Period.from_keys(*period.key_range)
    assert found.canonical() == period.canonical()
    assert found.key_range == period.key_range


@given(periods, st.integers(-300, 300))
def test_shifting_keys_shifts_the_period(period, n):
    assume(MIN_YEAR <= period.year + n <= MAX_YEAR)
    assert shift_keys(period.key_range, n) == period.shift_years(n).key_range
