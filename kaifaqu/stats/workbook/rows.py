"""Reading a sheet's rows, for every workbook (statistics, investment): the header checked
against the sheet's columns, each cell read by its column's reader, the limits on rows and
columns held while reading (a sheet's stated dimension may lie), and whatever openpyxl's
parser raises on a damaged sheet turned into a refusal naming the sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from kaifaqu.core.numbers import active_lang, join_list

from .cells import EMPTY, Cell, CellError, as_text, cell_reader, read_cell
from .columns import Column, Problem
from .files import WorkbookPlan, _limits, _too_many_columns, _too_many_rows, _unreadable

#: A row of a sheet: its cells, the empty cell where the row has a gap.
Row = list[Cell]


def sheet_rows(
    plan: WorkbookPlan,
    worksheet: ReadOnlyWorksheet,
    sheet: str,
    columns: tuple[Column, ...],
    read: Callable[[Any, Column], Any] = read_cell,
) -> Iterator[tuple[int, dict[str, Any], set[str]]]:
    """The rows of a sheet whose first row names its ``columns``: for each row that is not
    blank, its number, its cells read by ``read`` (a refused cell reads None), and the names
    of the columns refused. A header with an unknown, repeated or missing required column is
    a problem and yields no row; so is every refused cell."""
    rows = _bounded_rows(plan, worksheet, sheet)
    found = len(plan.problems)
    first = next(rows, None)
    if len(plan.problems) > found:  # the sheet was refused before its header was read
        return
    header = first[1] if first is not None and first[0] == 1 else []
    if not _header(plan, sheet, header, columns):
        return
    spec = {c.name: c for c in columns}
    if first is not None and first[0] != 1:  # no header; _header said so
        return
    # Each column's reader chosen once, not per cell: the default reads a column's repeated
    # texts once (``cell_reader``).
    readers = [
        (name, i, _reader(spec[name], read))
        for i, cell in enumerate(header)
        if (name := as_text(cell.value).strip().lower()) in spec
    ]
    for number, cells in rows:
        width = len(cells)
        if not width or all(c.value is None or c.value == "" for c in cells):
            continue
        parsed: dict[str, Any] = {}
        refused: set[str] = set()
        for name, position, reader in readers:
            try:
                parsed[name] = reader(cells[position] if position < width else EMPTY)
            except CellError as error:
                plan.add(sheet, number, name, str(error))
                parsed[name] = None
                refused.add(name)
        yield number, parsed, refused


def _reader(column: Column, read: Callable[[Any, Column], Any]) -> Callable[[Any], Any]:
    if read is read_cell:
        return cell_reader(column)
    return lambda cell: read(cell, column)


_VALUE_TAG, _INLINE_TAG, _TEXT_TAG = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("v", "is", "t"))


def _number(text: str) -> int | float:
    """A number cell's text as openpyxl reads it (its parser's rule)."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class _CellParser(WorkSheetParser):
    """openpyxl's parser of a sheet (what its read-only sheet reads rows with), a cell read
    as its column and a ``Cell``. The shapes every writer makes of a number, a shared text
    and an inline text (``<c><v>1.5</v></c>``, ``<c t="inlineStr"><is><t>x</t></is></c>``)
    are read here, without openpyxl's dictionary and rich-text object per cell; any other
    cell (a formula, a date, a flag, an error, anything unusual) is read by openpyxl's own
    ``parse_cell``, so what a cell reads as, and what is refused, stay openpyxl's."""

    def parse_cell(self, element: Any) -> tuple[int, Cell]:  # type: ignore[override]
        kind = element.get("t", "n")
        coordinate = element.get("r")
        style = element.get("s", 0)
        if style:
            style = int(style)  # as openpyxl: a style that is not a number is a damaged file
        column = coordinate_to_tuple(coordinate)[1] if coordinate else self.col_counter + 1
        if len(element) == 1:
            child = element[0]
            if child.tag == _VALUE_TAG and (text := child.text):
                if kind == "n" and style not in self.date_formats:
                    self.col_counter = column
                    return column, Cell(_number(text), "n")
                if kind == "s":
                    value = self.shared_strings[int(text)]
                    self.col_counter = column
                    return column, Cell(value, "s")
            elif (
                kind == "inlineStr"
                and child.tag == _INLINE_TAG
                and not child.attrib
                and len(child) == 1
                and child[0].tag == _TEXT_TAG
                and not len(child[0])
            ):
                self.col_counter = column
                return column, Cell(child[0].text or "", "s")
        cell = super().parse_cell(element)
        return cell["column"], Cell(cell["value"], cell["data_type"])


def _bounded_rows(
    plan: WorkbookPlan, worksheet: ReadOnlyWorksheet, sheet: str
) -> Iterator[tuple[int, Row]]:
    """The number and cells of each row a read-only sheet holds, up to the row and column
    limits. A sheet past a limit, or one openpyxl cannot read, ends with its problem in
    ``plan``.

    The rows come from the parser openpyxl's own read-only sheet uses, not from iter_rows,
    which makes an empty row for every row number the sheet skips: one cell at row
    99,999,999 would be a hundred million of them (the dimension, which could bound them,
    may lie). A row's gaps are the empty cell."""
    limits = _limits()
    max_rows, max_columns = limits["rows"], limits["columns"]
    # What the read-only sheet reads its own rows with (openpyxl's, not in its stubs).
    inner: Any = worksheet
    book: Any = worksheet.parent
    last = 0
    try:
        with inner._get_source() as source:
            parser = _CellParser(
                source,
                inner._shared_strings,
                data_only=book.data_only,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, found in parser.parse():
                if number > max_rows:
                    _too_many_rows(plan, sheet, max_rows)
                    return
                if number <= last:
                    continue  # a row stated again or out of order; openpyxl skips it too
                last = number
                width = max([column for column, _cell in found]) if found else 0
                if width > max_columns:
                    _too_many_columns(plan, sheet, max_columns)
                    return
                cells = [EMPTY] * width
                for column, cell in found:
                    cells[column - 1] = cell
                yield number, cells
    except Exception:  # openpyxl raises many kinds on a damaged sheet; each means the same
        _unreadable(plan, sheet)


def _header(plan: WorkbookPlan, sheet: str, header: Row, columns: tuple[Column, ...]) -> bool:
    expected = tuple(c.name for c in columns)
    letters: dict[str, str] = {}
    ok = True
    for i, cell in enumerate(header):
        name = as_text(cell.value).strip().lower() if cell.value is not None else ""
        if not name:
            continue
        letter = get_column_letter(i + 1)
        if name not in expected:
            plan.problems.append(
                Problem(
                    sheet,
                    1,
                    letter,
                    _("Unknown column %(name)s: the columns of this sheet are %(names)s.")
                    % {"name": name, "names": join_list(expected, lang=active_lang())},
                )
            )
            ok = False
        elif name in letters:
            plan.problems.append(
                Problem(
                    sheet,
                    1,
                    letter,
                    _("The column %(name)s appears twice.") % {"name": name},
                )
            )
            ok = False
        else:
            letters[name] = letter
    plan.letters[sheet] = letters
    for column in columns:
        if column.required and column.name not in letters:
            plan.add(
                sheet,
                1,
                "",
                _("The column %(name)s is missing: the first row names the columns.")
                % {"name": column.name},
            )
            ok = False
    return ok
