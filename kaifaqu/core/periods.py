"""Periods: the written forms of docs/architecture.md "Periods", their months, and their labels.

A period is a run of whole months inside one calendar year. Every statistic the zone publishes
is for such a run (a year, a half, a quarter, a month, or a 累计 window 1—N月), and the zone's
reports never add across a year boundary, so a window crossing one is refused rather than
guessed at.

A period keeps the form it was written in: `2017-01/2017-12` and `2017` cover the same months
but are different periods, because the writer chose the form and a label or URL should echo it.
Code that matches values regardless of form (the figure engine) compares `months_key`, or
`canonical()` maps a window onto the whole year, half, quarter or month it equals.

Note that `2017Q3` is July–September; 前三季度 is the window `2017-01/2017-09`.

A month is stored as a key, yyyymm (201708), so that a run of months is a range of integers in
SQL; the keys, and the first and last day of a period, are computed here and nowhere else.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

Month = tuple[int, int]  # (year, month)
#: A month as stored: yyyymm (201708).
MonthKey = int
#: The first and last month of a run as keys, as a value's window is stored: (201701, 201708).
KeyRange = tuple[MonthKey, MonthKey]
Style = Literal["default", "full_year", "months"]

MIN_YEAR = 1900
MAX_YEAR = 2999

EM_DASH = "\u2014"  # Chinese ranges: 1—8月 (docs/architecture.md)
EN_DASH = "\u2013"  # English ranges: January–August

_ZH_NUMERALS = ("一", "二", "三", "四")
# Not calendar.month_name: that follows the process locale.
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# ASCII digits only: `\d` would let full-width ２０１７ through. Months are always two digits,
# so every period has exactly one written form and `str()` round-trips.
_MM = "(0[1-9]|1[0-2])"
_FORMS = (
    ("year", re.compile(r"([0-9]{4})")),
    ("half", re.compile(r"([0-9]{4})H([12])")),
    ("quarter", re.compile(r"([0-9]{4})Q([1-4])")),
    ("month", re.compile(rf"([0-9]{{4}})-{_MM}")),
    ("window", re.compile(rf"([0-9]{{4}})-{_MM}/([0-9]{{4}})-{_MM}")),
)


def month_key(year: int, month: int) -> MonthKey:
    """The key of a month: 2017, 8 → 201708."""
    return year * 100 + month


def month_of(key: MonthKey) -> Month:
    """The (year, month) of a key: 201708 → (2017, 8)."""
    return divmod(key, 100)


def year_of(key: MonthKey) -> int:
    return key // 100


def first_day_of(key: MonthKey) -> date:
    year, month = month_of(key)
    return date(year, month, 1)


def last_day_of(key: MonthKey) -> date:
    year, month = month_of(key)
    return date(year, month, calendar.monthrange(year, month)[1])


def keys_between(first: MonthKey, last: MonthKey) -> tuple[MonthKey, ...]:
    """The key of every month from `first` to `last`, both within one year (as every run is)."""
    return tuple(range(first, last + 1))


def shift_keys(keys: KeyRange, years: int) -> KeyRange:
    """The same months `years` later (earlier when negative).

    Key arithmetic, without the range check of `Period`: the figure engine reaches two years
    before the earliest period asked, which may lie before `MIN_YEAR`.
    """
    return keys[0] + 100 * years, keys[1] + 100 * years


class PeriodError(ValueError):
    """A period that cannot be read or built; the message is for the user, translated."""


class Kind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    WINDOW = "window"


def _bounds_fit(kind: Kind, first: int, last: int) -> bool:
    """Whether months first..last are a legal run for `kind` (the kind fixes the shape)."""
    if kind is Kind.YEAR:
        return (first, last) == (1, 12)
    if kind is Kind.HALF:
        return (first, last) in ((1, 6), (7, 12))
    if kind is Kind.QUARTER:
        return first in (1, 4, 7, 10) and last == first + 2
    if kind is Kind.MONTH:
        return first == last and 1 <= first <= 12
    return 1 <= first <= last <= 12


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("The year %(year)s is out of range: write a year from 1900 to 2999.") % {"year": year}
        )


@dataclass(frozen=True, order=True, repr=False)
class Period:
    """Months `first_month`..`last_month` of `year`, written as `kind`.

    Ordering is by year, then first month, then last month (so shorter runs starting
    together come first), then kind: a total order that sorts a list of periods
    chronologically by start.
    """

    year: int
    first_month: int
    last_month: int
    kind: Kind

    def __post_init__(self) -> None:
        _check_year(self.year)
        if not _bounds_fit(Kind(self.kind), self.first_month, self.last_month):
            raise PeriodError(
                f"months {self.first_month}..{self.last_month} do not make a {self.kind}"
            )
        object.__setattr__(self, "kind", Kind(self.kind))

    # Constructors, one per written form.
    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(year, 1, 12, Kind.YEAR)

    @classmethod
    def of_half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise PeriodError(f"half {half} is not 1 or 2")
        return cls(year, 6 * half - 5, 6 * half, Kind.HALF)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise PeriodError(f"quarter {quarter} is not 1 to 4")
        return cls(year, 3 * quarter - 2, 3 * quarter, Kind.QUARTER)

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        return cls(year, month, month, Kind.MONTH)

    @classmethod
    def of_window(cls, year: int, first_month: int, last_month: int) -> Period:
        return cls(year, first_month, last_month, Kind.WINDOW)

    @classmethod
    def from_keys(cls, first: MonthKey, last: MonthKey) -> Period:
        """The run of months between two keys as stored: a month if they are equal, else a
        window (`canonical()` names it by the year, half or quarter it may equal)."""
        (year, first_month), (last_year, last_month) = month_of(first), month_of(last)
        if year != last_year or first_month > last_month:
            raise PeriodError(f"{first}..{last} is not a run of months within one year")
        if first_month == last_month:
            return cls.of_month(year, first_month)
        return cls.of_window(year, first_month, last_month)

    def __str__(self) -> str:
        """The canonical written form; `parse(str(p)) == p`."""
        y = f"{self.year:04d}"
        if self.kind is Kind.YEAR:
            return y
        if self.kind is Kind.HALF:
            return f"{y}H{self.last_month // 6}"
        if self.kind is Kind.QUARTER:
            return f"{y}Q{self.last_month // 3}"
        if self.kind is Kind.MONTH:
            return f"{y}-{self.first_month:02d}"
        return f"{y}-{self.first_month:02d}/{y}-{self.last_month:02d}"

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    # Months covered.
    @property
    def start(self) -> Month:
        return (self.year, self.first_month)

    @property
    def end(self) -> Month:
        return (self.year, self.last_month)

    @property
    def months(self) -> tuple[Month, ...]:
        return tuple((self.year, m) for m in range(self.first_month, self.last_month + 1))

    @property
    def month_count(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def months_key(self) -> tuple[Month, Month]:
        """(first, last) month: equal for periods covering the same months, whatever the form."""
        return (self.start, self.end)

    @property
    def first_key(self) -> MonthKey:
        return month_key(self.year, self.first_month)

    @property
    def last_key(self) -> MonthKey:
        return month_key(self.year, self.last_month)

    @property
    def key_range(self) -> KeyRange:
        """(first, last) month as keys: how a value for the period is stored and looked up."""
        return (self.first_key, self.last_key)

    @property
    def month_keys(self) -> tuple[MonthKey, ...]:
        """The key of each month covered."""
        return keys_between(self.first_key, self.last_key)

    @property
    def first_day(self) -> date:
        return first_day_of(self.first_key)

    @property
    def last_day(self) -> date:
        return last_day_of(self.last_key)

    @property
    def is_cumulative(self) -> bool:
        """Starts at month 1, so a value for it is a year-to-date (累计) total.

        True for `2017`, `2017H1`, `2017Q1`, `2017-01` and every window from month 1.
        """
        return self.first_month == 1

    def contains(self, other: Period) -> bool:
        """Every month of `other` is a month of this period."""
        return (
            self.year == other.year
            and self.first_month <= other.first_month
            and other.last_month <= self.last_month
        )

    def cumulative(self) -> Period:
        """The window from month 1 to this period's last month: `2017Q3` → `2017-01/2017-09`.

        Always a window, so the result says how it was derived; `canonical()` folds it back
        (`2017H2.cumulative().canonical()` is `2017`).
        """
        return Period.of_window(self.year, 1, self.last_month)

    def canonical(self) -> Period:
        """The same months in the shortest form that names them: a window equal to a year,
        half, quarter or single month becomes that; anything else is returned unchanged."""
        first, last = self.first_month, self.last_month
        for kind in (Kind.YEAR, Kind.HALF, Kind.QUARTER, Kind.MONTH):
            if _bounds_fit(kind, first, last):
                return Period(self.year, first, last, kind)
        return self

    def shift_years(self, n: int) -> Period:
        """The same months and form `n` years later (earlier when negative)."""
        return Period(self.year + n, self.first_month, self.last_month, self.kind)

    def prior_year(self) -> Period:
        """上年同期: the same window one year earlier, the base of 同比."""
        return self.shift_years(-1)

    def months_elapsed_share(self) -> Decimal:
        """时序进度: the share of the year elapsed when the period ends (unrounded)."""
        return Decimal(self.last_month) / Decimal(12)


def year_to_date(today: date) -> Period:
    """The months of ``today``'s year up to its month, in the shortest form (1—N月, or the
    quarter, half or year they equal): where a form starts when nothing is stored yet."""
    return Period.of_window(today.year, 1, today.month).canonical()


def same_months(a: Period, b: Period) -> bool:
    """Whether two periods cover the same months, however each was written."""
    return a.months_key == b.months_key


def _not_a_period(text: str) -> PeriodError:
    return PeriodError(
        _('"%(text)s" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.')
        % {"text": text}
    )


def parse(text: str) -> Period:
    """Read a written period (surrounding whitespace ignored); raise PeriodError if it is not one.

    Only the forms of docs/architecture.md are accepted, exactly: no `2017-8`, no lower-case
    `2017q3`, so that each period has one spelling in URLs, the API and workbooks.
    """
    text = text.strip()
    if not text:
        raise PeriodError(
            _("No period given: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.")
        )
    found = next(((k, m) for k, pattern in _FORMS if (m := pattern.fullmatch(text))), None)
    if found is None:
        raise _not_a_period(text)
    kind, match = found
    n = [int(g) for g in match.groups()]
    if kind == "window":
        start, end = (n[0], n[1]), (n[2], n[3])
        if start > end:
            raise PeriodError(
                _(
                    '"%(text)s" ends before it starts: write the earlier month first, '
                    "as in 2017-01/2017-08."
                )
                % {"text": text}
            )
        if start[0] != end[0]:
            raise PeriodError(
                _(
                    '"%(text)s" crosses the end of a year: a window runs within one year, '
                    "such as 2017-01/2017-08."
                )
                % {"text": text}
            )
    if not MIN_YEAR <= n[0] <= MAX_YEAR:
        raise PeriodError(
            _('"%(text)s" is not a period: the year must be from 1900 to 2999.') % {"text": text}
        )
    if kind == "year":
        return Period.of_year(n[0])
    if kind == "half":
        return Period.of_half(n[0], n[1])
    if kind == "quarter":
        return Period.of_quarter(n[0], n[1])
    if kind == "month":
        return Period.of_month(n[0], n[1])
    return Period.of_window(n[0], n[1], n[3])


# Labels. The zh and en labels are data, not translations: each language names periods its own
# way (前三季度 / Q1–Q3), so both are built here and `label()` picks by the active language.

_STYLES = ("default", "full_year", "months")


def _check_style(style: str) -> None:
    if style not in _STYLES:
        raise ValueError(f"unknown label style {style!r}; use one of {_STYLES}")


def _zh_span(p: Period, style: str) -> str:
    """The label without the year: 全年, 上半年, 三季度, 8月, 前三季度, 3—5月, or ''."""
    first, last = p.first_month, p.last_month
    if first == last:
        return f"{first}月"
    if style == "months":
        return f"{first}{EM_DASH}{last}月"
    if (first, last) == (1, 12):
        return "全年" if style == "full_year" else ""
    if p.kind is Kind.HALF or (first, last) == (1, 6):
        return "上半年" if first == 1 else "下半年"
    if p.kind is Kind.QUARTER or (first, last) == (1, 3):
        return f"{_ZH_NUMERALS[last // 3 - 1]}季度"
    if (first, last) == (1, 9):
        return "前三季度"
    return f"{first}{EM_DASH}{last}月"


def label_zh(p: Period, *, style: Style = "default", short: bool = False) -> str:
    """The Chinese label: 2017年, 2017年上半年, 2017年三季度, 2017年8月, 2017年1—8月.

    A window from month 1 ending at a quarter end is named as published: 一季度 (1—3),
    上半年 (1—6), 前三季度 (1—9), the year (1—12). `style="full_year"` writes a whole year as
    2017年全年; `style="months"` spells every period as months (2017年1—9月). `short` drops
    the year (1—8月, 前三季度, 全年), for table headers under a year.
    """
    _check_style(style)
    span = _zh_span(p, style)
    if short:
        return span or "全年"
    return f"{p.year}年{span}"


def label_en(p: Period, *, style: Style = "default", short: bool = False) -> str:
    """The English label: 2017, H1 2017, Q3 2017, August 2017, January–August 2017, Q1–Q3 2017.

    Styles and `short` mirror `label_zh` (full year: "Full year 2017"; short: "Q1–Q3").
    """
    _check_style(style)
    first, last = p.first_month, p.last_month
    if first == last:
        span = _EN_MONTHS[first - 1]
    elif style == "months":
        span = f"{_EN_MONTHS[first - 1]}{EN_DASH}{_EN_MONTHS[last - 1]}"
    elif (first, last) == (1, 12):
        span = "Full year" if style == "full_year" or short else ""
    elif p.kind is Kind.HALF or (first, last) == (1, 6):
        span = f"H{last // 6}"
    elif p.kind is Kind.QUARTER or (first, last) == (1, 3):
        span = f"Q{last // 3}"
    elif first == 1 and last % 3 == 0:
        span = f"Q1{EN_DASH}Q{last // 3}"
    else:
        span = f"{_EN_MONTHS[first - 1]}{EN_DASH}{_EN_MONTHS[last - 1]}"
    if short:
        return span
    return f"{span} {p.year}" if span else str(p.year)


def label(p: Period, *, style: Style = "default", short: bool = False) -> str:
    """The label in the active Django language (Chinese unless English is active)."""
    language = get_language() or ""
    if language.startswith("en"):
        return label_en(p, style=style, short=short)
    return label_zh(p, style=style, short=short)
