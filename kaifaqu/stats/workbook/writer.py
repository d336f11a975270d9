"""Writing workbooks: the blank template and exports, in the format the reader reads.

Text is always written as text: a cell starting with = + - @ is a string cell with Excel's
quote prefix (the ' that shows only in the formula bar), so no spreadsheet program runs it,
and it reads back as the same text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaifaqu.core import access, audit, spreadsheets
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.numbers import active_lang, join_list

# The workbooks' writers take these from here.
from kaifaqu.core.spreadsheets import CONTENT_TYPE as CONTENT_TYPE
from kaifaqu.core.spreadsheets import FORMULA_START as FORMULA_START
from kaifaqu.core.spreadsheets import HEADER_FILL as HEADER_FILL
from kaifaqu.core.spreadsheets import put_cell as put_cell
from kaifaqu.core.spreadsheets import save_workbook as save_workbook
from kaifaqu.core.spreadsheets import write_rows as write_rows
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.tree import org_tree

from ..models import DataElement, DataValue, Target
from ..registry import extra_target_codes
from . import selectors
from .columns import (
    CHOICE,
    CODES,
    ELEMENTS,
    INTEGER,
    NUMBER,
    ORGUNITS,
    PERIOD,
    SHEETS,
    TARGETS,
    TEXT,
    VALUES,
    Column,
)

LAST_ROW = 1048576


def data_validation(column: Column) -> DataValidation | None:
    """The list, number or whole-number rule a column's cells are held to in Excel."""
    prompt = str(column.note)[:255]
    common: dict[str, Any] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "promptTitle": column.name[:32],
        "prompt": prompt,
    }
    if column.kind == CHOICE:
        return DataValidation(
            type="list",
            formula1='"' + ",".join(column.choices) + '"',
            errorTitle=_("Not in the list")[:32],
            error=(
                _("Choose one of: %(choices)s.")
                % {"choices": join_list(column.choices, lang=active_lang())}
            )[:255],
            **common,
        )
    if column.kind == NUMBER:
        bound = "9" * (column.digits - column.places)
        return DataValidation(
            type="decimal",
            operator="between",
            formula1=f"-{bound}",
            formula2=bound,
            errorTitle=_("Not a number")[:32],
            error=_("Type a number (no formula)."),
            **common,
        )
    if column.kind == INTEGER:
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(column.minimum),
            formula2=str(column.maximum),
            errorTitle=_("Not a whole number")[:32],
            error=_("Type a whole number from %(min)s to %(max)s.")
            % {"min": column.minimum, "max": column.maximum},
            **common,
        )
    return None


def add_sheet(
    book: Workbook,
    name: str,
    columns: Iterable[Column],
    validation: Callable[[Column], DataValidation | None] | None = None,
    rows: int | None = None,
) -> Any:
    """A sheet whose first row names ``columns``: bold on a fill, each column's note as a
    comment, text columns formatted as text, and the data validation ``validation`` gives a
    column (by default ``data_validation``) on every row below. In a write-only workbook
    (an export, streamed) the header is the sheet's first row written; ``rows`` rows follow
    with ``stream_rows``. The sheet is a ``Worksheet``, or a ``WriteOnlyWorksheet`` in a
    write-only workbook: openpyxl's stubs type it ``Any`` (``create_sheet``), as it is here."""
    validation = validation or data_validation
    columns = tuple(columns)
    bold = Font(bold=True)
    ws = book.create_sheet(name)
    if book.write_only and rows is not None:
        # A streamed sheet knows its size only if told: without it, a reader in openpyxl's
        # read-only mode parses the whole sheet once more to find where it ends.
        ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
        ws.calculate_dimension = lambda: ref
    header: list[Cell] = []
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if book.write_only:
            cell = WriteOnlyCell(ws, value=column.name)
        else:
            cell = ws.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.comment = Comment(str(column.note), "kaifaqu", height=120, width=320)
        header.append(cell)
        dimension = ws.column_dimensions[letter]
        dimension.width = max(12, len(column.name) + 4, 20 if column.kind == PERIOD else 0)
        if column.kind in (TEXT, PERIOD, CODES):
            # Typed codes and periods stay text (Excel would turn 2017-08 into a date).
            dimension.number_format = "@"
        rule = validation(column)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.data_validations.append(rule)  # what add_data_validation does; write-only too
    ws.freeze_panes = "A2"
    if book.write_only:
        ws.append(header)  # after the columns and panes: a streamed sheet writes them first
    return ws


def _book(*, rows: dict[str, int] | None = None) -> Workbook:
    """The four sheets with their headers, notes (as comments) and data validation; given
    how many ``rows`` each will hold, a write-only workbook whose rows are to be streamed."""
    book = Workbook(write_only=rows is not None)
    if rows is None:
        # A new workbook's active sheet is its one worksheet, never None.
        book.remove(book.active)  # type: ignore[arg-type]
    for sheet, columns in SHEETS.items():
        add_sheet(book, sheet, columns, rows=rows[sheet] if rows is not None else None)
    return book


def stream_rows(ws: Any, rows: Iterable[Iterable[Any]], columns: Sequence[Column] = ()) -> int:
    """``core.spreadsheets.stream_rows``; given the sheet's ``columns``, a choice column's
    words (which no spreadsheet turns into a number or a date) are written as plain text."""
    plain = {i for i, c in enumerate(columns, start=1) if c.kind == CHOICE}
    return spreadsheets.stream_rows(ws, rows, plain)


def template_workbook() -> bytes:
    """An empty workbook: the sheets, their headers with notes, and the lists to choose from."""
    return save_workbook(_book())


def _tree_order(orgs: Iterable[OrgUnit]) -> list[tuple[OrgUnit, str]]:
    """Units with their parent's code, each after its parent (as the reader requires)."""
    tree = org_tree()
    wanted = {u.pk: u for u in orgs}
    return [
        (wanted[unit], tree.code[parent] if (parent := tree.parent[unit]) is not None else "")
        for unit, _depth in tree.depth_first()
        if unit in wanted
    ]


def export_workbook(
    *,
    elements: Iterable[DataElement],
    orgs: Iterable[OrgUnit],
    values: Iterable[DataValue],
    targets: Iterable[Target],
) -> bytes:
    """The given records in the workbook format; importing the result changes nothing."""
    stated = ("period", "value", "status", "reported_growth_pct", "comparable_prior", "source")
    values = list(values)
    rows = ([v.org_unit.code, v.element.code, *(getattr(v, n) for n in stated)] for v in values)
    data, _counts = _stream(
        elements=list(elements), orgs=orgs, value_rows=rows, values=len(values), targets=targets
    )
    return data


def _stream(
    *,
    elements: list[DataElement],
    orgs: Iterable[OrgUnit],
    value_rows: Iterable[Iterable[Any]],
    values: int,
    targets: Iterable[Target],
) -> tuple[bytes, dict[str, int]]:
    """The workbook streamed (openpyxl's write-only mode: a row is written out as it comes,
    so memory does not grow with the values), and how many rows each sheet has; ``values``
    is how many ``value_rows`` there are."""
    units = _tree_order(orgs)
    targets = list(targets)
    book = _book(
        rows={ELEMENTS: len(elements), ORGUNITS: len(units), VALUES: values, TARGETS: len(targets)}
    )
    parts: dict[int, list[tuple[int, str]]] = defaultdict(list)
    saved = [e.pk for e in elements if e.pk is not None]
    for whole_id, code, order in DataElement.objects.filter(whole__in=saved).values_list(
        "whole_id", "code", "part_order"
    ):
        parts[whole_id].append((order, code))
    counts = {
        ELEMENTS: stream_rows(
            book[ELEMENTS],
            (_element_row(e, ", ".join(c for _o, c in sorted(parts[e.pk]))) for e in elements),
            SHEETS[ELEMENTS],
        ),
        ORGUNITS: stream_rows(
            book[ORGUNITS],
            ([u.code, u.name, u.kind, parent] for u, parent in units),
            SHEETS[ORGUNITS],
        ),
        VALUES: stream_rows(book[VALUES], value_rows, SHEETS[VALUES]),
        TARGETS: stream_rows(
            book[TARGETS],
            ([t.org_unit.code, t.metric_code, t.year, t.value, t.source] for t in targets),
            SHEETS[TARGETS],
        ),
    }
    return save_workbook(book), counts


def _element_row(element: DataElement, parts: str) -> list[Any]:
    e = element
    names = (e.code, e.name_zh, e.name_en, e.unit, e.time_aggregation, e.unit_aggregation)
    return [*names, e.growth_basis, e.decimals, parts, e.department.code]


def workbook_export(
    *, actor: User | None, orgs: list[OrgUnit] | None = None
) -> tuple[bytes, dict[str, int]]:
    """What the actor may read (``None``: everything), optionally for some org units and the
    units under them, as a workbook; the export is audited."""
    elements = list(selectors.elements_readable(actor))
    if orgs:
        selected = selectors.orgunits_below(orgs)
        org_rows = selectors.with_ancestors(selected)
    else:
        selected = None
        org_rows = list(OrgUnit.objects.all())
    # Counted, then read: a value entered in between is in the file, its size one row short.
    value_count = selectors.values_for_export(elements, selected).count()
    value_rows = selectors.value_rows_for_export(elements, selected)
    ledger = [
        code
        for code, department_id in sorted(extra_target_codes().items())
        if actor is None or access.can_read_department(actor, department_id)
    ]
    codes = [e.code for e in elements] + ledger
    targets = selectors.targets_for_export(codes, selected)
    data, counts = _stream(
        elements=elements,
        orgs=org_rows,
        value_rows=value_rows,
        values=value_count,
        targets=targets,
    )
    audit.record(
        AuditAction.EXPORT,
        actor=actor,
        object_type="stats.workbook",
        object_repr=_("Statistics workbook"),
        after={"orgs": sorted(u.code for u in orgs or []), "counts": counts},
    )
    return data, counts
