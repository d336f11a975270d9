"""Reading one cell as its column asks: text, number, whole number, choice, period, codes.

Each reader returns the value or raises CellError with the message the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, DecimalException
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core.numbers import active_lang, join_list
from kaifaqu.core.periods import PeriodError, parse

from .columns import CHOICE, CODES, INTEGER, NUMBER, PERIOD, Column

CODE_RE = re.compile(r"[-a-zA-Z0-9_]+")
PART_SEPARATORS = re.compile(r"[,，、;；]")


class CellError(Exception):
    """A cell that cannot be read as its column asks; the message is for the user."""


class Cell:
    """A cell as a sheet is read: its value and openpyxl's letter for its type (n a number,
    s text, b a flag, d a date, e an error value, f a formula). What every reader of a cell
    takes, here and in other workbooks."""

    __slots__ = ("data_type", "value")

    def __init__(self, value: Any, data_type: str = "n") -> None:
        self.value = value
        self.data_type = data_type

    def __repr__(self) -> str:
        return f"Cell({self.value!r}, {self.data_type!r})"


#: A cell the row does not have.
EMPTY = Cell(None)


def raw_value(cell: Any, column: Column) -> Any:
    """The cell's value with blanks as None (text stripped); formulas and error values
    refused. The start of every reader, here and in other workbooks' own kinds of cell."""
    if cell is None:
        return None
    if cell.data_type == "f":
        if column.kind in (NUMBER, INTEGER):
            raise CellError(_("A formula is not accepted here: type the number itself."))
        raise CellError(_("A formula is not accepted here: type the value itself."))
    value = cell.value
    if cell.data_type == "e":
        raise CellError(
            _("The cell shows the error %(error)s: type the value itself.") % {"error": value}
        )
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def parse_number(value: Any, column: Column) -> Decimal | None:
    """A number as the column keeps it; floats are read to Excel's 15 significant digits."""
    try:
        return _number(value, column)
    except DecimalException:  # whatever arithmetic a number too odd to hold still tripped
        raise CellError(_('"%(text)s" is not a number.') % {"text": as_text(value)}) from None


def _number(value: Any, column: Column) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | date | datetime | time):
        raise CellError(_('"%(text)s" is not a number.') % {"text": as_text(value)})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # Excel keeps 15 significant digits; beyond them a float is binary noise (0.1+0.2).
        number = Decimal(format(value, ".15g"))
    else:
        number = Decimal(str(value))  # InvalidOperation: not a number
    if not number.is_finite():
        raise CellError(_('"%(text)s" is not a number.') % {"text": as_text(value)})
    # The bounds are checked on the exponent first: 1e999999999 is a valid Decimal that no
    # arithmetic may touch (normalize() would raise Overflow).
    if number and number.adjusted() >= column.digits - column.places:
        raise CellError(_("%(value)s is too large.") % {"value": as_text(value)})
    if number and number.adjusted() < -column.places:
        raise CellError(
            _("%(value)s has more than %(places)s decimal places.")
            % {"value": as_text(value), "places": column.places}
        )
    # Exact whatever the digits: the default context would round past 28 of them.
    exact = Context(prec=max(len(number.as_tuple().digits), 1), Emax=MAX_EMAX, Emin=MIN_EMIN)
    number = number.normalize(exact) if number else Decimal(0)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > column.places:
        raise CellError(
            _("%(value)s has more than %(places)s decimal places.")
            % {"value": as_text(value), "places": column.places}
        )
    if abs(number) >= Decimal(10) ** (column.digits - column.places):
        raise CellError(_("%(value)s is too large.") % {"value": as_text(value)})
    return number


def _integer(value: Any, column: Column) -> int | None:
    number = parse_number(value, Column(column.name, NUMBER, True, "", places=6, digits=24))
    if number is None:
        return None
    if number != number.to_integral_value() or not column.minimum <= number <= column.maximum:
        raise CellError(
            _("%(value)s is not a whole number from %(min)s to %(max)s.")
            % {"value": as_text(value), "min": column.minimum, "max": column.maximum}
        )
    return int(number)


def _choice(value: Any, column: Column) -> str:
    text = as_text(value)
    if not text or text in column.choices:
        return text
    folded = {c.lower(): c for c in column.choices}
    if text.lower() in folded:
        return folded[text.lower()]
    raise CellError(
        _('"%(value)s" is not one of: %(choices)s.')
        % {"value": text, "choices": join_list(column.choices, lang=active_lang())}
    )


def _period(value: Any) -> tuple[str, int, int] | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        raise CellError(
            _(
                "The spreadsheet turned this period into a date: format the column as text "
                "and type the period again, as in 2017-08."
            )
        )
    try:
        period = parse(as_text(value)).canonical()
    except PeriodError as error:
        raise CellError(str(error)) from None
    return str(period), period.first_key, period.last_key


def check_code(text: str) -> str:
    if text and not CODE_RE.fullmatch(text):
        raise CellError(
            _('"%(code)s" is not a code: use letters, digits, hyphens and underscores.')
            % {"code": text}
        )
    return text


def _codes(value: Any) -> tuple[str, ...]:
    codes = [c.strip() for c in PART_SEPARATORS.split(as_text(value)) if c.strip()]
    for code in codes:
        check_code(code)
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise CellError(_("%(code)s is listed twice.") % {"code": code})
        seen.add(code)
    return tuple(codes)


def read_cell(cell: Any, column: Column) -> Any:
    """The cell as its column reads it; raises CellError with the user's message."""
    return _converter(column)(raw_value(cell, column))


#: The texts a ``cell_reader`` remembers what it read them as (a sheet repeats its codes,
#: periods and statuses; a column of distinct notes stops being remembered past this).
REMEMBERED = 10_000


def cell_reader(column: Column) -> Callable[[Any], Any]:
    """``read_cell`` for one column: its kind dispatched once, and a text cell read once per
    distinct text (what a text reads as, or why it is refused, depends on the text alone)."""
    convert = _converter(column)
    if column.kind in (NUMBER, INTEGER):
        return lambda cell: convert(raw_value(cell, column))
    known: dict[str, Any] = {}

    def read(cell: Any) -> Any:
        value = cell.value
        if cell.data_type != "s" or type(value) is not str:
            return convert(raw_value(cell, column))
        try:
            return known[value]
        except KeyError:
            pass
        result = convert(value.strip() or None)
        if len(known) < REMEMBERED:
            known[value] = result
        return result

    return read


def _converter(column: Column) -> Callable[[Any], Any]:
    """What reads a cell's value (``raw_value``) as the column asks."""
    kind = column.kind
    if kind == NUMBER:
        return lambda value: parse_number(value, column)
    if kind == INTEGER:
        return lambda value: _integer(value, column)
    if kind == CHOICE:
        return lambda value: _choice(value, column)
    if kind == PERIOD:
        return _period
    if kind == CODES:
        return lambda value: None if value is None else _codes(value)
    return lambda value: _text(value, column)


def _text(value: Any, column: Column) -> str:
    text = as_text(value)
    if column.max_length and len(text) > column.max_length:
        raise CellError(
            _("This text has %(length)s characters; at most %(max)s fit here.")
            % {"length": len(text), "max": column.max_length}
        )
    return text
