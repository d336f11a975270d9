"""Reading an investment workbook into a plan: every cell and every row checked against the
ledger, every problem collected, nothing written.

The file checks (size, zip, macros, expansion) and the reading of rows and cells are the
statistics workbook's; what is checked here is what the investment ledgers need: known codes,
credit codes with their check characters, duplicates of the ledger's projects and within the
file, and the moves a row's stage and dates make, each with its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.enterprises.contacts import mask_email, mask_person, mask_phone
from kaifaqu.enterprises.models import Enterprise, Industry
from kaifaqu.enterprises.validators import credit_code_problem, normalise_credit_code
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.stats.workbook.files import WorkbookPlan, name_of, open_workbook, sheet_rows

from .. import stages
from ..models import FundTranche, Project, StageMove
from ..selectors import project_duplicates
from ..services import MoveSpec
from ..stages import Stage
from .cells import read_cell
from .columns import (
    CONTACT_COLUMNS,
    PLANS,
    PROGRESS,
    PROJECTS,
    SHEET_NAMES,
    SHEETS,
    STAGE_DATES,
    STAGE_EVIDENCE,
    TRANCHES,
)

NUMBER_RE = re.compile(r"[0-9]+")
MASKS = {"contact_person": mask_person, "phone": mask_phone, "email": mask_email}

#: A project named on the tranches, plans or progress sheet: a stored one ("n", number) or
#: one the projects sheet adds ("l", its label).
ProjectKey = tuple[str, Any]


@dataclass
class ProjectRow:
    """A project as the row states it, resolved against the ledger. For a stored project a
    blank cell keeps what is stored (None or "")."""

    row: int
    ref: str
    project: Project | None  # the stored project, None for a new one
    name: str
    investor_name: str
    credit_code: str
    #: The stored enterprise the row names (None: a new one is made), and whether the row
    #: gives it the credit code it lacks.
    investor: Enterprise | None
    assign_code: bool
    investor_key: tuple
    partner: str
    industry: Industry | None
    source: str
    department: Department | None
    officer: Any
    org_unit: OrgUnit | None
    contract_investment: Decimal | None
    total_investment: Decimal | None
    capital: str
    light_asset: bool | None
    carrier: LandParcel | BuildingUnit | None
    key_level: str
    stage: str
    first_contact_on: date | None
    #: The moves the import makes, after what is stored.
    moves: list[MoveSpec]
    #: Contact details the row states (blank and masked cells state nothing).
    contacts: dict[str, str]
    note: str

    @property
    def key(self) -> ProjectKey:
        return ("n", self.project.pk) if self.project is not None else ("l", self.ref or self.row)


@dataclass
class TrancheRow:
    row: int
    project: ProjectKey
    tranche: FundTranche | None  # the stored tranche the id names
    on: date
    amount: Decimal
    capital: str  # "": the project's
    voucher: str | None  # None: the column is absent (keep)


@dataclass
class PlanRow:
    row: int
    project: ProjectKey
    year: int
    annual_plan: Decimal


@dataclass
class ProgressRow:
    row: int
    project: ProjectKey
    month: str
    month_key: int
    completed_investment: Decimal
    image_progress: str
    #: The problem the row adds (kind, description, department, due), or None.
    issue: tuple[str, str, Department, date] | None


@dataclass
class Plan(WorkbookPlan):
    """What an investment workbook would import, and everything wrong with it."""

    projects: list[ProjectRow] = field(default_factory=list)
    tranches: list[TrancheRow] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)
    progress: list[ProgressRow] = field(default_factory=list)

    @property
    def row_counts(self) -> dict[str, int]:
        return {s: len(self.rows(s)) for s in SHEET_NAMES}

    def rows(self, sheet: str) -> list:
        return getattr(self, sheet)


def read_workbook(file, *, name: str | None = None) -> Plan:
    """Check an investment workbook (a path, bytes or a file object) and plan its import.

    Nothing is written; every problem found is in ``plan.problems``.
    """
    plan = Plan(filename=name or name_of(file))
    book = open_workbook(
        file,
        plan,
        too_expanded=_(
            "The workbook would expand to more than %(limit)s when opened; no investment "
            "workbook is that large, so it is refused."
        ),
    )
    if book is None:
        return plan
    try:
        _Reader(plan, book).read()
    finally:
        book.close()
    return plan


def _is_number(ref: str) -> bool:
    return bool(NUMBER_RE.fullmatch(ref))


def _label(stage: str) -> str:
    return str(Stage(stage).label).lower()


class _Reader:
    def __init__(self, plan: Plan, book):
        self.plan = plan
        self.book = book
        self.today = timezone.localdate()
        self.departments = {d.code: d for d in Department.objects.all()}
        self.orgs: dict[str, OrgUnit] = {}
        self.stored: dict[int, Project] = {}
        self.history: dict[int, dict[str, StageMove]] = {}
        #: ref on the projects sheet → its row, or None when the row has a problem.
        self.refs: dict[str, ProjectRow | None] = {}
        #: sheet → key → the row it was first seen on, to name duplicates.
        self.seen: dict[str, dict] = {sheet: {} for sheet in SHEET_NAMES}
        self.refused: set[str] = set()
        self.new_projects: list[Project] = []  # stand-ins of the new rows, for duplicates
        self.ledger: list[Project] | None = None
        self.investors: dict[tuple, tuple[int, str]] = {}  # key → (row, name)
        self.contacts: dict[tuple, dict[str, tuple[str, int]]] = {}

    # -- the workbook ------------------------------------------------------------------------

    def read(self) -> None:
        present = [n for n in self.book.sheetnames if n in SHEETS]
        for name in self.book.sheetnames:
            if name not in SHEETS:
                self.plan.add(
                    name,
                    None,
                    "",
                    _("Unknown sheet %(name)s: the sheets of a workbook are %(names)s.")
                    % {"name": name, "names": ", ".join(SHEET_NAMES)},
                )
        if not present:
            self.plan.refuse(
                _("The workbook has none of the sheets %(names)s.")
                % {"names": ", ".join(SHEET_NAMES)}
            )
            return
        handlers = {
            PROJECTS: (self._load_projects, self._project),
            TRANCHES: (self._load_tranches, self._tranche),
            PLANS: (None, self._plan),
            PROGRESS: (None, self._progress),
        }
        # Projects first, whatever the order of the tabs: the other sheets name them.
        for sheet in SHEET_NAMES:
            if sheet not in present:
                continue
            rows = list(sheet_rows(self.plan, self.book[sheet], sheet, SHEETS[sheet], read_cell))
            load, handle = handlers[sheet]
            if load is not None:
                load([parsed for _n, parsed, _r in rows])
            else:
                self._load_refs([parsed for _n, parsed, _r in rows])
            for number, parsed, refused in rows:
                self.refused = refused
                handle(number, parsed, bool(refused))

    # -- helpers -----------------------------------------------------------------------------

    def _add(self, sheet: str, number: int, column: str, message: str) -> None:
        self.plan.add(sheet, number, column, message)

    def _required(self, sheet: str, number: int, parsed: dict, *names: str) -> bool:
        ok = True
        for name in names:
            if parsed.get(name) in (None, "") and name in self.plan.letters[sheet]:
                if name not in self.refused:
                    self._add(sheet, number, name, _("This cell must not be empty."))
                ok = False
        return ok

    def _duplicate(self, key, sheet: str, number: int, column: str, message, **params) -> bool:
        seen = self.seen[sheet]
        if key in seen:
            self._add(sheet, number, column, message % {"row": seen[key], **params})
            return True
        seen[key] = number
        return False

    def _org(self, code: str) -> OrgUnit | None:
        if code not in self.orgs:
            self.orgs[code] = OrgUnit.objects.filter(code=code).first()
        return self.orgs[code]

    def _department(self, sheet: str, number: int, column: str, code: str):
        department = self.departments.get(code)
        if department is None:
            self._add(
                sheet,
                number,
                column,
                _("Unknown department %(code)s: the departments are %(codes)s.")
                % {"code": code, "codes": ", ".join(sorted(self.departments))},
            )
        return department

    def _load_stored(self, numbers: set[int]) -> None:
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

    def _load_refs(self, rows: list[dict]) -> None:
        refs = {(r.get("project") or "") for r in rows}
        self._load_stored({int(r) for r in refs if _is_number(r)})

    def _project_key(self, sheet: str, number: int, ref: str) -> ProjectKey | None:
        """The project a row of the other sheets names; None with a problem (or silently,
        when the projects sheet's row for it has a problem of its own)."""
        if _is_number(ref):
            project = self.stored.get(int(ref))
            if project is None:
                self._add(
                    sheet,
                    number,
                    "project",
                    _("No project number %(ref)s in the ledger.") % {"ref": ref},
                )
                return None
            if project.merged_into_id:
                self._merged(sheet, number, "project", project)
                return None
            return ("n", project.pk)
        if ref in self.refs:
            row = self.refs[ref]
            return None if row is None else row.key
        self._add(
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

    def _merged(self, sheet: str, number: int, column: str, project: Project) -> None:
        self._add(
            sheet,
            number,
            column,
            _("Project %(ref)s was merged into project %(into)s: use that one.")
            % {"ref": project.pk, "into": project.merged_into_id},
        )

    # -- projects ----------------------------------------------------------------------------

    def _load_projects(self, rows: list[dict]) -> None:
        refs = {(r.get("ref") or "") for r in rows}
        self._load_stored({int(r) for r in refs if _is_number(r)})
        codes = {normalise_credit_code(r.get("investor_credit_code")) for r in rows} - {""}
        names = {(r.get("investor_name") or "") for r in rows} - {""}
        self.by_code = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.filter(name__in=names).order_by("pk"):
            self.by_name.setdefault(enterprise.name, []).append(enterprise)
        self.industries = {
            i.code: i
            for i in Industry.objects.filter(
                code__in={(r.get("industry") or "").upper() for r in rows}
            )
        }
        users = {(r.get("officer") or "") for r in rows} - {""}
        self.users = {
            u.get_username(): u
            for u in get_user_model().objects.filter(username__in=users, is_active=True)
        }
        carriers = {(r.get("carrier") or "") for r in rows} - {""}
        self.parcels = {
            p.code: p for p in LandParcel.objects.filter(code__in=carriers).select_related()
        }
        pairs = [c.split("/", 1) for c in carriers if "/" in c]
        self.units = {
            f"{u.building.code}/{u.code}": u
            for u in BuildingUnit.objects.filter(
                building__code__in={b for b, _u in pairs}, code__in={u for _b, u in pairs}
            ).select_related("building")
        }
        self.orgs.update(
            {
                u.code: u
                for u in OrgUnit.objects.filter(code__in={(r.get("org") or "") for r in rows})
            }
        )

    def _project(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PROJECTS
        ref = parsed.get("ref") or ""
        stored = None
        if ref and self._duplicate(
            ref, sheet, number, "ref", _("The ref %(ref)s is already on row %(row)s."), ref=ref
        ):
            return
        if ref:
            self.refs[ref] = None  # until the row proves good
        if _is_number(ref):
            stored = self.stored.get(int(ref))
            if stored is None:
                self._add(
                    sheet,
                    number,
                    "ref",
                    _(
                        "No project number %(ref)s in the ledger: for a new project leave ref "
                        "blank or write a label that is not a number."
                    )
                    % {"ref": ref},
                )
                return
            if stored.merged_into_id:
                self._merged(sheet, number, "ref", stored)
                return
        ok = not errors
        if stored is None and not self._required(
            sheet, number, parsed, "name", "investor_name", "source", "department", "org"
        ):
            ok = False
        name = parsed.get("name") or ""
        investor_name = parsed.get("investor_name") or ""
        code = normalise_credit_code(parsed.get("investor_credit_code"))
        bad_code = "investor_credit_code" in self.refused
        if code and (problem := credit_code_problem(code)):
            self._add(sheet, number, "investor_credit_code", problem)
            ok, bad_code = False, True
        investor, assign_code, investor_key = self._investor(
            number, stored, code, investor_name, bad_code=bad_code
        )
        if investor_key is None:
            ok = False
        contacts = self._contacts(number, parsed, investor, investor_key)
        if contacts is None:
            ok = False

        industry = officer = org_unit = carrier = department = None
        if industry_code := (parsed.get("industry") or "").upper():
            industry = self.industries.get(industry_code)
            if industry is None:
                self._add(
                    sheet,
                    number,
                    "industry",
                    _("Unknown industry %(code)s: it is not in the industry catalogue.")
                    % {"code": industry_code},
                )
                ok = False
        if department_code := parsed.get("department"):
            department = self._department(sheet, number, "department", department_code)
            ok = ok and department is not None
        if username := parsed.get("officer"):
            officer = self.users.get(username)
            if officer is None:
                self._add(
                    sheet,
                    number,
                    "officer",
                    _("There is no active user %(name)s.") % {"name": username},
                )
                ok = False
        if org_code := parsed.get("org"):
            org_unit = self._org(org_code)
            if org_unit is None:
                self._add(
                    sheet, number, "org", _("Unknown org unit %(code)s.") % {"code": org_code}
                )
                ok = False
        if carrier_code := parsed.get("carrier"):
            carrier = self.parcels.get(carrier_code) or self.units.get(carrier_code)
            if carrier is None:
                self._add(
                    sheet,
                    number,
                    "carrier",
                    _(
                        "Unknown carrier %(code)s: write a land parcel's code, or a building's "
                        "code and the unit's code as building/unit."
                    )
                    % {"code": carrier_code},
                )
                ok = False
        for column in ("contract_investment", "total_investment"):
            value = parsed.get(column)
            if value is not None and value < 0:
                self._add(sheet, number, column, _("An amount cannot be negative."))
                ok = False

        contract = parsed.get("contract_investment")
        total = parsed.get("total_investment")
        if stored is not None:
            contract = contract if contract is not None else stored.contract_investment
            total = total if total is not None else stored.total_investment
        stage, first_contact_on, moves = "", None, []
        planned = self._moves(number, parsed, stored, contract, total)
        if planned is None:
            ok = False
        else:
            moves, stage, first_contact_on = planned

        if (
            ok
            and stored is None
            and not self._not_duplicate(number, name, investor, code, investor_name, stage)
        ):
            ok = False
        if not ok:
            return
        row = ProjectRow(
            row=number, ref=ref, project=stored, name=name, investor_name=investor_name,
            credit_code=code, investor=investor, assign_code=assign_code,
            investor_key=investor_key, partner=parsed.get("partner") or "", industry=industry,
            source=parsed.get("source") or "", department=department, officer=officer,
            org_unit=org_unit, contract_investment=parsed.get("contract_investment"),
            total_investment=parsed.get("total_investment"), capital=parsed.get("capital") or "",
            light_asset=parsed.get("light_asset"), carrier=carrier,
            key_level=parsed.get("key_level") or "", stage=stage,
            first_contact_on=first_contact_on, moves=moves, contacts=contacts,
            note=parsed.get("note") or "",
        )  # fmt: skip
        if ref:
            self.refs[ref] = row
        self.plan.projects.append(row)

    def _investor(self, number: int, stored, code: str, name: str, bad_code: bool):
        """The stored enterprise the row names (or None for a new one), whether the row gives
        it its missing credit code, and the investor's key in this file (None: a problem)."""
        sheet = PROJECTS
        if bad_code:
            return None, False, None
        if code:
            key = ("code", code)
            enterprise = self.by_code.get(code)
            if enterprise is not None and name and name != enterprise.name:
                self._add(
                    sheet,
                    number,
                    "investor_name",
                    _(
                        "The credit code %(code)s is that of %(name)s in the system: write that "
                        "name, or correct the code."
                    )
                    % {"code": code, "name": enterprise.name},
                )
                return None, False, None
            assign = False
            if enterprise is None:
                uncoded = [e for e in self.by_name.get(name, []) if not e.credit_code]
                if len(uncoded) == 1:
                    enterprise, assign = uncoded[0], True
        elif stored is not None and name in ("", stored.investor.name):
            enterprise, assign = stored.investor, False
            key = ("id", enterprise.pk)
        elif name:
            named = self.by_name.get(name, [])
            if len(named) > 1:
                self._add(
                    sheet,
                    number,
                    "investor_credit_code",
                    _("Several enterprises are named %(name)s: give the credit code to say which.")
                    % {"name": name},
                )
                return None, False, None
            enterprise, assign = (named[0] if named else None), False
            key = ("id", enterprise.pk) if enterprise else ("name", name)
        else:
            return None, False, None  # the name is required, and said so
        if enterprise is not None and enterprise.credit_code:
            key = ("code", enterprise.credit_code)
        shown = name or (enterprise.name if enterprise else "")
        first = self.investors.setdefault(key, (number, shown))
        if first[1] != shown:
            self._add(
                sheet,
                number,
                "investor_name",
                _("Row %(row)s names this investor %(name)s.")
                % {"row": first[0], "name": first[1]},
            )
            return None, False, None
        return enterprise, assign, key

    def _contacts(self, number: int, parsed: dict, investor, key) -> dict[str, str] | None:
        """The contact details the row states; a cell holding the mask of what is stored
        (an export for a user who may not see them) states nothing."""
        stated: dict[str, str] = {}
        ok = True
        for column in CONTACT_COLUMNS:
            value = parsed.get(column) or ""
            if not value:
                continue
            current = getattr(investor, column, "") if investor is not None else ""
            if "*" in value:
                if current and MASKS[column](current) == value:
                    continue
                self._add(
                    PROJECTS,
                    number,
                    column,
                    _(
                        "This looks masked (it holds *): type the contact details in full, or "
                        "leave the cell blank."
                    ),
                )
                ok = False
                continue
            stated[column] = value
        if not ok or key is None:
            return stated if ok else None
        seen = self.contacts.setdefault(key, {})
        for column, value in stated.items():
            earlier = seen.setdefault(column, (value, number))
            if earlier[0] != value:
                self._add(
                    PROJECTS,
                    number,
                    column,
                    _("Row %(row)s gives other contact details for this investor.")
                    % {"row": earlier[1]},
                )
                ok = False
        return stated if ok else None

    def _moves(self, number: int, parsed: dict, stored, contract, total):
        """The moves the row makes after what is stored, its stage, and the first contact;
        None with the problems said."""
        sheet = PROJECTS
        ok = True
        current = Stage(stored.stage) if stored is not None else Stage.LEAD
        stage_text = parsed.get("stage") or ""
        if "stage" in self.refused:
            return None
        target = Stage(stage_text) if stage_text else current
        history = self.history.get(stored.pk, {}) if stored is not None else {}
        dates = {s: parsed.get(c) for s, c in STAGE_DATES.items()}
        evidence = {s: (parsed.get(c) or "") for s, c in STAGE_EVIDENCE.items()}
        first_contact = parsed.get("first_contact_on")
        recorded = _(
            "The ledger records this move on %(date)s; an import does not change a recorded move."
        )

        if stored is not None:
            if first_contact is not None and first_contact != stored.first_contact_on:
                self._add(sheet, number, "first_contact_on",
                          recorded % {"date": stored.first_contact_on.isoformat()})  # fmt: skip
                ok = False
            first_contact = stored.first_contact_on
            for stage, move in history.items():
                if stage == Stage.LEAD:
                    continue
                if dates.get(stage) is not None and dates[stage] != move.on:
                    self._add(sheet, number, STAGE_DATES[Stage(stage)],
                              recorded % {"date": move.on.isoformat()})  # fmt: skip
                    ok = False
                text = stored.dropped_reason if stage == Stage.DROPPED else move.evidence_text
                if evidence.get(stage) and evidence[stage] != text:
                    self._add(
                        sheet, number, STAGE_EVIDENCE[Stage(stage)],
                        _("The ledger records this move's evidence as “%(text)s”; an import "
                          "does not change a recorded move.") % {"text": text},
                    )  # fmt: skip
                    ok = False
            if target != current:
                if current in stages.FINAL:
                    self._add(sheet, number, "stage",
                              _("The project is %(stage)s; it moves no further.")
                              % {"stage": _label(current)})  # fmt: skip
                    return None
                if target != Stage.DROPPED and stages.PIPELINE.index(
                    target
                ) < stages.PIPELINE.index(current):
                    self._add(sheet, number, "stage",
                              _("A project does not move back: it is %(stage)s already.")
                              % {"stage": _label(current)})  # fmt: skip
                    return None
        elif first_contact is None:
            given = [d for d in dates.values() if d is not None]
            first_contact = min(given) if given else self.today
        if first_contact > self.today:
            self._add(sheet, number, "first_contact_on", _("The date cannot be in the future."))
            ok = False

        if target == current:
            path: list[Stage] = []
        elif target == Stage.DROPPED:
            furthest = current
            for stage in stages.PIPELINE[stages.PIPELINE.index(current) + 1 :]:
                if dates[stage] is not None:
                    furthest = stage
            start, end = stages.PIPELINE.index(current), stages.PIPELINE.index(furthest)
            path = [*stages.PIPELINE[start + 1 : end + 1], Stage.DROPPED]
        else:
            start, end = stages.PIPELINE.index(current), stages.PIPELINE.index(target)
            path = list(stages.PIPELINE[start + 1 : end + 1])
        for stage, column in STAGE_DATES.items():
            if dates[stage] is not None and stage not in path and stage not in history:
                message = _(
                    "%(column)s is given but the stage is %(stage)s: change the stage, or clear "
                    "this cell."
                )
                self._add(sheet, number, column, message % {"column": column, "stage": target})
                ok = False

        previous = stored.stage_since if stored is not None else first_contact
        moves = []
        for stage in path:
            column = STAGE_DATES[stage]
            on = dates[stage]
            if on is None:
                if column not in self.refused:
                    self._add(sheet, number, column,
                              _("The project moves to %(stage)s: give the date of that move.")
                              % {"stage": _label(stage)})  # fmt: skip
                ok = False
                continue
            if on > self.today:
                self._add(sheet, number, column, _("The date cannot be in the future."))
                ok = False
            elif on < previous:
                self._add(sheet, number, column,
                          _("The project's last move is dated %(date)s; a move cannot be dated "
                            "earlier.") % {"date": previous.isoformat()})  # fmt: skip
                ok = False
            previous = max(previous, on)
            text = evidence.get(stage, "")
            if stage == Stage.SIGNED:
                if not text:
                    self._add(sheet, number, "agreement",
                              _("Signing needs its evidence: the agreement (its title or "
                                "number, or the signed file)."))  # fmt: skip
                    ok = False
                if contract is None and "contract_investment" not in self.refused:
                    self._add(sheet, number, "contract_investment",
                              _("Enter the contracted investment before signing."))  # fmt: skip
                    ok = False
            elif stage == Stage.STARTED:
                if not text:
                    self._add(sheet, number, "start_confirmation",
                              _("Starting needs its evidence: the start confirmation (its "
                                "number, or the file)."))  # fmt: skip
                    ok = False
                if total is None and "total_investment" not in self.refused:
                    self._add(sheet, number, "total_investment",
                              _("Enter the total investment before the start."))  # fmt: skip
                    ok = False
            elif stage == Stage.DROPPED and not text:
                self._add(sheet, number, "dropped_reason", _("Say why the project is dropped."))
                ok = False
            if stage == Stage.DROPPED:
                moves.append(MoveSpec(stage, on, reason=text))
            else:
                moves.append(MoveSpec(stage, on, evidence_text=text))
        if not ok:
            return None
        return moves, str(target), first_contact

    def _not_duplicate(self, number, name, investor, code, investor_name, stage) -> bool:
        """A new row that matches a project of the ledger or an earlier new row of the file
        (by the investor's credit code, or the same investor and a similar name) is refused
        with the match."""
        sheet = PROJECTS
        stand_in = Project(
            pk=-number,
            name=name,
            investor=investor or Enterprise(name=investor_name, credit_code=code or None),
            stage=stage,
        )
        ok = True
        for match in project_duplicates(
            name=name, investor=investor, credit_code=code, investor_name=investor_name,
            candidates=self.new_projects,
        ):  # fmt: skip
            row = -match.project.pk
            if match.reason == "credit_code":
                self._add(sheet, number, "investor_credit_code",
                          _("Row %(row)s is a new project of the same investor (credit code "
                            "%(code)s).") % {"row": row, "code": code})  # fmt: skip
            else:
                self._add(sheet, number, "name",
                          _("Row %(row)s is a new project of the same investor with a similar "
                            "name (%(score)d%% alike).")
                          % {"row": row, "score": round(match.score * 100)})  # fmt: skip
            ok = False
            break
        self.new_projects.append(stand_in)
        if self.ledger is None:
            self.ledger = list(
                Project.objects.filter(merged_into__isnull=True).select_related("investor")
            )
        matches = project_duplicates(
            name=name, investor=investor, credit_code=code, investor_name=investor_name,
            candidates=self.ledger,
        )  # fmt: skip
        if matches:
            shown = "；".join(
                _("number %(number)s, %(match)s") % {"number": m.project.pk, "match": m.describe()}
                for m in matches[:5]
            )
            column = "investor_credit_code" if matches[0].reason == "credit_code" else "name"
            self._add(sheet, number, column,
                      _("This project may be in the ledger already: %(matches)s. To update it, "
                        "write its number in the ref column.") % {"matches": shown})  # fmt: skip
            ok = False
        return ok

    # -- tranches ----------------------------------------------------------------------------

    def _load_tranches(self, rows: list[dict]) -> None:
        self._load_refs(rows)
        ids = {r["id"] for r in rows if r.get("id")}
        self.stored_tranches = {t.pk: t for t in FundTranche.objects.filter(pk__in=ids)}

    def _tranche(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = TRANCHES
        ok = self._required(sheet, number, parsed, "project", "date", "amount") and not errors
        key = self._project_key(sheet, number, parsed["project"]) if parsed.get("project") else None
        tranche = None
        if tranche_id := parsed.get("id"):
            message = _("The tranche %(id)s is already on row %(row)s.")
            if self._duplicate(tranche_id, sheet, number, "id", message, id=tranche_id):
                return
            tranche = self.stored_tranches.get(tranche_id)
            if tranche is None:
                message = _("No funds tranche number %(id)s in the ledger.")
                self._add(sheet, number, "id", message % {"id": tranche_id})
                ok = False
            elif key is not None and key != ("n", tranche.project_id):
                message = _(
                    "Tranche %(id)s is funds received by project %(project)s, not this one."
                )
                params = {"id": tranche_id, "project": tranche.project_id}
                self._add(sheet, number, "id", message % params)
                ok = False
        amount = parsed.get("amount")
        if amount is not None and amount <= 0:
            self._add(sheet, number, "amount", _("The amount must be more than 0."))
            ok = False
        if not ok or key is None:
            return
        has_voucher = self.plan.has_column(sheet, "voucher")
        self.plan.tranches.append(
            TrancheRow(
                row=number, project=key, tranche=tranche, on=parsed["date"], amount=amount,
                capital=parsed.get("capital") or "",
                voucher=parsed.get("voucher") or ("" if has_voucher else None),
            )
        )  # fmt: skip

    # -- key projects ------------------------------------------------------------------------

    def _plan(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PLANS
        ok = self._required(sheet, number, parsed, "project", "year", "annual_plan") and not errors
        key = self._project_key(sheet, number, parsed["project"]) if parsed.get("project") else None
        plan = parsed.get("annual_plan")
        if plan is not None and plan <= 0:
            self._add(sheet, number, "annual_plan", _("The amount must be more than 0."))
            ok = False
        if not ok or key is None:
            return
        message = _("Row %(row)s already has a plan for this project and year.")
        if self._duplicate((key, parsed["year"]), sheet, number, "year", message):
            return
        self.plan.plans.append(PlanRow(number, key, parsed["year"], plan))

    def _progress(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PROGRESS
        ok = self._required(sheet, number, parsed, "project", "month", "completed_investment")
        ok = ok and not errors
        key = self._project_key(sheet, number, parsed["project"]) if parsed.get("project") else None
        month = parsed.get("month")
        if month is not None and month[1] != month[2]:
            self._add(sheet, number, "month",
                      _("A progress report is for one month, as 2017-08."))  # fmt: skip
            ok = False
        completed = parsed.get("completed_investment")
        if completed is not None and completed < 0:
            self._add(sheet, number, "completed_investment", _("An amount cannot be negative."))
            ok = False
        issue = None
        problem_columns = ("problem_kind", "problem", "solver_department", "due_on")
        if any(parsed.get(c) not in (None, "") or c in self.refused for c in problem_columns):
            if not self._required(sheet, number, parsed, *problem_columns):
                ok = False
            solver = None
            if code := parsed.get("solver_department"):
                solver = self._department(sheet, number, "solver_department", code)
                ok = ok and solver is not None
            if ok:
                issue = (parsed["problem_kind"], parsed["problem"], solver, parsed["due_on"])
        if not ok or key is None:
            return
        written, month_key = month[0], month[1]
        image = parsed.get("image_progress") or ""
        first = self.seen[sheet].setdefault((key, month_key), (number, completed, image))
        if first[0] != number:
            if first[1] != completed:
                self._add(sheet, number, "completed_investment",
                          _("Row %(row)s gives another completed investment for this project "
                            "and month.") % {"row": first[0]})  # fmt: skip
                return
            if image and first[2] and image != first[2]:
                self._add(sheet, number, "image_progress",
                          _("Row %(row)s gives another image progress for this project and "
                            "month.") % {"row": first[0]})  # fmt: skip
                return
            image = image or first[2]
        issue_key = (key, month_key, (*issue[:2], issue[2].pk, issue[3]) if issue else None)
        message = _("Row %(row)s already has this project, month and problem.")
        if self._duplicate(issue_key, sheet, number, "problem" if issue else "month", message):
            return
        self.plan.progress.append(
            ProgressRow(number, key, written, month_key, completed, image, issue)
        )
