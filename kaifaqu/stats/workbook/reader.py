"""Reading a workbook into a plan: every cell checked, every problem collected, nothing written.

The file is vetted before openpyxl sees it (size, zip signature, declared expanded size,
content type, macros), because a spreadsheet library parsing hostile input is the risk.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from kaifaqu.orgs.models import ALLOWED_CHILDREN, Department, OrgUnit, OrgUnitKind

from ..models import DataElement
from ..registry import extra_target_codes
from . import columns as fmt
from .cells import CellError, as_text, check_code, read_cell
from .columns import ELEMENTS, ORGUNITS, TARGETS, VALUES, Column, Problem

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")


@dataclass
class ElementRow:
    """An element as the workbook states it; "" or None is a blank cell (keep, or default)."""

    row: int
    code: str
    name_zh: str = ""
    name_en: str = ""
    unit: str = ""
    time_aggregation: str = ""
    unit_aggregation: str = ""
    growth_basis: str = ""
    decimals: int | None = None
    parts: tuple[str, ...] | None = None  # None: keep the current parts
    department: str = ""


@dataclass
class OrgUnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent: str


@dataclass
class ValueRow:
    row: int
    org: str
    element: str
    period: str  # canonical written form
    month_from: int
    month_to: int
    value: Decimal
    status: str
    reported_growth_pct: Decimal | None
    comparable_prior: Decimal | None
    note: str


@dataclass
class TargetRow:
    row: int
    org: str
    element: str
    year: int
    value: Decimal
    note: str


@dataclass
class WorkbookPlan:
    """A workbook being read: the file's identity, where each column is, every problem.

    The statistics ``Plan`` builds on it; so do other workbooks (the investment ledgers'),
    which share the file checks (``open_workbook``) and the row reading (``sheet_rows``).
    """

    filename: str = ""
    size: int = 0
    sha256: str = ""
    #: sheet → column name → letter, for the columns the sheet has.
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def has_column(self, sheet: str, name: str) -> bool:
        return name in self.letters.get(sheet, {})

    def letter(self, sheet: str, name: str) -> str:
        return self.letters.get(sheet, {}).get(name, "")

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        """A problem at a column given by name (or "" for the whole row)."""
        self.problems.append(Problem(sheet, row, self.letter(sheet, column), message))

    def refuse(self, message: str) -> None:
        self.problems.append(Problem("", None, "", message))

    def problems_by_sheet(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {}
        for problem in self.problems:
            out.setdefault(problem.sheet, []).append(problem)
        return out


@dataclass
class Plan(WorkbookPlan):
    """What a statistics workbook would import, and everything wrong with it."""

    elements: list[ElementRow] = field(default_factory=list)
    orgunits: list[OrgUnitRow] = field(default_factory=list)
    values: list[ValueRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def row_counts(self) -> dict[str, int]:
        return {s: len(self.rows(s)) for s in fmt.SHEET_NAMES}

    def rows(self, sheet: str) -> list:
        return getattr(self, sheet)


# -- the file --------------------------------------------------------------------------------


def read_workbook(file, *, name: str | None = None) -> Plan:
    """Check a workbook (a path, bytes, or a file object such as an upload) and plan its import.

    Nothing is written. Every problem found is in ``plan.problems``; the rows are worth
    importing only when there is none.
    """
    plan = Plan(filename=name or name_of(file))
    book = open_workbook(file, plan)
    if book is None:
        return plan
    try:
        _SheetReader(plan, book).read()
    finally:
        book.close()
    return plan


def open_workbook(file, plan: WorkbookPlan, *, too_expanded: str | None = None):
    """The workbook in ``file`` (a path, bytes or a file object), opened read-only once the
    file has passed every check made before openpyxl parses it; None if it is refused, with
    the reason in ``plan.problems``. Sets ``plan.size`` and ``plan.sha256``; the caller
    closes the workbook. ``too_expanded`` replaces the zip-bomb refusal's wording (with
    ``%(limit)s``) for a workbook that is not the statistics one."""
    data = _load_bytes(file, plan)
    if data is None:
        return None
    plan.size = len(data)
    plan.sha256 = hashlib.sha256(data).hexdigest()
    if not _vet_container(data, plan, too_expanded):
        return None
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on a damaged file; each means the same here
        plan.refuse(_("The file could not be opened as an Excel workbook (.xlsx)."))
        return None


def name_of(file) -> str:
    """The file's own name, without any folder (a path, or an upload's name)."""
    if isinstance(file, str | os.PathLike):
        return PurePath(file).name
    return PurePath(str(getattr(file, "name", "") or "")).name


def too_large_message() -> str:
    return _("The file is larger than %(limit)s: split it into smaller workbooks.") % {
        "limit": filesizeformat(fmt.MAX_FILE_BYTES)
    }


def _too_large(plan: WorkbookPlan) -> None:
    plan.refuse(too_large_message())


def _load_bytes(file, plan: WorkbookPlan) -> bytes | None:
    limit = fmt.MAX_FILE_BYTES
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        if os.path.getsize(file) > limit:
            _too_large(plan)
            return None
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            _too_large(plan)
            return None
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        _too_large(plan)
        return None
    return data


def _not_xlsx(plan: WorkbookPlan) -> bool:
    plan.refuse(
        _(
            "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program "
            'as "Excel workbook (.xlsx)" and try again.'
        )
    )
    return False


def _macros(plan: WorkbookPlan) -> bool:
    plan.refuse(
        _(
            "This workbook contains macros (.xlsm), which are not accepted. Save it as an "
            "Excel workbook (.xlsx) without macros and try again."
        )
    )
    return False


def _vet_container(data: bytes, plan: WorkbookPlan, too_expanded: str | None = None) -> bool:
    """The checks made before any XML of the workbook is parsed."""
    if plan.filename.lower().endswith(MACRO_SUFFIXES):
        return _macros(plan)
    if not data.startswith(b"PK\x03\x04"):
        return _not_xlsx(plan)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return _not_xlsx(plan)
    with archive:
        members = archive.infolist()
        # Declared sizes bound what zipfile will ever inflate (it stops at file_size), so
        # checking them refuses a zip bomb without decompressing a byte of it.
        if sum(m.file_size for m in members) > fmt.MAX_EXPANDED_BYTES:
            message = too_expanded or _(
                "The workbook would expand to more than %(limit)s when opened; no "
                "statistics workbook is that large, so it is refused."
            )
            plan.refuse(message % {"limit": filesizeformat(fmt.MAX_EXPANDED_BYTES)})
            return False
        names = {m.filename for m in members}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return _macros(plan)
        if "[Content_Types].xml" not in names:
            return _not_xlsx(plan)
        try:
            root = SafeET.fromstring(archive.read("[Content_Types].xml"))
        except (ParseError, DefusedXmlException, zipfile.BadZipFile, ValueError, OSError):
            return _not_xlsx(plan)
    content_types = {el.get("ContentType", "") for el in root.iter() if el.get("ContentType")}
    if any("macroEnabled" in ct for ct in content_types):
        return _macros(plan)
    if XLSX_MAIN not in content_types:
        return _not_xlsx(plan)
    return True


# -- sheets ----------------------------------------------------------------------------------


def sheet_rows(
    plan: WorkbookPlan,
    worksheet,
    sheet: str,
    columns: tuple[Column, ...],
    read: Callable[[Any, Column], Any] = read_cell,
) -> Iterator[tuple[int, dict[str, Any], set[str]]]:
    """The rows of a sheet whose first row names its ``columns``: for each row that is not
    blank, its number, its cells read by ``read`` (a refused cell reads None), and the names
    of the columns refused. A header with an unknown, repeated or missing required column is
    a problem and yields no row; so is every refused cell."""
    worksheet.reset_dimensions()  # read-only mode trusts the stored size, which may lie
    rows = worksheet.iter_rows()
    header = next(rows, ())
    if not _header(plan, sheet, header, columns):
        return
    spec = {c.name: c for c in columns}
    positions = {
        name: i
        for i, cell in enumerate(header)
        if (name := as_text(cell.value).strip().lower()) in spec
    }
    for number, cells in enumerate(rows, start=2):
        if all(c is None or c.value is None or c.value == "" for c in cells):
            continue
        parsed: dict[str, Any] = {}
        refused: set[str] = set()
        for name, position in positions.items():
            cell = cells[position] if position < len(cells) else None
            try:
                parsed[name] = read(cell, spec[name])
            except CellError as error:
                plan.add(sheet, number, name, str(error))
                parsed[name] = None
                refused.add(name)
        yield number, parsed, refused


def _header(plan: WorkbookPlan, sheet: str, header, columns: tuple[Column, ...]) -> bool:
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
                    % {"name": name, "names": ", ".join(expected)},
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


class _SheetReader:
    def __init__(self, plan: Plan, book):
        self.plan = plan
        self.book = book
        self.db_orgs = dict(OrgUnit.objects.values_list("code", "kind"))
        self.db_elements = {
            e["code"]: e
            for e in DataElement.objects.values("code", "unit", "whole__code", "department__code")
        }
        self.departments = set(Department.objects.values_list("code", flat=True))
        self.defined_orgs: set[str] = set()  # codes on the orgunits sheet
        self.defined_elements: set[str] = set()  # codes on the elements sheet
        #: ledger metrics, which take targets but are not elements
        self.target_codes = set(extra_target_codes())
        self.org_kinds: dict[str, str] = {}  # code → kind of the valid orgunits rows so far
        #: sheet → key → the row it was first seen on, to name duplicates.
        self.seen: dict[str, dict] = {sheet: {} for sheet in fmt.SHEET_NAMES}
        self.refused: set[str] = set()  # the columns of the current row refused already

    def read(self) -> None:
        present = [n for n in self.book.sheetnames if n in fmt.SHEETS]
        for name in self.book.sheetnames:
            if name not in fmt.SHEETS:
                self.plan.add(
                    name,
                    None,
                    "",
                    _("Unknown sheet %(name)s: the sheets of a workbook are %(names)s.")
                    % {"name": name, "names": ", ".join(fmt.SHEET_NAMES)},
                )
        if not present:
            self.plan.refuse(
                _("The workbook has none of the sheets %(names)s.")
                % {"names": ", ".join(fmt.SHEET_NAMES)}
            )
            return
        handlers = {
            ELEMENTS: self._element,
            ORGUNITS: self._orgunit,
            VALUES: self._value,
            TARGETS: self._target,
        }
        # Definitions first, whatever the order of the tabs: values may name them.
        for sheet in fmt.SHEET_NAMES:
            if sheet in present:
                self._sheet(sheet, handlers[sheet])
        self._check_parts()

    def _sheet(self, sheet: str, handler) -> None:
        for number, parsed, refused in sheet_rows(
            self.plan, self.book[sheet], sheet, fmt.SHEETS[sheet]
        ):
            self.refused = refused
            handler(number, parsed, bool(refused))

    # -- one row of each sheet -----------------------------------------------------------

    def _required(self, sheet: str, number: int, parsed: dict, *names: str) -> bool:
        ok = True
        for name in names:
            if parsed.get(name) in (None, "") and name in self.plan.letters[sheet]:
                # A cell already refused holds None too; say nothing more about it.
                if name not in self.refused:
                    self.plan.add(sheet, number, name, _("This cell must not be empty."))
                ok = False
        return ok

    def _duplicate(self, key, sheet: str, number: int, column: str, message) -> bool:
        seen = self.seen[sheet]
        if key in seen:
            self.plan.add(sheet, number, column, message % {"row": seen[key]})
            return True
        seen[key] = number
        return False

    def _element(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = ELEMENTS
        code = parsed.get("code") or ""
        try:
            check_code(code)
        except CellError as error:
            self.plan.add(sheet, number, "code", str(error))
            return
        if not self._required(sheet, number, parsed, "code"):
            return
        if self._duplicate(code, sheet, number, "code", _("The code is already on row %(row)s.")):
            return
        self.defined_elements.add(code)
        new = code not in self.db_elements
        if new and not self._required(sheet, number, parsed, "name_zh", "name_en", "unit"):
            errors = True
        department = parsed.get("department") or ""
        if department and department not in self.departments:
            self.plan.add(
                sheet,
                number,
                "department",
                _("Unknown department %(code)s: the departments are %(codes)s.")
                % {"code": department, "codes": ", ".join(sorted(self.departments))},
            )
            errors = True
        elif new and not department:
            self.plan.problems.append(
                Problem(
                    sheet,
                    number,
                    self.plan.letter(sheet, "department") or self.plan.letter(sheet, "code"),
                    _("A new element needs the code of the department that keeps it."),
                )
            )
            errors = True
        if errors:
            return
        self.plan.elements.append(
            ElementRow(
                row=number,
                code=code,
                name_zh=parsed.get("name_zh") or "",
                name_en=parsed.get("name_en") or "",
                unit=parsed.get("unit") or "",
                time_aggregation=parsed.get("time_sum") or "",
                unit_aggregation=parsed.get("unit_sum") or "",
                growth_basis=parsed.get("growth_basis") or "",
                decimals=parsed.get("decimals"),
                parts=parsed.get("parts"),
                department=department,
            )
        )

    def _orgunit(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = ORGUNITS
        if not self._required(sheet, number, parsed, "code", "name", "kind"):
            errors = True
        code, parent, kind = (parsed.get(k) or "" for k in ("code", "parent", "kind"))
        if not code:
            return
        if self._duplicate(code, sheet, number, "code", _("The code is already on row %(row)s.")):
            return
        kinds = self.org_kinds
        self.defined_orgs.add(code)
        if parent == code:
            self.plan.add(sheet, number, "parent", _("A unit cannot be placed under itself."))
            return
        if parent and parent not in kinds and parent not in self.db_orgs:
            if parent in self.defined_orgs:
                return  # defined on an earlier row that has a problem of its own
            self.plan.add(
                sheet,
                number,
                "parent",
                _(
                    "Unknown org unit %(code)s: it is neither in the system nor on an earlier "
                    "row of the orgunits sheet."
                )
                % {"code": parent},
            )
            return
        if errors:
            return
        kinds[code] = kind
        if not parent:
            if kind != OrgUnitKind.CITY:
                self.plan.add(
                    sheet, number, "parent", _("Only a city stands at the top of the tree.")
                )
                return
        else:
            parent_kind = OrgUnitKind(kinds.get(parent) or self.db_orgs[parent])
            if kind not in ALLOWED_CHILDREN[parent_kind]:
                self.plan.add(
                    sheet,
                    number,
                    "kind",
                    _("A %(parent)s cannot hold a %(child)s.")
                    % {"parent": parent_kind.label, "child": OrgUnitKind(kind).label},
                )
                return
        self.plan.orgunits.append(OrgUnitRow(number, code, parsed["name"], kind, parent))

    def _known(self, sheet: str, number: int, parsed: dict, also: set[str] = frozenset()) -> bool:
        ok = True
        org, element = parsed.get("org"), parsed.get("element")
        if org and org not in self.db_orgs and org not in self.defined_orgs:
            self.plan.add(
                sheet,
                number,
                "org",
                _(
                    "Unknown org unit %(code)s: it is neither in the system nor on the "
                    "orgunits sheet."
                )
                % {"code": org},
            )
            ok = False
        if (
            element
            and element not in self.db_elements
            and element not in self.defined_elements
            and element not in also
        ):
            self.plan.add(
                sheet,
                number,
                "element",
                _(
                    "Unknown element %(code)s: it is neither in the catalogue nor on the "
                    "elements sheet."
                )
                % {"code": element},
            )
            ok = False
        return ok

    def _value(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = VALUES
        ok = self._required(sheet, number, parsed, "org", "element", "period", "value")
        ok = self._known(sheet, number, parsed) and ok
        if errors or not ok:
            return
        written, month_from, month_to = parsed["period"]
        key = (parsed["org"], parsed["element"], month_from, month_to)
        if self._duplicate(
            key,
            sheet,
            number,
            "period",
            _("Row %(row)s already has a value for this org unit, element and period."),
        ):
            return
        self.plan.values.append(
            ValueRow(
                row=number,
                org=parsed["org"],
                element=parsed["element"],
                period=written,
                month_from=month_from,
                month_to=month_to,
                value=parsed["value"],
                status=parsed.get("status") or "final",
                reported_growth_pct=parsed.get("reported_growth_pct"),
                comparable_prior=parsed.get("comparable_prior"),
                note=parsed.get("note") or "",
            )
        )

    def _target(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = TARGETS
        ok = self._required(sheet, number, parsed, "org", "element", "year", "target")
        ok = self._known(sheet, number, parsed, also=self.target_codes) and ok
        if errors or not ok:
            return
        key = (parsed["org"], parsed["element"], parsed["year"])
        if self._duplicate(
            key,
            sheet,
            number,
            "year",
            _("Row %(row)s already has a target for this org unit, element and year."),
        ):
            return
        self.plan.targets.append(
            TargetRow(
                row=number,
                org=parsed["org"],
                element=parsed["element"],
                year=parsed["year"],
                value=parsed["target"],
                note=parsed.get("note") or "",
            )
        )

    # -- wholes and parts ----------------------------------------------------------------

    def _check_parts(self) -> None:
        """Parts have one level and the unit of their whole, after the import as before."""
        rows = {r.code: r for r in self.plan.elements}
        db = self.db_elements
        listed: dict[str, str] = {}  # part → whole, as the workbook lists them
        bad: set[str] = set()
        for whole in self.plan.elements:
            for part in whole.parts or ():
                problem = None
                if part == whole.code:
                    problem = _("An element cannot be a part of itself.")
                elif part not in rows and part not in db:
                    problem = _(
                        "Unknown element %(code)s: it is neither in the catalogue nor on the "
                        "elements sheet."
                    ) % {"code": part}
                elif part in listed:
                    problem = _(
                        "%(code)s is already a part of %(whole)s: an element is a part of one "
                        "whole."
                    ) % {"code": part, "whole": listed[part]}
                if problem:
                    self.plan.add(ELEMENTS, whole.row, "parts", problem)
                    bad.add(whole.code)
                else:
                    listed[part] = whole.code
        stating = {r.code for r in self.plan.elements if r.parts is not None}

        def final_whole(code: str) -> str | None:
            if code in listed:
                return listed[code]
            current = db.get(code, {}).get("whole__code")
            return None if current in stating else current

        def final_unit(code: str) -> str:
            row = rows.get(code)
            return (row.unit if row else "") or db.get(code, {}).get("unit", "")

        codes = set(rows) | set(db)
        parts_of: dict[str, list[str]] = {}
        for code in codes:
            whole = final_whole(code)
            if whole is not None:
                parts_of.setdefault(whole, []).append(code)
        for row in self.plan.elements:
            if row.code in bad:
                continue
            for part in row.parts or ():
                if part not in rows and parts_of.get(part):
                    self.plan.add(
                        ELEMENTS,
                        row.row,
                        "parts",
                        _(
                            "%(code)s would both have parts and be a part of %(whole)s: parts "
                            "have one level."
                        )
                        % {"code": part, "whole": row.code},
                    )
            whole = final_whole(row.code)
            if parts_of.get(row.code) and whole is not None:
                column = "parts" if row.parts else "code"
                self.plan.add(
                    ELEMENTS,
                    row.row,
                    column,
                    _(
                        "%(code)s would both have parts and be a part of %(whole)s: parts "
                        "have one level."
                    )
                    % {"code": row.code, "whole": whole},
                )
                continue
            for part in sorted(parts_of.get(row.code, [])):
                if final_unit(part) != final_unit(row.code):
                    self.plan.add(
                        ELEMENTS,
                        row.row,
                        "parts" if part in listed else "unit",
                        _(
                            "%(part)s is in %(part_unit)s but %(whole)s is in %(whole_unit)s: "
                            "a part has the unit of its whole."
                        )
                        % {
                            "part": part,
                            "part_unit": final_unit(part),
                            "whole": row.code,
                            "whole_unit": final_unit(row.code),
                        },
                    )
            if (
                whole is not None
                and whole not in rows
                and final_unit(whole) != final_unit(row.code)
            ):
                self.plan.add(
                    ELEMENTS,
                    row.row,
                    "unit",
                    _(
                        "%(part)s is in %(part_unit)s but %(whole)s is in %(whole_unit)s: "
                        "a part has the unit of its whole."
                    )
                    % {
                        "part": row.code,
                        "part_unit": final_unit(row.code),
                        "whole": whole,
                        "whole_unit": final_unit(whole),
                    },
                )
