"""Writing investment workbooks: the blank template and exports, in the format the reader
reads, so that importing an export changes nothing.

Cells are written by the statistics workbook's writer (text never becomes a formula, numbers
stay exact). The investors' contact details come through ``enterprises.contacts``: masked for
a user who may not see them, and an unmasked export is audited there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaifaqu.core import audit
from kaifaqu.core.models import AuditAction
from kaifaqu.core.numbers import active_lang, join_list
from kaifaqu.enterprises.contacts import contacts_for
from kaifaqu.orgs.models import Department
from kaifaqu.stats.workbook.columns import Column
from kaifaqu.stats.workbook.writer import (
    CONTENT_TYPE,
    add_sheet,
    data_validation,
    save_workbook,
    write_rows,
)

from ..models import Project
from ..stages import Stage
from . import selectors
from .columns import DATE, FLAG, NO, PLANS, PROGRESS, PROJECTS, SHEETS, TRANCHES, YES

DATE_FORMAT = "yyyy-mm-dd"
EXPORT_TYPE = "investment.workbook"
#: Why the contact details were shown, as the audit log says it.
PURPOSE = "export of investment projects"
#: Excel's serial numbers of the first and last dates a date cell accepts.
_EPOCH = date(1899, 12, 30)
_FIRST_DAY, _LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
#: Excel keeps the values of a list validation in one formula of at most 255 characters.
LIST_LIMIT = 255


def _serial(day: date) -> str:
    return str((day - _EPOCH).days)


def _validation(departments: list[str]):
    """Data validation for a column: yes/no flags, dates, department codes, and what the
    statistics workbook gives its kinds (lists, numbers, whole numbers)."""
    codes = ",".join(departments)

    def rule(column: Column) -> DataValidation | None:
        common = {
            "allow_blank": True,
            "showErrorMessage": True,
            "showInputMessage": True,
            "promptTitle": column.name[:32],
            "prompt": str(column.note)[:255],
        }
        if column.kind == FLAG:
            return DataValidation(
                type="list",
                formula1=f'"{YES},{NO}"',
                errorTitle=_("Not in the list")[:32],
                error=(_("Choose one of: %(choices)s.") % {"choices": f"{YES}, {NO}"})[:255],
                **common,
            )
        if column.kind == DATE:
            return DataValidation(
                type="date",
                operator="between",
                formula1=_serial(_FIRST_DAY),
                formula2=_serial(_LAST_DAY),
                errorTitle=_("Not a date")[:32],
                error=_("Type a date, as 2017-03-15."),
                **common,
            )
        if column.name in ("department", "solver_department") and 0 < len(codes) + 2 <= LIST_LIMIT:
            listed = _("Choose one of: %(choices)s.") % {
                "choices": join_list(departments, lang=active_lang())
            }
            return DataValidation(
                type="list",
                formula1=f'"{codes}"',
                errorTitle=_("Not in the list")[:32],
                error=listed[:255],
                **common,
            )
        return data_validation(column)

    return rule


def _book() -> Workbook:
    """The four sheets with their headers, notes (as comments) and data validation."""
    book = Workbook()
    book.remove(book.active)
    rule = _validation(
        list(Department.objects.order_by("order", "code").values_list("code", flat=True))
    )
    for sheet, columns in SHEETS.items():
        ws = add_sheet(book, sheet, columns, rule)
        for index, column in enumerate(columns, start=1):
            if column.kind == DATE:
                ws.column_dimensions[get_column_letter(index)].number_format = DATE_FORMAT
    return book


def template_workbook() -> bytes:
    """An empty workbook: the sheets, their headers with notes, and the lists to choose from."""
    return save_workbook(_book())


def _carrier_code(project: Project) -> str:
    if project.land_parcel_id:
        return project.land_parcel.code
    if project.building_unit_id:
        unit = project.building_unit
        return f"{unit.building.code}/{unit.code}"
    return ""


def _flag(value: bool) -> str:
    return YES if value else NO


def _project_rows(projects: list[Project], moves, contacts) -> list[list[Any]]:
    rows = []
    for p in projects:
        history = moves.get(p.pk, {})

        def on(stage: Stage, history=history):
            move = history.get(stage)
            return move.on if move is not None else None

        def text(stage: Stage, history=history) -> str:
            move = history.get(stage)
            return move.evidence_text if move is not None else ""

        shown = contacts.get(p.investor_id)
        rows.append(
            [
                p.pk,
                p.name,
                p.investor.name,
                p.investor.credit_code or "",
                p.partner,
                p.industry.code if p.industry_id else "",
                p.source,
                p.department.code,
                p.officer.get_username() if p.officer_id else "",
                p.org_unit.code,
                p.contract_investment,
                p.total_investment,
                p.capital,
                _flag(p.light_asset),
                _carrier_code(p),
                p.key_level,
                p.stage,
                p.first_contact_on,
                on(Stage.NEGOTIATING),
                on(Stage.SIGNED),
                text(Stage.SIGNED),
                on(Stage.STARTED),
                text(Stage.STARTED),
                on(Stage.UNDER_CONSTRUCTION),
                on(Stage.OPERATING),
                on(Stage.DROPPED),
                p.dropped_reason if history.get(Stage.DROPPED) else "",
                shown.contact_person if shown else "",
                shown.phone if shown else "",
                shown.email if shown else "",
                p.note,
            ]
        )
    return rows


def export_workbook(*, projects: list[Project], contacts: dict) -> tuple[bytes, dict[str, int]]:
    """The projects given, their funds received, plans and progress reports, as a workbook;
    ``contacts`` maps each investor's id to the contact details to show (masked or not)."""
    book = _book()
    moves = selectors.own_moves(projects)
    tranches = list(selectors.tranches_for(projects))
    plans = list(selectors.plans_for(projects))
    reports = list(selectors.reports_for(projects))
    write_rows(book[PROJECTS], _project_rows(projects, moves, contacts))
    write_rows(
        book[TRANCHES],
        ([t.pk, t.project_id, t.on, t.amount, t.capital, t.voucher_note] for t in tranches),
    )
    write_rows(book[PLANS], ([p.project_id, p.year, p.annual_plan] for p in plans))
    progress = []
    for r in reports:
        head = [r.project_id, r.month, r.completed_investment, r.image_progress]
        issues = list(r.issues.all())
        if not issues:
            progress.append(head)
        for i in issues:
            progress.append([*head, i.kind, i.description, i.responsible_department.code, i.due_on])
    write_rows(book[PROGRESS], progress)
    counts = {
        PROJECTS: len(projects),
        TRANCHES: len(tranches),
        PLANS: len(plans),
        PROGRESS: len(progress),
    }
    return save_workbook(book), counts


def workbook_export(*, actor, filters: dict | None = None) -> tuple[bytes, dict[str, int]]:
    """The projects ``actor`` may read (``None``: all, contacts masked), narrowed by the
    project list's ``filters``, as a workbook. The export is audited; so is the view of the
    contact details, when the actor may see them."""
    filters = dict(filters or {})
    projects = list(selectors.projects_for_export(actor, **filters))
    investors = {p.investor_id: p.investor for p in projects}
    contacts = contacts_for(actor, investors.values(), purpose=PURPOSE)
    data, counts = export_workbook(projects=projects, contacts=contacts)
    masked = any(c.masked for c in contacts.values())
    audit.record(
        AuditAction.EXPORT,
        actor=actor,
        object_type=EXPORT_TYPE,
        object_repr=_("Investment workbook"),
        after={
            "filters": {k: str(getattr(v, "code", v)) for k, v in filters.items()},
            "counts": counts,
            "contacts": "masked" if masked or not contacts else "shown",
        },
    )
    return data, counts


__all__ = ["CONTENT_TYPE", "export_workbook", "template_workbook", "workbook_export"]
