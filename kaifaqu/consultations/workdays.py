"""Working days for reply deadlines: China's official calendar (public holidays and the
weekend days worked in their place) where the ``chinese_calendar`` package knows the year,
Monday to Friday otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
from django.utils import timezone


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no official calendar for
        return day.weekday() < 5


def add_working_days(start: datetime, n: int) -> datetime:
    """The same local time of day on the ``n``-th working day after ``start``'s (local) date.

    A question that arrives on Friday afternoon with one working day to answer is due on
    Monday afternoon; one that arrives on a holiday counts from the next working day on.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    day, left = local.date(), n
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return local + timedelta(days=(day - local.date()).days)
