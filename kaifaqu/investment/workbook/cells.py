"""Reading a cell of the investment workbook: the statistics workbook's kinds, plus dates and
yes/no flags. Each reader returns the value or raises CellError with the user's message."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.stats.workbook import cells
from kaifaqu.stats.workbook.cells import CellError, as_text, raw_value
from kaifaqu.stats.workbook.columns import Column

from .columns import DATE, FLAG, NO, YES

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"no", "n", "false", "0", "否"}


def parse_date(value: Any) -> date | None:
    """A date cell, or a date typed as 2017-03-15 (also 2017/3/15, 2017年3月15日)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(
                _("%(value)s has a time of day: type the date only, as 2017-03-15.")
                % {"value": as_text(value)}
            )
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value) if not isinstance(value, str) else value
    match = _DATE.fullmatch(text) if isinstance(value, str) else None
    if match is not None:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_('"%(text)s" is not a date: write it as 2017-03-15.') % {"text": text})


def parse_flag(value: Any) -> bool | None:
    """yes or no (also TRUE/FALSE, 1/0, 是/否)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = as_text(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(
        _('"%(value)s" is not %(yes)s or %(no)s.') % {"value": as_text(value), "yes": YES, "no": NO}
    )


def read_cell(cell, column: Column) -> Any:
    """The cell as its column reads it; raises CellError with the user's message."""
    if column.kind == DATE:
        return parse_date(raw_value(cell, column))
    if column.kind == FLAG:
        return parse_flag(raw_value(cell, column))
    return cells.read_cell(cell, column)
