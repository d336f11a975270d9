"""Building workbooks for the investment workbook's tests, and reading what they plan."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from django.utils import timezone
from openpyxl import Workbook

from kaifaqu.core.models import AuditEntry
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.validators import make_credit_code
from kaifaqu.investment.models import (
    FundTranche,
    KeyProjectPlan,
    ProgressIssue,
    ProgressReport,
    Project,
    StageMove,
)
from kaifaqu.investment.workbook import SHEETS, read_workbook
from kaifaqu.investment.workbook.columns import PROJECTS, TRANCHES

HEADERS = {sheet: [c.name for c in columns] for sheet, columns in SHEETS.items()}
OWNER_ONLY = "Only editors of the owning department may change this."
CODE_A = make_credit_code("9", "1", "371400", "WB000001")
CODE_B = make_credit_code("9", "1", "371400", "WB000002")
TODAY = timezone.localdate()

NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program as "
    '"Excel workbook (.xlsx)" and try again.'
)


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(sheet: str, **values) -> list:
    unknown = set(values) - set(HEADERS[sheet])
    assert not unknown, unknown
    return [values.get(name) for name in HEADERS[sheet]]


def letter(sheet: str, column: str) -> str:
    return openpyxl.utils.get_column_letter(HEADERS[sheet].index(column) + 1)


def new_project(**values) -> list:
    """A new project at stage started, with every move's date and evidence."""
    fields = {
        "ref": "new-1",
        "name": "甬江精密轴承制造项目",
        "investor_name": "宁波甬江轴承有限公司",
        "investor_credit_code": CODE_A,
        "industry": "C3841",
        "source": "event",
        "department": "investment",
        "officer": "investment",
        "org": "371471101",
        "contract_investment": 8000,
        "total_investment": 9500.5,
        "capital": "foreign",
        "light_asset": "no",
        "key_level": "city",
        "stage": "started",
        "first_contact_on": date(2017, 1, 5),
        "negotiating_on": date(2017, 2, 1),
        "signed_on": date(2017, 3, 1),
        "agreement": "甬江轴承投资协议 2017-07号",
        "started_on": date(2017, 5, 2),
        "start_confirmation": "开工确认 2017-031",
        "contact_person": "周敏",
        "phone": "13912345678",
        "email": "zhou@example.com",
        "note": "illustrative",
    }
    fields.update(values)
    return row(PROJECTS, **fields)


def good_sheets() -> dict[str, list[list]]:
    return {
        "projects": [HEADERS["projects"], new_project()],
        "tranches": [
            HEADERS["tranches"],
            row(TRANCHES, project="new-1", date=date(2017, 5, 20), amount=1200, voucher="银行回单"),
            row("tranches", project="new-1", date="2017-06-30", amount="300.25"),
        ],
        "plans": [HEADERS["plans"], row("plans", project="new-1", year=2017, annual_plan=6000)],
        "progress": [
            HEADERS["progress"],
            row(
                "progress",
                project="new-1",
                month="2017-06",
                completed_investment=800,
                image_progress="厂房封顶",
                problem_kind="land",
                problem="二期用地待批",
                solver_department="construction",
                due_on=date(2017, 9, 30),
            ),
            row(
                "progress",
                project="new-1",
                month="2017-06",
                completed_investment=800,
                problem_kind="funds",
                problem="配套资金待落实",
                solver_department="finance",
                due_on=date(2017, 8, 31),
            ),
            row("progress", project="new-1", month="2017-07", completed_investment=650),
        ],
    }


def read(sheets_or_bytes, name="projects.xlsx"):
    data = sheets_or_bytes if isinstance(sheets_or_bytes, bytes) else xlsx(sheets_or_bytes)
    return read_workbook(data, name=name)


def problems(plan_or_result) -> list[str]:
    return [str(p) for p in plan_or_result.problems]


def ledger_state():
    return (
        AuditEntry.objects.count(),
        Project.objects.count(),
        Enterprise.objects.count(),
        StageMove.objects.count(),
        FundTranche.objects.count(),
        KeyProjectPlan.objects.count(),
        ProgressReport.objects.count(),
        ProgressIssue.objects.count(),
    )
