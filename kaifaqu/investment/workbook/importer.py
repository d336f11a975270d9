"""Importing a checked plan through the investment services, in one transaction: all of it or
nothing.

A row that states what is stored calls no service and is counted unchanged, so importing an
export, or the same file twice, writes nothing. Every other row goes through its service
(projects, their moves, enterprises, tranches, plans, progress reports), which checks the
actor's rights; a refusal is a problem on that row, and any problem rolls everything back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaifaqu.carriers.models import LandParcel
from kaifaqu.core.access import require_change
from kaifaqu.core.versioning import CURRENT
from kaifaqu.enterprises import services as enterprise_services
from kaifaqu.stats.workbook.columns import Problem
from kaifaqu.stats.workbook.importer import ImportResult, import_all_or_nothing

from .. import services
from ..models import FundTranche, KeyLevel, KeyProjectPlan, ProgressReport, Project
from ..stages import Stage
from .columns import PLANS, PROGRESS, PROJECTS, SHEET_NAMES, STAGE_DATES, STAGE_EVIDENCE, TRANCHES
from .reader import Plan, ProgressRow, ProjectKey, ProjectRow, TrancheRow

Progress = Callable[[int, int], None]

#: Model field → workbook column, to put a service's validation error on the right cell.
FIELD_COLUMNS = {
    PROJECTS: {
        "name": "name",
        "investor": "investor_name",
        "partner": "partner",
        "industry": "industry",
        "source": "source",
        "officer": "officer",
        "org_unit": "org",
        "department": "department",
        "contract_investment": "contract_investment",
        "total_investment": "total_investment",
        "capital": "capital",
        "light_asset": "light_asset",
        "land_parcel": "carrier",
        "building_unit": "carrier",
        "key_level": "key_level",
        "first_contact_on": "first_contact_on",
        "note": "note",
        "to": "stage",
        "credit_code": "investor_credit_code",
        "contact_person": "contact_person",
        "phone": "phone",
        "email": "email",
    },
    TRANCHES: {"on": "date", "amount": "amount", "capital": "capital", "voucher_note": "voucher"},
    PLANS: {"annual_plan": "annual_plan", "year": "year"},
    PROGRESS: {
        "month": "month",
        "completed_investment": "completed_investment",
        "image_progress": "image_progress",
        "kind": "problem_kind",
        "description": "problem",
        "responsible_department": "solver_department",
        "due_on": "due_on",
    },
}
#: Where a refusal of the whole row is shown.
ROW_COLUMN = {PROJECTS: "ref", TRANCHES: "project", PLANS: "project", PROGRESS: "project"}
IMPORT_TYPE = "investment.workbook"
#: Fields compared by id, without loading the related row.
RELATIONS = frozenset(
    ("investor", "industry", "officer", "org_unit", "department", "land_parcel", "building_unit")
)


def _counts() -> dict[str, dict[str, int]]:
    return {sheet: {"created": 0, "updated": 0, "unchanged": 0} for sheet in SHEET_NAMES}


def import_plan(
    plan: Plan, *, actor, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Import an investment workbook's checked plan through the services, all of it or
    nothing (``stats.workbook.importer.import_all_or_nothing``)."""
    result = ImportResult(counts=_counts(), problems=list(plan.problems), dry_run=dry_run)
    return import_all_or_nothing(
        plan,
        result,
        actor=actor,
        run=lambda: _Importer(plan, actor, result, progress).run(),
        object_type=IMPORT_TYPE,
    )


class _Importer:
    def __init__(self, plan: Plan, actor, result: ImportResult, progress: Progress | None):
        self.plan = plan
        self.actor = actor
        self.result = result
        self.progress = progress
        self.total = sum(plan.row_counts.values())
        self.done = 0
        self.projects: dict[ProjectKey, Project] = {}
        self.enterprises: dict[tuple, Any] = {}
        #: (year, department id) of the plans written: their figures' targets follow them.
        self.plan_years: set[tuple[int, int]] = set()

    def run(self) -> None:
        self._projects()
        self._load_projects()
        self._tranches()
        self._plans()
        self._progress()
        if not self.result.problems:
            for year, department_id in sorted(self.plan_years):
                services.key_project_targets_sync(
                    actor=self.actor, year=year, department_id=department_id
                )

    # -- bookkeeping -------------------------------------------------------------------------

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _count(self, sheet: str, what: str) -> None:
        self.result.counts[sheet][what] += 1

    def _fail(self, sheet: str, row: int, error: Exception, column: str | None = None) -> None:
        letter = self.plan.letter
        default = letter(sheet, column or ROW_COLUMN[sheet]) or letter(sheet, ROW_COLUMN[sheet])
        problems = self.result.problems
        if isinstance(error, PermissionDenied):
            problems.append(
                Problem(sheet, row, default, str(error) or _("You may not change this."))
            )
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                named = FIELD_COLUMNS[sheet].get(name, "")
                where = (letter(sheet, named) if named else "") or default
                for message in messages:
                    problems.append(Problem(sheet, row, where, message))
        elif isinstance(error, ValidationError):
            for message in error.messages:
                problems.append(Problem(sheet, row, default, message))
        else:
            problems.append(
                Problem(sheet, row, default, _("This row conflicts with what is stored."))
            )

    # -- projects ----------------------------------------------------------------------------

    def _projects(self) -> None:
        for row in self.plan.projects:
            self._tick()
            if row.project is not None and not self._pending(row):
                self.projects[row.key] = row.project
                self._count(PROJECTS, "unchanged")
                continue  # nothing to write, no savepoint to take
            made = dict(self.enterprises)
            try:
                with transaction.atomic():
                    changed = self._project(row)
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self.enterprises = made  # what the row made is rolled back with it
                self._fail(PROJECTS, row.row, error, getattr(error, "column", None))
                continue
            if row.project is None:
                self._count(PROJECTS, "created")
            else:
                self._count(PROJECTS, "updated" if changed else "unchanged")

    def _investor_changes(self, row: ProjectRow, enterprise) -> dict[str, Any]:
        changes = {k: v for k, v in row.contacts.items() if getattr(enterprise, k) != v}
        if row.assign_code and not enterprise.credit_code:
            changes["credit_code"] = row.credit_code
        return changes

    def _investor(self, row: ProjectRow):
        """The enterprise the row names: stored (given its missing code, its contact details
        changed as the row states), or made once for all the rows naming it."""
        enterprise = self.enterprises.get(row.investor_key, row.investor)
        if enterprise is None:
            enterprise = enterprise_services.enterprise_create(
                actor=self.actor,
                name=row.investor_name,
                credit_code=row.credit_code or None,
                **row.contacts,
            )
        elif changes := self._investor_changes(row, enterprise):
            # An import writes what the workbook states over what is stored (CURRENT).
            enterprise = enterprise_services.enterprise_update(
                actor=self.actor, enterprise=enterprise, version=CURRENT, **changes
            )
        self.enterprises[row.investor_key] = enterprise
        return enterprise

    def _carrier_fields(self, row: ProjectRow) -> dict[str, Any]:
        if row.carrier is None:
            return {}
        if isinstance(row.carrier, LandParcel):
            return {"land_parcel": row.carrier, "building_unit": None}
        return {"land_parcel": None, "building_unit": row.carrier}

    def _project(self, row: ProjectRow) -> bool:
        """Write one project row; True if anything changed. The right to change the project
        is checked before its investor is written (by a service of its own)."""
        if row.project is None:
            require_change(self.actor, row.department.pk)
            project = services.project_create(
                actor=self.actor,
                name=row.name,
                investor=self._investor(row),
                source=row.source,
                org_unit=row.org_unit,
                department=row.department,
                officer=row.officer,
                industry=row.industry,
                partner=row.partner,
                contract_investment=row.contract_investment,
                total_investment=row.total_investment,
                capital=row.capital or "domestic",
                light_asset=bool(row.light_asset),
                key_level=row.key_level or KeyLevel.NONE,
                note=row.note,
                first_contact_on=row.first_contact_on,
                moves=row.moves,
                **self._carrier_fields(row),
            )
            self.projects[row.key] = project
            return True
        project = row.project
        changes = self._changes(row, project, self.enterprises.get(row.investor_key, row.investor))
        require_change(self.actor, project.department_id)
        investor = self._investor(row)
        if "investor" in changes:
            changes["investor"] = investor
        if changes:
            # An import writes what the workbook states over what is stored (CURRENT).
            project = services.project_update(
                actor=self.actor, project=project, version=CURRENT, **changes
            )
        for move in row.moves:
            try:
                project = services.project_move(
                    actor=self.actor,
                    project=project,
                    to=move.to,
                    on=move.on,
                    evidence_text=move.evidence_text,
                    reason=move.reason,
                    version=CURRENT,
                )
            except ValidationError as error:
                error.column = _move_column(error, move.to)
                raise
        self.projects[row.key] = project
        return True

    def _pending(self, row: ProjectRow) -> bool:
        """Whether a stored project's row changes anything (the project, its stage or its
        investor)."""
        enterprise = self.enterprises.get(row.investor_key, row.investor)
        return bool(
            row.moves
            or enterprise is None
            or self._investor_changes(row, enterprise)
            or self._changes(row, row.project, enterprise)
        )

    def _changes(self, row: ProjectRow, project: Project, investor) -> dict[str, Any]:
        """What the row changes of a stored project (a blank cell keeps what is stored);
        ``investor`` None is one the import makes."""
        stated = {
            "name": row.name,
            "partner": row.partner,
            "industry": row.industry,
            "source": row.source,
            "officer": row.officer,
            "org_unit": row.org_unit,
            "department": row.department,
            "contract_investment": row.contract_investment,
            "total_investment": row.total_investment,
            "capital": row.capital,
            "light_asset": row.light_asset,
            "key_level": row.key_level,
            "note": row.note,
            **self._carrier_fields(row),
        }
        changes: dict[str, Any] = {}
        if investor is None or investor.pk != project.investor_id:
            changes["investor"] = investor
        for name, value in stated.items():
            blank = value is None or value == ""
            if blank and not (name in ("land_parcel", "building_unit") and row.carrier):
                continue
            if name in RELATIONS:
                if getattr(project, f"{name}_id") != (value.pk if value is not None else None):
                    changes[name] = value
            elif getattr(project, name) != value:
                changes[name] = value
        return changes

    def _load_projects(self) -> None:
        """The stored projects the other sheets name, each once."""
        keys = {r.project for r in (*self.plan.tranches, *self.plan.plans, *self.plan.progress)}
        wanted = {pk for kind, pk in keys if kind == "n" and ("n", pk) not in self.projects}
        for project in Project.objects.filter(pk__in=wanted):
            self.projects[("n", project.pk)] = project

    # -- funds received ----------------------------------------------------------------------

    def _tranches(self) -> None:
        rows = self.plan.tranches
        if not rows:
            return
        claimed = {r.tranche.pk for r in rows if r.tranche is not None}
        stored: dict[int, list[FundTranche]] = defaultdict(list)
        projects = {self.projects[r.project].pk for r in rows if r.project in self.projects}
        for tranche in FundTranche.objects.filter(project__in=projects).exclude(pk__in=claimed):
            stored[tranche.project_id].append(tranche)
        for row in rows:
            self._tick()
            project = self.projects.get(row.project)
            if project is None:
                continue  # its project's row failed, and says why
            what, changes = self._tranche_changes(row, project, stored[project.pk])
            if what == "unchanged":
                self._count(TRANCHES, what)
                continue
            try:
                with transaction.atomic():
                    if row.tranche is not None:
                        services.tranche_update(
                            actor=self.actor, tranche=row.tranche, version=CURRENT, **changes
                        )
                    else:
                        services.tranche_create(actor=self.actor, project=project, **changes)
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self._fail(TRANCHES, row.row, error)
                continue
            self._count(TRANCHES, what)

    def _tranche_changes(
        self, row: TrancheRow, project: Project, unclaimed: list[FundTranche]
    ) -> tuple[str, dict[str, Any]]:
        """How the row counts, and what to write: the changes of the tranche its id names,
        or a new tranche unless an identical stored one (named by no id) answers the row."""
        if row.tranche is not None:
            tranche = row.tranche
            desired = {
                "on": row.on,
                "amount": row.amount,
                "capital": row.capital or tranche.capital,
            }
            if row.voucher:
                desired["voucher_note"] = row.voucher
            changes = {k: v for k, v in desired.items() if getattr(tranche, k) != v}
            return ("updated" if changes else "unchanged"), changes
        capital, voucher = row.capital or project.capital, row.voucher or ""
        for tranche in unclaimed:
            if (tranche.on, tranche.amount, tranche.capital, tranche.voucher_note) == (
                row.on,
                row.amount,
                capital,
                voucher,
            ):
                unclaimed.remove(tranche)  # one stored tranche answers one row
                return "unchanged", {}
        fields = {"on": row.on, "amount": row.amount, "capital": capital, "voucher_note": voucher}
        return "created", fields

    # -- key projects ------------------------------------------------------------------------

    def _plans(self) -> None:
        rows = self.plan.plans
        if not rows:
            return
        projects = {self.projects[r.project].pk for r in rows if r.project in self.projects}
        stored = {
            (p.project_id, p.year): p for p in KeyProjectPlan.objects.filter(project__in=projects)
        }
        for row in rows:
            self._tick()
            project = self.projects.get(row.project)
            if project is None:
                continue
            current = stored.get((project.pk, row.year))
            if current is not None and current.annual_plan == row.annual_plan:
                self._count(PLANS, "unchanged")
                continue
            try:
                with transaction.atomic():
                    services.key_project_plan_save(
                        actor=self.actor,
                        project=project,
                        year=row.year,
                        annual_plan=row.annual_plan,
                        sync=False,
                        version=CURRENT,
                    )
            except (PermissionDenied, ValidationError, IntegrityError) as error:
                self._fail(PLANS, row.row, error)
                continue
            self.plan_years.add((row.year, project.department_id))
            self._count(PLANS, "created" if current is None else "updated")

    def _progress(self) -> None:
        groups: dict[tuple, list[ProgressRow]] = {}
        for row in self.plan.progress:
            groups.setdefault((row.project, row.month_key), []).append(row)
        if not groups:
            return
        projects = {self.projects[k].pk for k, _m in groups if k in self.projects}
        reports = {
            (r.project_id, r.month_key): r
            for r in ProgressReport.objects.filter(project__in=projects).prefetch_related("issues")
        }
        for (key, month_key), rows in groups.items():
            project = self.projects.get(key)
            for _row in rows:
                self._tick()
            if project is None:
                continue
            report = reports.get((project.pk, month_key))
            counted, write = self._report(project, report, rows)
            if write is not None:
                try:
                    with transaction.atomic():
                        services.progress_report_save(
                            actor=self.actor, project=project, version=CURRENT, **write
                        )
                except (PermissionDenied, ValidationError, IntegrityError) as error:
                    self._fail(PROGRESS, rows[0].row, error)
                    continue
            for what in counted:
                self._count(PROGRESS, what)

    def _report(self, project: Project, report, rows: list[ProgressRow]):
        """How each of one month's rows of a project counts, and what to save of its report
        (None: nothing)."""
        first = rows[0]
        image = next((r.image_progress for r in rows if r.image_progress), "")
        known = set()
        if report is not None:
            image = image or report.image_progress
            known = {
                (i.kind, i.description, i.responsible_department_id, i.due_on)
                for i in report.issues.all()
            }
        new = []
        for row in rows:
            if row.issue is None:
                continue
            kind, description, department, due_on = row.issue
            if (kind, description, department.pk, due_on) not in known:
                new.append(row)
        same = (
            report is not None
            and report.completed_investment == first.completed_investment
            and report.image_progress == image
        )
        if same and not new:
            return ["unchanged"] * len(rows), None
        write = {
            "month": first.month,
            "completed_investment": first.completed_investment,
            "image_progress": image,
            "issues": [
                {
                    "kind": r.issue[0],
                    "description": r.issue[1],
                    "responsible_department": r.issue[2],
                    "due_on": r.issue[3],
                }
                for r in new
            ],
        }
        if report is None:
            return ["created"] * len(rows), write
        if not same:
            return ["updated"] * len(rows), write
        return ["updated" if r in new else "unchanged" for r in rows], write


def _move_column(error: ValidationError, to: str) -> str:
    """The column a refused move's problem belongs to: its date, its evidence, or the stage."""
    fields = set(getattr(error, "error_dict", {}))
    if "evidence_text" in fields or "reason" in fields:
        return STAGE_EVIDENCE.get(Stage(to), "stage")
    if "on" in fields:
        return STAGE_DATES.get(Stage(to), "stage")
    return "stage"


__all__ = ["ImportResult", "import_plan"]
