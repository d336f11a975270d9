"""The investment workbook as its preview shows it (the first rows of each sheet and the
problems), and its registration with the workbook pages' jobs (``stats.workbook.http``)."""

from __future__ import annotations

from typing import Any

from kaifaqu.stats.workbook.http import Findings, Workbook, findings, register

from .columns import PLANS, PROGRESS, PROJECTS, SHEET_NAMES, TRANCHES
from .importer import ImportResult, import_plan
from .reader import Plan, read_workbook

#: The uploads of this workbook, kept apart in the session from the statistics workbook's.
SESSION_KEY = "investment_workbook_uploads"
#: The columns the preview shows of each sheet's first rows.
PREVIEW_COLUMNS = {
    PROJECTS: (
        "ref",
        "name",
        "investor_name",
        "investor_credit_code",
        "stage",
        "contract_investment",
        "total_investment",
    ),
    TRANCHES: ("id", "project", "date", "amount", "capital", "voucher"),
    PLANS: ("project", "year", "annual_plan"),
    PROGRESS: ("project", "month", "completed_investment", "problem_kind", "problem"),
}


def cells(row: Any, sheet: str) -> list[Any]:
    """A planned row's main cells, for the preview."""
    if sheet == PROJECTS:
        return [
            row.ref or "",
            row.name or (row.project.name if row.project else ""),
            row.investor_name,
            row.credit_code,
            row.stage,
            row.contract_investment,
            row.total_investment,
        ]
    project = row.project[1]
    if sheet == TRANCHES:
        return [
            row.tranche.pk if row.tranche else "",
            project,
            row.on,
            row.amount,
            row.capital,
            row.voucher or "",
        ]
    if sheet == PLANS:
        return [project, row.year, row.annual_plan]
    kind, problem = (row.issue[0], row.issue[1]) if row.issue else ("", "")
    return [project, row.month, row.completed_investment, kind, problem]


def describe(plan: Plan, result: ImportResult) -> Findings:
    return findings(plan, result, {s: PREVIEW_COLUMNS[s] for s in SHEET_NAMES}, cells)


WORKBOOK = register(
    Workbook(
        name="investment",
        session_key=SESSION_KEY,
        read=read_workbook,
        run=import_plan,
        describe=describe,
        preview_url="investment_workbook:preview",
        page_url="investment_workbook:page",
    )
)
