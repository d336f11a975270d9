"""What reading an investment workbook produces: the plan of its import, a row per record it
would write, each resolved against the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.enterprises.models import Enterprise, Industry
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.stats.workbook.reader import WorkbookPlan

from ...models import FundTranche, Project
from ...services import MoveSpec
from ..columns import SHEET_NAMES

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
