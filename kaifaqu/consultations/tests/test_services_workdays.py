"""Reply deadlines in working days: China's official calendar where known, Mon–Fri beyond."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.consultations.workdays import add_working_days, is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Hypothesis takes naive bounds and attaches the time zone to what it draws.
starts = st.datetimes(
    min_value=datetime(2005, 1, 1),  # noqa: DTZ001
    max_value=datetime(2045, 12, 31),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Friday afternoon → Monday afternoon.
        (
            datetime(2024, 5, 17, 15, 30, tzinfo=SHANGHAI),
            1,
            datetime(2024, 5, 20, 15, 30, tzinfo=SHANGHAI),
        ),
        # Saturday 11 May 2024 was worked in lieu of the May Day holiday.
        (
            datetime(2024, 5, 10, 15, 30, tzinfo=SHANGHAI),
            1,
            datetime(2024, 5, 11, 15, 30, tzinfo=SHANGHAI),
        ),
        # 30 September 2024 (Monday) → past the National Day week to 8 October.
        (
            datetime(2024, 9, 30, 9, 0, tzinfo=SHANGHAI),
            1,
            datetime(2024, 10, 8, 9, 0, tzinfo=SHANGHAI),
        ),
        # Sunday 29 September 2024 was a working day in lieu; the day after it counts.
        (
            datetime(2024, 9, 28, 10, 0, tzinfo=SHANGHAI),
            1,
            datetime(2024, 9, 29, 10, 0, tzinfo=SHANGHAI),
        ),
        # Beyond the calendar's years: Monday to Friday.
        (
            datetime(2040, 1, 6, 8, 0, tzinfo=SHANGHAI),
            2,
            datetime(2040, 1, 10, 8, 0, tzinfo=SHANGHAI),
        ),
    ],
)
def test_known_deadlines(start, n, due):
    assert add_working_days(start, n) == due


def test_holidays_and_weekends():
    assert is_working_day(date(2024, 10, 1)) is False
    assert is_working_day(date(2024, 9, 29)) is True  # a Sunday worked in lieu
    assert is_working_day(date(2040, 1, 7)) is False  # a Saturday, calendar unknown
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(datetime(2024, 1, 1, tzinfo=SHANGHAI), 0)


@given(starts, st.integers(min_value=1, max_value=15))
def test_the_deadline_is_a_working_day_after_the_start(start, n):
    due = add_working_days(start, n)
    assert due > start
    assert is_working_day(due.date())
    assert due.time() == start.time()
    assert due - start <= timedelta(days=n * 7 + 14)


@given(starts, st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=10))
def test_more_days_never_come_sooner(start, n, more):
    assert add_working_days(start, n) < add_working_days(start, n + more)
