"""Writing cells of an Excel workbook (.xlsx) so that no spreadsheet program runs them: the one
cell writer every export shares (the statistics and investment workbooks, every back-office
list's export).

Text is always written as text: a cell starting with = + - @ (or a tab or carriage return) is a
string cell with Excel's quote prefix (the ' that shows only in the formula bar), so no
spreadsheet program runs it as a formula, and it reads back as the same text. Numbers stay
exact (beyond Excel's 15 significant digits they are written as text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel keeps 15 significant digits of a number; longer values are written as text.
EXCEL_DIGITS = 15
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: Characters XML 1.0 cannot hold at all (openpyxl strips the control characters only).
NOT_IN_XML = re.compile("[\ufffe\uffff]")
#: Both, removed from a text in one pass.
NOT_WRITABLE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|{NOT_IN_XML.pattern}")
#: The longest name Excel gives a sheet.
SHEET_NAME_LENGTH = 31


def excel_number(value: Decimal) -> int | Decimal | str:
    number = value.normalize() if value else Decimal(0)
    text = format(number, "f")
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        return text  # exact as text; a number cell would round it
    return int(text) if "." not in text else number


def _plain_time(value: Any) -> Any:
    """An aware time as the local wall-clock time: Excel has no time zones."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def put_cell(ws: Any, row: int, column: int, value: Any) -> None:
    """Write a value as the reader reads it back: text as text (never a formula), numbers
    exact (beyond 15 digits as text), blanks left empty."""
    if value is None or value == "":
        return
    if isinstance(value, Decimal):
        value = excel_number(value)
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = NOT_IN_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.value = value
        cell.data_type = "s"  # openpyxl reads a leading = as a formula; this is text
        cell.number_format = "@"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = _plain_time(value)


def write_rows(ws: Any, rows: Iterable[list[Any]]) -> int:
    """Write rows from the second row on (``put_cell`` each value); returns how many."""
    count = 0
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put_cell(ws, number, column, value)
        count += 1
    return count


class _TextCell(Cell):
    """A write-only text cell that ``stream_rows`` reuses row after row, its style set once.
    openpyxl looks the style up again for every cell it writes, and takes a cell appended in
    a row by failing to read it as a value first, wording that failure with the cell's repr
    (which reckons its coordinate): the style's number is kept, and the repr costs nothing."""

    __slots__ = ("_style_number",)

    def __init__(self, ws: Any, *, quote: bool) -> None:
        super().__init__(ws, row=1, column=1)
        self.number_format = "@"
        self.quotePrefix = quote
        self._style_number: int = Cell.style_id.fget(self)  # type: ignore[attr-defined]

    @property
    def style_id(self) -> int:
        return self._style_number

    def __repr__(self) -> str:
        return "<text cell>"


def stream_rows(ws: Any, rows: Iterable[Iterable[Any]], plain: Collection[int] = ()) -> int:
    """Append rows to a write-only sheet, each value written as ``put_cell`` writes it;
    returns how many. A text cell is formatted as text, which takes a styled cell: one per
    column is reused from row to row (openpyxl writes a row out as it is appended), so a
    million rows cost no more cells than one. The columns ``plain`` names (1-based: words
    no spreadsheet turns into a number or a date, a choice's) are written as plain text,
    without the style."""
    text: dict[int, _TextCell] = {}
    quoted: dict[int, _TextCell] = {}

    def styled(cells: dict[int, _TextCell], column: int, quote: bool) -> _TextCell:
        if column not in cells:
            cells[column] = _TextCell(ws, quote=quote)
        return cells[column]

    count = 0
    for values in rows:
        out: list[Any] = []
        for column, value in enumerate(values, start=1):
            if value is None:
                out.append(None)
                continue
            if isinstance(value, Decimal):
                value = excel_number(value)
            if isinstance(value, str):
                if not value:
                    out.append(None)
                    continue
                value = NOT_WRITABLE.sub("", value)
                quote = value.startswith(FORMULA_START)
                if column in plain and not quote and value not in ERROR_CODES:
                    out.append(value)  # openpyxl writes it as text, as it is
                    continue
                cell = styled(quoted if quote else text, column, quote)
                cell.value = value
                cell.data_type = "s"  # openpyxl reads a leading = as a formula; this is text
                out.append(cell)
            else:
                out.append(_plain_time(value))
        ws.append(out)
        count += 1
    return count


def save_workbook(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_name(title: str) -> str:
    """A title as Excel takes it for a sheet's name: without []:*?/\\, at most 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:SHEET_NAME_LENGTH]
    return name or "Sheet1"


def table_workbook(
    title: str, header: list[str], rows: Iterable[Iterable[Any]]
) -> tuple[bytes, int]:
    """One sheet named ``title``: a bold header on a fill, frozen, then ``rows`` streamed
    (each cell as ``stream_rows`` writes it). Returns the file and how many rows it holds."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet_name(title))
    bold = Font(bold=True)
    cells = []
    for index, name in enumerate(header, start=1):
        cell = WriteOnlyCell(ws, value=NOT_WRITABLE.sub("", str(name)))
        cell.font = bold
        cell.fill = HEADER_FILL
        cells.append(cell)
        width = max(12, min(len(str(name)) * 2 + 4, 40))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append(cells)
    count = stream_rows(ws, rows)
    return save_workbook(book), count
