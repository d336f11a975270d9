"""The statistics workbook as its preview shows it (the first rows of each sheet, the
problems, the validation rules' findings), and its registration with the workbook pages'
jobs (``http.Workbook``): the check and the import run on the queue."""

from __future__ import annotations

from typing import Any

from ..models import RuleViolation
from . import import_plan, read_workbook, staging
from .columns import ELEMENTS, ORGUNITS, SHEETS, TARGETS, VALUES
from .http import Findings, Workbook, findings, register
from .importer import ImportResult
from .sheets import ElementRow, OrgUnitRow, Plan, TargetRow, ValueRow


def cells(row: ElementRow | OrgUnitRow | ValueRow | TargetRow, _sheet: str = "") -> list[object]:
    """A planned row as the sheet shows it, for the preview."""
    if isinstance(row, ValueRow):
        return [
            row.org,
            row.element,
            row.period,
            row.value,
            row.status,
            row.reported_growth_pct,
            row.comparable_prior,
            row.note,
        ]
    if isinstance(row, TargetRow):
        return [row.org, row.element, row.year, row.value, row.note]
    if isinstance(row, OrgUnitRow):
        return [row.code, row.name, row.kind, row.parent]
    return [
        row.code,
        row.name_zh,
        row.name_en,
        row.unit,
        row.time_aggregation,
        row.unit_aggregation,
        row.growth_basis,
        row.decimals,
        ", ".join(row.parts) if row.parts is not None else "",
        row.department,
    ]


def violation(v: RuleViolation) -> dict[str, Any]:
    """A finding of the validation rules as the preview shows it."""
    return {
        "rule": {
            "code": v.rule.code,
            "importance": v.rule.importance,
            "name": str(v.rule.name),
            "get_operator_display": str(v.rule.get_operator_display()),
        },
        "org_unit": {"code": v.org_unit.code, "name": str(v.org_unit.name)},
        "period": str(v.period),
        "shown": v.shown(),
    }


def describe(plan: Plan, result: ImportResult) -> Findings:
    return findings(
        plan,
        result,
        {sheet: [c.name for c in SHEETS[sheet]] for sheet in (ELEMENTS, ORGUNITS, VALUES, TARGETS)},
        cells,
        sort_problems=True,
        violations=[violation(v) for v in result.violations],
    )


WORKBOOK = register(
    Workbook(
        name="stats",
        session_key=staging.SESSION_KEY,
        read=read_workbook,
        run=import_plan,
        describe=describe,
        preview_url="stats:import_preview",
        page_url="stats:workbook",
    )
)
