# The column table reads better one column a line, as the demo tables do.
# ruff: noqa: E501
"""The workbook format: its sheets, their columns, and a problem found in a cell.

The format is documented in docs/statistics-workbook.md and is stable: a
column may be added, never renamed or given another meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaifaqu.orgs.models import OrgUnitKind

from ..models import UNITS, GrowthBasis, TimeAggregation, UnitAggregation, ValueStatus

#: A file larger than this is refused before it is opened.
MAX_FILE_BYTES = settings.KAIFAQU_WORKBOOK_MAX_FILE_MB * 1024 * 1024
#: The members of the zip may expand to this much in all (a zip bomb expands far past it).
MAX_EXPANDED_BYTES = settings.KAIFAQU_WORKBOOK_MAX_EXPANDED_MB * 1024 * 1024

TEXT, NUMBER, INTEGER, CHOICE, PERIOD, CODES = (
    "text",
    "number",
    "integer",
    "choice",
    "period",
    "codes",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool  # the column must be in the sheet (a cell may still be blank, see the notes)
    note: str | Promise
    choices: tuple[str, ...] = ()
    max_length: int = 0
    places: int = 6  # numbers: decimal places kept
    digits: int = 24  # numbers: digits in all
    minimum: int = 0  # integers
    maximum: int = 0


ELEMENTS, ORGUNITS, VALUES, TARGETS = "elements", "orgunits", "values", "targets"

SHEETS: dict[str, tuple[Column, ...]] = {
    ELEMENTS: (
        Column("code", TEXT, True, _("The element's code: letters, digits, - and _. Its identity; never changes."), max_length=60),
        Column("name_zh", TEXT, True, _("Chinese name. Required for a new element; blank keeps the current one."), max_length=100),
        Column("name_en", TEXT, True, _("English name. Required for a new element; blank keeps the current one."), max_length=150),
        Column("unit", CHOICE, True, _("Unit, one of the list. Required for a new element."), choices=tuple(UNITS)),
        Column("time_sum", CHOICE, False, _("How it adds up over time: sum (a flow), last (a stock), none (a rate). Default sum."), choices=tuple(TimeAggregation.values)),
        Column("unit_sum", CHOICE, False, _("How it adds up over org units: sum or none. Default sum."), choices=tuple(UnitAggregation.values)),
        Column("growth_basis", CHOICE, False, _("computed (from the values) or reported (comparable prices, growth entered with the value). Default computed."), choices=tuple(GrowthBasis.values)),
        Column("decimals", INTEGER, False, _("Decimals shown, 0 to 6. Default 2."), minimum=0, maximum=6),
        Column("parts", CODES, False, _("On a whole: the codes of all its parts, in order, separated by commas. Blank keeps the current parts."), max_length=1000),
        Column("department", TEXT, False, _("Code of the department that keeps the element. Required for a new element."), max_length=40),
    ),
    ORGUNITS: (
        Column("code", TEXT, True, _("The org unit's code (statistical division code). Its identity; never changes."), max_length=20),
        Column("name", TEXT, True, _("Name."), max_length=100),
        Column("kind", CHOICE, True, _("Kind, one of the list."), choices=tuple(OrgUnitKind.values)),
        Column("parent", TEXT, True, _("Code of the unit above, in the system or on an earlier row. Blank only for a city."), max_length=20),
    ),
    VALUES: (
        Column("org", TEXT, True, _("Org unit code, in the system or on the orgunits sheet."), max_length=20),
        Column("element", TEXT, True, _("Element code, in the catalogue or on the elements sheet."), max_length=60),
        Column("period", PERIOD, True, _("Period: 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08 (cumulative). Keep the column as text.")),
        Column("value", NUMBER, True, _("The value, a number (at most 6 decimals)."), places=6, digits=24),
        Column("status", CHOICE, False, _("estimate, preliminary or final. Blank means final."), choices=tuple(ValueStatus.values)),
        Column("reported_growth_pct", NUMBER, False, _("Reported growth in % (comparable prices), or blank."), places=4, digits=12),
        Column("comparable_prior", NUMBER, False, _("Comparable prior-year base (同口径), or blank."), places=6, digits=24),
        Column("note", TEXT, False, _("Where the value comes from."), max_length=255),
    ),
    TARGETS: (
        Column("org", TEXT, True, _("Org unit code, in the system or on the orgunits sheet."), max_length=20),
        Column("element", TEXT, True, _("Element code, in the catalogue or on the elements sheet."), max_length=60),
        Column("year", INTEGER, True, _("The year, 1900 to 2999."), minimum=1900, maximum=2999),
        Column("target", NUMBER, True, _("The annual target (年度计划/任务), a number."), places=6, digits=24),
        Column("note", TEXT, False, _("Where the target comes from."), max_length=255),
    ),
}  # fmt: skip

SHEET_NAMES = tuple(SHEETS)

#: Each sheet and column in words, for the workbook page (the codes stay the file's names).
SHEET_LABELS = {
    "elements": _("Elements (the catalogue)"),
    "orgunits": _("Org units"),
    "values": _("Values"),
    "targets": _("Annual targets"),
}
COLUMN_LABELS = {
    "code": _("Code"),
    "name_zh": _("Chinese name"),
    "name_en": _("English name"),
    "unit": _("Unit of measure"),
    "time_sum": _("Adding up over time"),
    "unit_sum": _("Adding up over units"),
    "growth_basis": _("Growth basis"),
    "decimals": _("Decimals shown"),
    "parts": _("Parts"),
    "department": _("Department"),
    "name": _("Name"),
    "kind": _("Kind"),
    "parent": _("Unit above"),
    "org": _("Org unit"),
    "element": _("Element"),
    "period": _("Period"),
    "value": _("Value"),
    "status": _("Data status"),
    "reported_growth_pct": _("Reported growth %"),
    "comparable_prior": _("Comparable prior-year base"),
    "note": _("Source note"),
    "year": _("Year"),
    "target": _("Annual target"),
}


def column_names(sheet: str) -> tuple[str, ...]:
    return tuple(c.name for c in SHEETS[sheet])


@dataclass(frozen=True)
class Problem:
    """Something wrong with the workbook, where it is, and what to do, in the user's language.

    ``row`` is the spreadsheet's row number (1 is the header) or None for the whole sheet or
    file; ``column`` is a column letter, or "" for the whole row.
    """

    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def location(self) -> str:
        """As a spreadsheet names it: values!D5, values!1:1 (a row), values (a sheet), ""."""
        if not self.sheet:
            return ""
        if self.row is None:
            return self.sheet
        if not self.column:
            return f"{self.sheet}!{self.row}:{self.row}"
        return f"{self.sheet}!{self.column}{self.row}"

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message
