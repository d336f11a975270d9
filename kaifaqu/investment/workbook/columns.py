# The column table reads better one column a line, as the statistics workbook's does.
# ruff: noqa: E501
"""The investment workbook's format: its sheets and their columns.

Documented in docs/investment-workbook.md. A column may be added, never renamed
or given another meaning. The kinds of cell are the statistics workbook's (text, number,
whole number, choice, period) and two of this workbook's own: a date and a yes/no flag.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.stats.workbook.columns import CHOICE, INTEGER, NUMBER, PERIOD, TEXT, Column

from ..models import Capital, IssueKind, KeyLevel, Source
from ..stages import Stage

DATE, FLAG = "date", "flag"
YES, NO = "yes", "no"

PROJECTS, TRANCHES, PLANS, PROGRESS = "projects", "tranches", "plans", "progress"

#: Amounts are kept in 万元 with two decimals, at most 12 digits before the point.
_MONEY = {"places": 2, "digits": 14}

SHEETS: dict[str, tuple[Column, ...]] = {
    PROJECTS: (
        Column(
            "ref",
            TEXT,
            True,
            _(
                "The project's number in the ledger (as exported) to update it. For a new project: blank, or a label of your own that is not a number (new-1), which the other sheets use to name it."
            ),
            max_length=40,
        ),
        Column(
            "name",
            TEXT,
            True,
            _("The project's name. Required for a new project; blank keeps the current one."),
            max_length=200,
        ),
        Column(
            "investor_name",
            TEXT,
            True,
            _("The investor's name. Required for a new project."),
            max_length=200,
        ),
        Column(
            "investor_credit_code",
            TEXT,
            True,
            _(
                "The investor's unified social credit code (18 characters, checked with its check character). Blank: the investor is found by its name."
            ),
            max_length=40,
        ),
        Column(
            "partner",
            TEXT,
            False,
            _("The enterprise of the zone the investor works with, if any."),
            max_length=200,
        ),
        Column(
            "industry",
            TEXT,
            False,
            _("Industry code of GB/T 4754-2017 as in the catalogue, e.g. C3841."),
            max_length=10,
        ),
        Column(
            "source",
            CHOICE,
            True,
            _("Where the project came from, one of the list. Required for a new project."),
            choices=tuple(Source.values),
        ),
        Column(
            "department",
            TEXT,
            True,
            _("Code of the department responsible. Required for a new project."),
            max_length=40,
        ),
        Column("officer", TEXT, False, _("Username of the responsible officer."), max_length=150),
        Column(
            "org",
            TEXT,
            True,
            _("Code of the org unit where the project lands. Required for a new project."),
            max_length=20,
        ),
        Column(
            "contract_investment",
            NUMBER,
            False,
            _("Contracted investment in 10,000 yuan (万元), at most 2 decimals. Required to sign."),
            **_MONEY,
        ),
        Column(
            "total_investment",
            NUMBER,
            False,
            _("Total investment in 10,000 yuan (万元), at most 2 decimals. Required to start."),
            **_MONEY,
        ),
        Column(
            "capital",
            CHOICE,
            False,
            _("domestic or foreign. Default domestic."),
            choices=tuple(Capital.values),
        ),
        Column(
            "light_asset",
            FLAG,
            False,
            _(
                "yes for a light-asset project (existing buildings or idle resources), no otherwise. Default no."
            ),
        ),
        Column(
            "carrier",
            TEXT,
            False,
            _(
                "The carrier it uses: a land parcel's code, or a building's code and the unit's code as building/unit."
            ),
            max_length=81,
        ),
        Column(
            "key_level",
            CHOICE,
            False,
            _("none, city or province. Default none."),
            choices=tuple(KeyLevel.values),
        ),
        Column(
            "stage",
            CHOICE,
            True,
            _(
                "The stage the project has reached, one of the list; blank: lead for a new project, the current stage otherwise. Each stage up to it needs the date of its move."
            ),
            choices=tuple(Stage.values),
        ),
        Column(
            "first_contact_on",
            DATE,
            False,
            _(
                "Date of the first contact. Blank for a new project: the earliest date on the row, or today."
            ),
        ),
        Column("negotiating_on", DATE, False, _("Date negotiations began.")),
        Column("signed_on", DATE, False, _("Date the agreement was signed.")),
        Column(
            "agreement",
            TEXT,
            False,
            _("The signed agreement's title or number: the evidence signing needs."),
            max_length=1000,
        ),
        Column("started_on", DATE, False, _("Date construction started.")),
        Column(
            "start_confirmation",
            TEXT,
            False,
            _("The start confirmation's number: the evidence starting needs."),
            max_length=1000,
        ),
        Column(
            "under_construction_on",
            DATE,
            False,
            _("Date the project was under construction (after the start)."),
        ),
        Column("operating_on", DATE, False, _("Date operation began.")),
        Column("dropped_on", DATE, False, _("Date the project was dropped (stage dropped).")),
        Column(
            "dropped_reason",
            TEXT,
            False,
            _("Why the project was dropped (stage dropped)."),
            max_length=1000,
        ),
        Column(
            "contact_person",
            TEXT,
            False,
            _(
                "The investor's contact person. Exported masked (张**) to users who may not see contact details; a masked cell changes nothing."
            ),
            max_length=50,
        ),
        Column(
            "phone", TEXT, False, _("The investor's phone, as the contact person."), max_length=30
        ),
        Column(
            "email", TEXT, False, _("The investor's email, as the contact person."), max_length=254
        ),
        Column("note", TEXT, False, _("Note."), max_length=2000),
    ),
    TRANCHES: (
        Column(
            "id",
            INTEGER,
            False,
            _("The tranche's number (as exported) to correct it; blank for a new tranche."),
            minimum=1,
            maximum=2**31 - 1,
        ),
        Column(
            "project",
            TEXT,
            True,
            _("The project: its number in the ledger, or its ref on the projects sheet."),
            max_length=40,
        ),
        Column("date", DATE, True, _("Date the funds were received.")),
        Column(
            "amount",
            NUMBER,
            True,
            _("Funds received in 10,000 yuan (万元), more than 0, at most 2 decimals."),
            **_MONEY,
        ),
        Column(
            "capital",
            CHOICE,
            False,
            _("domestic or foreign. Blank: the project's capital."),
            choices=tuple(Capital.values),
        ),
        Column(
            "voucher",
            TEXT,
            False,
            _("The voucher (bank slip, receipt) the amount is recorded from."),
            max_length=255,
        ),
    ),
    PLANS: (
        Column(
            "project",
            TEXT,
            True,
            _("The key project: its number in the ledger, or its ref on the projects sheet."),
            max_length=40,
        ),
        Column("year", INTEGER, True, _("The year, 1900 to 2999."), minimum=1900, maximum=2999),
        Column(
            "annual_plan",
            NUMBER,
            True,
            _("Annual investment plan in 10,000 yuan (万元), more than 0."),
            **_MONEY,
        ),
    ),
    PROGRESS: (
        Column(
            "project",
            TEXT,
            True,
            _("The key project: its number in the ledger, or its ref on the projects sheet."),
            max_length=40,
        ),
        Column(
            "month", PERIOD, True, _("The month reported, as 2017-08. Keep the column as text.")
        ),
        Column(
            "completed_investment",
            NUMBER,
            True,
            _("Investment completed in the month, 10,000 yuan (万元)."),
            **_MONEY,
        ),
        Column(
            "image_progress",
            TEXT,
            False,
            _("Image progress (形象进度): what can be seen on site."),
            max_length=2000,
        ),
        Column(
            "problem_kind",
            CHOICE,
            False,
            _(
                "A problem needing help: funds, land, approvals or policy. One problem a row; repeat the month's row for another."
            ),
            choices=tuple(IssueKind.values),
        ),
        Column("problem", TEXT, False, _("What the problem is."), max_length=2000),
        Column(
            "solver_department",
            TEXT,
            False,
            _("Code of the department that must solve it."),
            max_length=40,
        ),
        Column("due_on", DATE, False, _("Date by which it must be solved.")),
    ),
}

SHEET_NAMES = tuple(SHEETS)

#: Each sheet and column in words, for the workbook page (the codes stay the file's names).
SHEET_LABELS = {
    "projects": _("Projects"),
    "tranches": _("Funds received"),
    "plans": _("Annual investment plans"),
    "progress": _("Key-project progress"),
}
COLUMN_LABELS = {
    "ref": _("Project reference"),
    "name": _("Project name"),
    "investor_name": _("Investor"),
    "investor_credit_code": _("Investor's credit code"),
    "partner": _("Partner in the zone"),
    "industry": _("Industry"),
    "source": _("Project source"),
    "department": _("Department"),
    "officer": _("Responsible officer"),
    "org": _("Where it lands"),
    "contract_investment": _("Contract investment"),
    "total_investment": _("Total investment"),
    "capital": _("Domestic or foreign capital"),
    "light_asset": _("Light-asset project"),
    "carrier": _("Carrier"),
    "key_level": _("Key-project level"),
    "stage": _("Stage"),
    "first_contact_on": _("First contact"),
    "negotiating_on": _("Negotiations began"),
    "signed_on": _("Signed"),
    "agreement": _("Agreement"),
    "started_on": _("Construction started"),
    "start_confirmation": _("Start confirmation"),
    "under_construction_on": _("Under construction"),
    "operating_on": _("In operation"),
    "dropped_on": _("Dropped"),
    "dropped_reason": _("Reason for dropping"),
    "contact_person": _("Contact person"),
    "phone": _("Phone"),
    "email": _("Email"),
    "note": _("Note"),
    "id": _("Number"),
    "project": _("Project"),
    "date": _("Date"),
    "amount": _("Amount received"),
    "voucher": _("Voucher"),
    "year": _("Year"),
    "annual_plan": _("Annual investment plan"),
    "month": _("Month"),
    "completed_investment": _("Investment completed"),
    "image_progress": _("Visible progress"),
    "problem_kind": _("Kind of problem"),
    "problem": _("Problem"),
    "solver_department": _("Department to solve it"),
    "due_on": _("Due"),
}

#: The stage whose move each date column records, and the evidence column of that move.
STAGE_DATES = {
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.UNDER_CONSTRUCTION: "under_construction_on",
    Stage.OPERATING: "operating_on",
    Stage.DROPPED: "dropped_on",
}
STAGE_EVIDENCE = {
    Stage.SIGNED: "agreement",
    Stage.STARTED: "start_confirmation",
    Stage.DROPPED: "dropped_reason",
}
CONTACT_COLUMNS = ("contact_person", "phone", "email")


def column_names(sheet: str) -> tuple[str, ...]:
    return tuple(c.name for c in SHEETS[sheet])
