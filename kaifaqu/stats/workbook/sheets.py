"""Reading a statistics workbook's sheets into a plan: every cell checked, every problem
collected, nothing written.

The file itself is opened and its rows read by ``files`` (shared with the other workbooks);
here each row of the four sheets is checked against the others and against what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from kaifaqu.core.numbers import active_lang, join_list
from kaifaqu.orgs.models import ALLOWED_CHILDREN, Department, OrgUnit, OrgUnitKind

from ..models import DataElement
from ..registry import extra_target_codes
from . import columns as fmt
from .cells import CellError, check_code
from .columns import ELEMENTS, ORGUNITS, TARGETS, VALUES, Problem
from .files import WorkbookPlan, name_of, open_workbook
from .rows import sheet_rows

if TYPE_CHECKING:
    from openpyxl import Workbook


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


@dataclass(slots=True)  # a file may hold a million: without slots each takes a dict
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
class Plan(WorkbookPlan):
    """What a statistics workbook would import, and everything wrong with it."""

    elements: list[ElementRow] = field(default_factory=list)
    orgunits: list[OrgUnitRow] = field(default_factory=list)
    values: list[ValueRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def row_counts(self) -> dict[str, int]:
        return {s: len(self.rows(s)) for s in fmt.SHEET_NAMES}

    def rows(self, sheet: str) -> list[Any]:
        rows: list[Any] = getattr(self, sheet)  # the sheet's field, one of the four lists
        return rows


def read_workbook(file: Any, *, name: str | None = None) -> Plan:
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
    plan.refuse_if_empty(fmt.SHEET_NAMES)
    return plan


class _SheetReader:
    """The four sheets of a statistics workbook read into a ``Plan``."""

    def __init__(self, plan: Plan, book: Workbook) -> None:
        self.plan = plan
        self.book = book
        self.db_orgs: dict[str, str] = dict(OrgUnit.objects.values_list("code", "kind"))
        self.db_elements: dict[str, Mapping[str, Any]] = {
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
        self.seen: dict[str, dict[Hashable, int]] = {sheet: {} for sheet in fmt.SHEET_NAMES}
        #: (org, element) → first and last month (as one number) → the row of the value
        self.value_rows: dict[tuple[str, str], dict[int, int]] = {}
        self.shared: dict[str, str] = {}  # each text of the values sheet, kept once
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
                    % {"name": name, "names": join_list(fmt.SHEET_NAMES, lang=active_lang())},
                )
        if not present:
            self.plan.refuse(
                _("The workbook has none of the sheets %(names)s.")
                % {"names": join_list(fmt.SHEET_NAMES, lang=active_lang())}
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

    def _sheet(self, sheet: str, handler: Callable[[int, dict[str, Any], bool], None]) -> None:
        for number, parsed, refused in sheet_rows(
            self.plan, self.book[sheet], sheet, fmt.SHEETS[sheet]
        ):
            self.refused = refused
            handler(number, parsed, bool(refused))

    # -- one row of each sheet -----------------------------------------------------------

    def _required(self, sheet: str, number: int, parsed: dict[str, Any], *names: str) -> bool:
        ok = True
        for name in names:
            if parsed.get(name) in (None, "") and name in self.plan.letters[sheet]:
                # A cell already refused holds None too; say nothing more about it.
                if name not in self.refused:
                    self.plan.add(sheet, number, name, _("This cell must not be empty."))
                ok = False
        return ok

    def _duplicate(self, key: Hashable, sheet: str, number: int, column: str, message: str) -> bool:
        seen = self.seen[sheet]
        if key in seen:
            self.plan.add(sheet, number, column, message % {"row": seen[key]})
            return True
        seen[key] = number
        return False

    def _element(self, number: int, parsed: dict[str, Any], errors: bool) -> None:
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
                % {
                    "code": department,
                    "codes": join_list(sorted(self.departments), lang=active_lang()),
                },
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

    def _orgunit(self, number: int, parsed: dict[str, Any], errors: bool) -> None:
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

    def _known(
        self, sheet: str, number: int, parsed: dict[str, Any], also: AbstractSet[str] = frozenset()
    ) -> bool:
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

    def _value(self, number: int, parsed: dict[str, Any], errors: bool) -> None:
        sheet = VALUES
        ok = self._required(sheet, number, parsed, "org", "element", "period", "value")
        ok = self._known(sheet, number, parsed) and ok
        if errors or not ok:
            return
        written, month_from, month_to = parsed["period"]
        # One copy of each repeated text, and the rows seen kept by unit and element: a
        # million rows name a few hundred units, elements, periods and sources.
        org, element, written, status, note = (
            self.shared.setdefault(text, text)
            for text in (
                parsed["org"],
                parsed["element"],
                written,
                parsed.get("status") or "final",
                parsed.get("note") or "",
            )
        )
        seen = self.value_rows.setdefault((org, element), {})
        months = month_from * 1_000_000 + month_to
        if months in seen:
            self.plan.add(
                sheet,
                number,
                "period",
                _("Row %(row)s already has a value for this org unit, element and period.")
                % {"row": seen[months]},
            )
            return
        seen[months] = number
        self.plan.values.append(
            ValueRow(
                row=number,
                org=org,
                element=element,
                period=written,
                month_from=month_from,
                month_to=month_to,
                value=parsed["value"],
                status=status,
                reported_growth_pct=parsed.get("reported_growth_pct"),
                comparable_prior=parsed.get("comparable_prior"),
                note=note,
            )
        )

    def _target(self, number: int, parsed: dict[str, Any], errors: bool) -> None:
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
        for element in self.plan.elements:
            for part in element.parts or ():
                problem = None
                if part == element.code:
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
                    self.plan.add(ELEMENTS, element.row, "parts", problem)
                    bad.add(element.code)
                else:
                    listed[part] = element.code
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
