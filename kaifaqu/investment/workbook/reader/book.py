"""What the readers of an investment workbook's sheets share: the plan they fill, the
ledger's rows looked up once for the whole file, the projects the projects sheet names, and
the checks every sheet makes (required cells, duplicates within the file, known codes, the
project a row names)."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.numbers import active_lang, join_list
from kaifaqu.orgs.models import Department, OrgUnit

from ...models import Project, StageMove
from ..columns import SHEET_NAMES
from .rows import Plan, ProjectKey, ProjectRow

NUMBER_RE = re.compile(r"[0-9]+")


def is_number(ref: str) -> bool:
    """Whether a ref names a stored project by its number (else it is a label of the file)."""
    return bool(NUMBER_RE.fullmatch(ref))


class Book:
    """One reading of a workbook, across its sheets."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.today = timezone.localdate()
        self.departments = {d.code: d for d in Department.objects.all()}
        self.orgs: dict[str, OrgUnit] = {}
        self.stored: dict[int, Project] = {}
        self.history: dict[int, dict[str, StageMove]] = {}
        #: ref on the projects sheet → its row, or None when the row has a problem.
        self.refs: dict[str, ProjectRow | None] = {}
        #: sheet → key → the row it was first seen on, to name duplicates.
        self.seen: dict[str, dict] = {sheet: {} for sheet in SHEET_NAMES}
        #: The columns of the row being read whose cells are refused already.
        self.refused: set[str] = set()

    def add(self, sheet: str, number: int, column: str, message: str) -> None:
        self.plan.add(sheet, number, column, message)

    def required(self, sheet: str, number: int, parsed: dict, *names: str) -> bool:
        ok = True
        for name in names:
            if parsed.get(name) in (None, "") and name in self.plan.letters[sheet]:
                if name not in self.refused:
                    self.add(sheet, number, name, _("This cell must not be empty."))
                ok = False
        return ok

    def duplicate(self, key, sheet: str, number: int, column: str, message, **params) -> bool:
        seen = self.seen[sheet]
        if key in seen:
            self.add(sheet, number, column, message % {"row": seen[key], **params})
            return True
        seen[key] = number
        return False

    def org(self, code: str) -> OrgUnit | None:
        if code not in self.orgs:
            self.orgs[code] = OrgUnit.objects.filter(code=code).first()
        return self.orgs[code]

    def department(self, sheet: str, number: int, column: str, code: str):
        department = self.departments.get(code)
        if department is None:
            self.add(
                sheet,
                number,
                column,
                _("Unknown department %(code)s: the departments are %(codes)s.")
                % {"code": code, "codes": join_list(sorted(self.departments), lang=active_lang())},
            )
        return department

    def load_stored(self, numbers: set[int]) -> None:
        missing = numbers - set(self.stored)
        if not missing:
            return
        found = Project.objects.filter(pk__in=missing).select_related(
            "investor", "land_parcel", "building_unit__building"
        )
        self.stored.update({p.pk: p for p in found})
        for move in StageMove.objects.filter(
            project__in=list(found), merged_from__isnull=True
        ).order_by("on", "pk"):
            self.history.setdefault(move.project_id, {})[move.to_stage] = move

    def load_refs(self, rows: list[dict]) -> None:
        refs = {(r.get("project") or "") for r in rows}
        self.load_stored({int(r) for r in refs if is_number(r)})

    def project_key(self, sheet: str, number: int, ref: str) -> ProjectKey | None:
        """The project a row of the other sheets names; None with a problem (or silently,
        when the projects sheet's row for it has a problem of its own, or when the cell is
        empty: that is said by the check of required cells)."""
        if not ref:
            return None
        if is_number(ref):
            project = self.stored.get(int(ref))
            if project is None:
                self.add(
                    sheet,
                    number,
                    "project",
                    _("No project number %(ref)s in the ledger.") % {"ref": ref},
                )
                return None
            if project.merged_into_id:
                self.merged(sheet, number, "project", project)
                return None
            return ("n", project.pk)
        if ref in self.refs:
            row = self.refs[ref]
            return None if row is None else row.key
        self.add(
            sheet,
            number,
            "project",
            _(
                "Unknown project %(ref)s: it is neither a project number in the ledger nor a "
                "ref on the projects sheet."
            )
            % {"ref": ref},
        )
        return None

    def merged(self, sheet: str, number: int, column: str, project: Project) -> None:
        self.add(
            sheet,
            number,
            column,
            _("Project %(ref)s was merged into project %(into)s: use that one.")
            % {"ref": project.pk, "into": project.merged_into_id},
        )


class SheetReader:
    """Reads the rows of one sheet into the plan: ``load`` looks up, once for the whole
    sheet, what its rows name; ``read_row`` checks one row and adds it to the plan (or its
    problems)."""

    def __init__(self, book: Book):
        self.book = book

    def load(self, rows: list[dict]) -> None:
        self.book.load_refs(rows)

    def read_row(self, number: int, parsed: dict, errors: bool) -> None:
        raise NotImplementedError
