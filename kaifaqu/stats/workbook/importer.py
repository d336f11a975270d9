"""Importing a checked plan in one transaction: all of it or nothing.

A row that states what is already stored is counted as unchanged and writes nothing, so
re-importing a file writes nothing (and needs no right to change what it does not change).
Org units, elements and targets (a file has tens of them) go through their services, one row
at a time. Values (a file may have a million) are taken in sets under the same rules and
written in bulk (``value_import``), audited as the import's one audit row plus one
``AuditChange`` row per value created or changed. A refusal is a problem on its row, and any
problem rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.versioning import CURRENT
from kaifaqu.orgs import services as org_services
from kaifaqu.orgs.models import Department, OrgUnit

from .. import services, validation
from ..models import DataElement, RuleViolation, Target
from ..registry import extra_target_codes
from .columns import ELEMENTS, ORGUNITS, SHEET_NAMES, TARGETS, VALUES, Problem
from .files import WorkbookPlan
from .sheets import ElementRow, Plan
from .value_import import Q6, ValuesSheet, quantized

Progress = Callable[[int, int], None]

#: Model field → workbook column, to put a service's validation error on the right cell.
FIELD_COLUMNS = {
    ELEMENTS: {
        "code": "code", "name_zh": "name_zh", "name_en": "name_en", "unit": "unit",
        "time_aggregation": "time_sum", "unit_aggregation": "unit_sum",
        "growth_basis": "growth_basis", "decimals": "decimals", "whole": "parts",
        "part_order": "parts", "department": "department",
    },
    ORGUNITS: {"code": "code", "name": "name", "kind": "kind", "parent": "parent"},
    VALUES: {
        "org_unit": "org", "element": "element", "period": "period", "value": "value",
        "status": "status", "reported_growth_pct": "reported_growth_pct",
        "comparable_prior": "comparable_prior", "source": "note",
    },
    TARGETS: {
        "org_unit": "org", "metric_code": "element", "year": "year", "value": "target",
        "source": "note",
    },
}  # fmt: skip

#: Where a refusal of the whole row (no right to change it) is shown.
ROW_COLUMN = {ELEMENTS: "code", ORGUNITS: "code", VALUES: "element", TARGETS: "element"}


def _counts() -> dict[str, dict[str, int]]:
    return {sheet: {"created": 0, "updated": 0, "unchanged": 0} for sheet in SHEET_NAMES}


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]] = field(default_factory=_counts)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    #: Written and committed (never for a dry run or when there is a problem).
    imported: bool = False
    #: What the validation rules find in the values the import touched, once it is written
    #: (for a dry run: would find). They do not stop an import: a part may come in before
    #: the rest, and the rules list stays to be worked off.
    violations: list[RuleViolation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        """One line per sheet: "values: 3 created, 1 updated, 40 unchanged"."""
        return "\n".join(
            _("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {"sheet": sheet, **counts}
            for sheet, counts in self.counts.items()
        )


class _Rollback(Exception):
    pass


def import_all_or_nothing(
    plan: WorkbookPlan,
    result: ImportResult,
    *,
    actor: User | None,
    run: Callable[[], None],
    object_type: str,
    changes: audit.ChangeLog | None = None,
) -> ImportResult:
    """Run ``run`` (the writes through the services) in one transaction, or nothing.

    A plan with problems writes nothing. A dry run does every write, with every check the
    services make, and rolls it back, so its counts and problems are those of the real import.
    A real import records one IMPORT row in the audit log (besides the services' own rows);
    the records ``changes`` holds (those written in bulk, not through a service) are audited
    with it, their summary in the row. Every workbook (statistics, investment) imports
    through this.
    """
    if plan.problems:
        return result
    try:
        with transaction.atomic():
            run()
            if result.problems or result.dry_run:
                raise _Rollback
            audit.record(
                AuditAction.IMPORT,
                actor=actor,
                object_type=object_type,
                object_repr=plan.filename[:255] or "workbook.xlsx",
                after={
                    "file": plan.filename,
                    "size": plan.size,
                    "sha256": plan.sha256,
                    "counts": result.counts,
                    **({"changes": changes.summary()} if changes is not None else {}),
                },
            )
    except _Rollback:
        return result
    result.imported = True
    return result


def import_plan(
    plan: Plan, *, actor: User | None, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Import a statistics workbook's checked plan, all of it or nothing."""
    result = ImportResult(problems=list(plan.problems), dry_run=dry_run)
    changes = audit.ChangeLog(write=not dry_run)
    return import_all_or_nothing(
        plan,
        result,
        actor=actor,
        run=lambda: _Importer(plan, actor, result, progress, changes).run(),
        object_type="stats.workbook",
        changes=changes,
    )


class _Importer(ValuesSheet):
    def __init__(
        self,
        plan: Plan,
        actor: User | None,
        result: ImportResult,
        progress: Progress | None,
        changes: audit.ChangeLog,
    ) -> None:
        self.plan = plan
        self.changes = changes
        self.actor = actor
        self.result = result
        self.progress = progress
        self.total = sum(plan.row_counts.values())
        self.done = 0
        self.orgs: dict[str, OrgUnit] = {}
        self.elements: dict[str, DataElement] = {}
        #: (element id, org unit id, year) of each value written, for the rules' check
        self.touched: set[tuple[int, int, int]] = set()

    def run(self) -> None:
        self._orgunits()
        self._elements()
        self._values()
        self._targets()
        if self.touched and not self.result.problems:
            checked = validation.check_scope(
                element_ids={e for e, _o, _y in self.touched},
                org_ids={o for _e, o, _y in self.touched},
                years={y + d for _e, _o, y in self.touched for d in (0, 1)},
            )
            found = checked.violations
            # Loaded now: after a dry run's rollback, a unit the file adds is gone.
            units = OrgUnit.objects.in_bulk({v.org_unit_id for v in found})
            for violation in found:
                violation.org_unit = units[violation.org_unit_id]
            self.result.violations = found
            # An error-level breach the file makes refuses the file (all or nothing), as it
            # refuses a value on the entry page and in the API; a warning imports and shows.
            for violation in checked.new_errors:
                self._breach(violation)

    def _breach(self, violation: RuleViolation) -> None:
        rule = violation.rule
        message = services.breach_message(
            rule,
            violation.period,
            violation.left_value,
            violation.right_value,
            org=violation.org_unit.name,
        )
        # The file's row that brought the breach: a value of the rule's elements for that
        # unit and window (or last year's, for a multiple of it), looked up in the plan only
        # for a breach, so the import keeps nothing per value for it.
        ids = {rule.left_id, *rule.left.parts.values_list("pk", flat=True)}
        if rule.right_element_id is not None:
            ids.add(rule.right_element_id)
        codes = set(DataElement.objects.filter(pk__in=ids).values_list("code", flat=True))
        windows = {
            (violation.month_from, violation.month_to),
            (violation.month_from - 100, violation.month_to - 100),
        }
        rows = [
            r.row
            for r in self.plan.values
            if r.org == violation.org_unit.code
            and r.element in codes
            and (r.month_from, r.month_to) in windows
        ]
        if rows:
            column = self.plan.letter(VALUES, "value")
            self.result.problems.append(Problem(VALUES, min(rows), column, message))
        else:
            self.result.problems.append(Problem(VALUES, None, "", message))

    # -- bookkeeping -------------------------------------------------------------------------

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _count(self, sheet: str, what: str) -> None:
        self.result.counts[sheet][what] += 1

    def _fail(self, sheet: str, row: int, error: Exception) -> None:
        letter = self.plan.letter
        default = letter(sheet, ROW_COLUMN[sheet])
        if isinstance(error, PermissionDenied):
            message = str(error) or _("You may not change this.")
            self.result.problems.append(Problem(sheet, row, default, message))
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                column = letter(sheet, FIELD_COLUMNS[sheet].get(name, "")) or default
                for message in messages:
                    self.result.problems.append(Problem(sheet, row, column, message))
        elif isinstance(error, ValidationError):
            for message in error.messages:
                self.result.problems.append(Problem(sheet, row, default, message))
        else:
            self.result.problems.append(
                Problem(sheet, row, default, _("This row conflicts with what is stored."))
            )

    def _orgs_for(self, codes: set[str]) -> dict[str, OrgUnit]:
        missing = codes - set(self.orgs)
        if missing:
            self.orgs.update({u.code: u for u in OrgUnit.objects.filter(code__in=missing)})
        return self.orgs

    def _elements_for(self, codes: set[str]) -> dict[str, DataElement]:
        missing = codes - set(self.elements)
        if missing:
            found = DataElement.objects.filter(code__in=missing)
            self.elements.update({e.code: e for e in found})
        return self.elements

    # -- org units ---------------------------------------------------------------------------

    def _orgunits(self) -> None:
        rows = self.plan.orgunits
        self._orgs_for({r.code for r in rows} | {r.parent for r in rows if r.parent})
        for row in rows:
            self._tick()
            parent = self.orgs.get(row.parent) if row.parent else None
            if row.parent and parent is None:
                continue  # the parent's own row failed, and says why
            unit = self.orgs.get(row.code)
            try:
                if unit is None:
                    top = OrgUnit.objects.filter(parent=parent).aggregate(m=Max("order"))["m"]
                    unit = org_services.orgunit_create(
                        actor=self.actor, code=row.code, name=row.name, kind=row.kind,
                        parent=parent, order=(top or 0) + 1,
                    )  # fmt: skip
                    self._count(ORGUNITS, "created")
                else:
                    changes: dict[str, Any] = {}
                    if unit.name != row.name:
                        changes["name"] = row.name
                    if unit.kind != row.kind:
                        changes["kind"] = row.kind
                    if unit.parent_id != (parent.pk if parent else None):
                        changes["parent"] = parent
                    if not changes:
                        self._count(ORGUNITS, "unchanged")
                        continue
                    # An import writes what the workbook states over what is stored.
                    unit = org_services.orgunit_update(
                        actor=self.actor, unit=unit, version=CURRENT, **changes
                    )
                    self._count(ORGUNITS, "updated")
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self._fail(ORGUNITS, row.row, error)
                continue
            self.orgs[row.code] = unit

    # -- elements ----------------------------------------------------------------------------

    def _elements(self) -> None:
        rows = {r.code: r for r in self.plan.elements}
        if not rows:
            return
        stating = {code for code, r in rows.items() if r.parts is not None}
        listed: dict[str, tuple[str, int]] = {}
        for listing in rows.values():
            for index, part in enumerate(listing.parts or (), start=1):
                listed[part] = (listing.code, index)
        db = {
            e.code: e
            for e in DataElement.objects.select_related("whole").filter(
                Q(code__in=set(rows) | set(listed)) | Q(whole__code__in=stating)
            )
        }
        self.elements.update(db)
        for element in list(db.values()):
            if element.whole is not None:  # a whole kept as it is, not on the sheet
                self.elements.setdefault(element.whole.code, element.whole)

        def current_whole(code: str) -> str | None:
            element = db.get(code)
            return element.whole.code if element is not None and element.whole else None

        def desired_whole(code: str) -> str | None:
            if code in listed:
                return listed[code][0]
            current = current_whole(code)
            return None if current in stating else current

        # A listing in the order the parts already have keeps their part_order (the demo's
        # parts all have 0 and sort by code), so an exported catalogue re-imports unchanged.
        part_order: dict[str, int] = {}
        for code in stating:
            names = rows[code].parts or ()
            same = all(current_whole(p) == code for p in names) and list(names) == sorted(
                names, key=lambda p: (db[p].part_order, p)
            )
            for index, part in enumerate(names, start=1):
                part_order[part] = db[part].part_order if same else index
        # Besides the rows: parts no longer listed, and listed parts without a row of their own.
        dropped = {c for c in db if current_whole(c) in stating and c not in listed}
        touched = list(rows) + sorted((dropped | set(listed)) - set(rows))
        touched.sort(key=lambda c: desired_whole(c) is not None)  # wholes before their parts
        departments = {d.code: d for d in Department.objects.all()}
        next_order = (DataElement.objects.aggregate(m=Max("order"))["m"] or 0) + 1

        for code in touched:
            row = rows.get(code)
            if row is not None:
                self._tick()
            # A problem shows on the element's row, or on the row of the whole that lists it
            # (or no longer lists it).
            stated_by = listed[code][0] if code in listed else current_whole(code)
            where = row.row if row else rows[str(stated_by)].row
            whole_code = desired_whole(code)
            whole = self.elements.get(whole_code) if whole_code else None
            if whole_code and whole is None:
                continue  # the whole's own row failed, and says why
            fields: dict[str, Any] = _row_fields(row, departments) if row else {}
            fields["whole"] = whole
            if code in listed:
                fields["part_order"] = part_order[code]
            elif whole is None and current_whole(code) is not None:
                fields["part_order"] = 0
            existing = db.get(code)
            try:
                if existing is None:
                    assert row is not None  # a code neither stored nor on a row was refused
                    element = services.element_create(
                        actor=self.actor, code=code, order=next_order,
                        **{k: v for k, v in fields.items() if v is not None or k == "whole"},
                    )  # fmt: skip
                    next_order += 1
                    self._count(ELEMENTS, "created")
                else:
                    changes = _changes(existing, fields)
                    if not changes:
                        self._count(ELEMENTS, "unchanged")
                        continue
                    # An import writes what the workbook states over what is stored.
                    element = services.element_update(
                        actor=self.actor, element=existing, version=CURRENT, **changes
                    )
                    self._count(ELEMENTS, "updated")
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self._fail(ELEMENTS, where, error)
                continue
            self.elements[code] = element
            db[code] = element

    # -- values and targets ------------------------------------------------------------------

    def _targets(self) -> None:
        rows = self.plan.targets
        if not rows:
            return
        elements = self._elements_for({r.element for r in rows})
        orgs = self._orgs_for({r.org for r in rows})
        stored = Target.objects.filter(
            metric_code__in={r.element for r in rows},
            org_unit__in=[orgs[c].pk for c in {r.org for r in rows} if c in orgs],
        )
        existing = {(t.metric_code, t.org_unit_id, t.year): t for t in stored}
        has_note = self.plan.has_column(TARGETS, "note")
        ledger = extra_target_codes()
        owner: int | None  # a ledger metric's department may be none
        for row in rows:
            self._tick()
            org = orgs.get(row.org)
            if row.element in elements:
                code, owner = row.element, elements[row.element].department_id
            elif row.element in ledger:
                code, owner = row.element, ledger[row.element]
            else:
                continue  # its element row failed, and says why
            if org is None:
                continue
            current = existing.get((code, org.pk, row.year))
            source = row.note if has_note else (current.source if current else "")
            if (
                current is not None
                and quantized(current.value, Q6) == quantized(row.value, Q6)
                and current.source == source
            ):
                self._count(TARGETS, "unchanged")
                continue
            try:
                services.target_save(
                    actor=self.actor, metric_code=code, org_unit=org, year=row.year,
                    value=row.value, department_id=owner, source=source, version=CURRENT,
                )  # fmt: skip
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self._fail(TARGETS, row.row, error)
                continue
            self._count(TARGETS, "created" if current is None else "updated")


def _row_fields(row: ElementRow, departments: dict[str, Department]) -> dict[str, Any]:
    """The fields an element row states; a blank cell states nothing (None)."""
    return {
        "name_zh": row.name_zh or None,
        "name_en": row.name_en or None,
        "unit": row.unit or None,
        "time_aggregation": row.time_aggregation or None,
        "unit_aggregation": row.unit_aggregation or None,
        "growth_basis": row.growth_basis or None,
        "decimals": row.decimals,
        "department": departments[row.department] if row.department else None,
    }


def _changes(element: DataElement, fields: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name, new in fields.items():
        if name == "whole":
            if element.whole_id != (new.pk if new is not None else None):
                changes[name] = new
        elif name == "department":
            if new is not None and element.department_id != new.pk:
                changes[name] = new
        elif new is not None and getattr(element, name) != new:
            changes[name] = new
    return changes
