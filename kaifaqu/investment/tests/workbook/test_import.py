"""Importing the investment workbook: projects, funds received, plans and progress imported
in one step or not at all, every problem named by its sheet, row and column; who may import;
the file itself checked before it is read.

Runs on the demo ledger (``seeded``); each test's writes are rolled back.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.defaultfilters import filesizeformat

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.investment.models import Project
from kaifaqu.investment.stages import Stage
from kaifaqu.investment.workbook import import_plan, read_workbook, workbook_export
from kaifaqu.investment.workbook.columns import PROJECTS, TRANCHES
from kaifaqu.stats.workbook import columns as stats_columns

from .helpers import (
    CODE_A,
    CODE_B,
    HEADERS,
    NOT_XLSX,
    OWNER_ONLY,
    TODAY,
    good_sheets,
    ledger_state,
    letter,
    new_project,
    problems,
    read,
    row,
    xlsx,
)

# -- the acceptance: a duplicate credit code and one bad amount ------------------------------


def test_a_duplicate_credit_code_and_a_bad_amount_import_nothing_and_name_both_rows(
    seeded, coded, nothing_written
):
    sheets = {
        "projects": [
            HEADERS["projects"],
            new_project(),
            new_project(
                ref="new-2",
                name="青岛海岳新材料项目",
                investor_name=coded.investor.name,
                investor_credit_code=coded.investor.credit_code,
            ),
            new_project(
                ref="new-3",
                name="济南泉城数据中心",
                investor_name="济南泉城数据有限公司",
                investor_credit_code=CODE_B,
                contract_investment="八千",
            ),
        ],
        "tranches": [
            HEADERS["tranches"],
            row("tranches", project="new-3", date=date(2017, 6, 1), amount=100),
        ],
    }
    plan = read(sheets)
    assert problems(plan) == [
        f'projects!{letter(PROJECTS, "contract_investment")}4: "八千" is not a number.',
        f"projects!{letter(PROJECTS, 'investor_credit_code')}3: This project may be in the "
        f"ledger already: number {coded.pk}, {coded.name} of {coded.investor.name} "
        f"({coded.get_stage_display()}; matched on the investor's credit code "
        f"{coded.investor.credit_code}). To update it, write its number in the ref column.",
    ]
    assert plan.projects[0].ref == "new-1"  # the good row is planned, and waits for the others
    result = import_plan(plan, actor=seeded.investment)
    assert not result.imported
    assert problems(result) == problems(plan)
    assert not Enterprise.objects.filter(credit_code=CODE_A).exists()


def test_the_same_investor_twice_in_a_file_is_a_duplicate(seeded, nothing_written):
    sheets = {
        "projects": [
            HEADERS["projects"],
            new_project(),
            new_project(ref="new-2", name="宁波甬江二期项目"),
            new_project(
                ref="new-3",
                name="甬江精密轴承制造项目",
                investor_credit_code="",
                investor_name="宁波甬江轴承有限公司",
            ),
        ]
    }
    assert problems(read(sheets)) == [
        f"projects!D3: Row 2 is a new project of the same investor (credit code {CODE_A}).",
        "projects!B4: Row 2 is a new project of the same investor with a similar name "
        "(100% alike).",
    ]


# -- a good file ---------------------------------------------------------------------------


def test_a_new_project_comes_in_with_its_moves_funds_plan_and_progress(seeded):
    before = AuditEntry.objects.count()
    plan = read(good_sheets())
    assert problems(plan) == []
    result = import_plan(plan, actor=seeded.investment)
    assert problems(result) == []
    assert result.imported
    assert result.counts == {
        "projects": {"created": 1, "updated": 0, "unchanged": 0},
        "tranches": {"created": 2, "updated": 0, "unchanged": 0},
        "plans": {"created": 1, "updated": 0, "unchanged": 0},
        "progress": {"created": 3, "updated": 0, "unchanged": 0},
    }
    project = Project.objects.select_related("investor").get(name="甬江精密轴承制造项目")
    assert (project.stage, project.signed_on, project.started_on, project.first_contact_on) == (
        Stage.STARTED,
        date(2017, 3, 1),
        date(2017, 5, 2),
        date(2017, 1, 5),
    )
    assert (project.contract_investment, project.total_investment, project.capital) == (
        Decimal("8000"),
        Decimal("9500.5"),
        "foreign",
    )
    assert (project.key_level, project.officer.username, project.org_unit.code) == (
        "city",
        "investment",
        "371471101",
    )
    assert project.note == "illustrative"
    assert [(m.to_stage, m.on, m.evidence_text) for m in project.moves.order_by("on")] == [
        ("lead", date(2017, 1, 5), "First contact"),
        ("negotiating", date(2017, 2, 1), ""),
        ("signed", date(2017, 3, 1), "甬江轴承投资协议 2017-07号"),
        ("started", date(2017, 5, 2), "开工确认 2017-031"),
    ]
    investor = project.investor
    assert (investor.name, investor.credit_code, investor.contact_person, investor.phone) == (
        "宁波甬江轴承有限公司",
        CODE_A,
        "周敏",
        "13912345678",
    )
    assert [(t.on, t.amount, t.capital, t.voucher_note) for t in project.tranches.all()] == [
        (date(2017, 5, 20), Decimal("1200"), "foreign", "银行回单"),
        (date(2017, 6, 30), Decimal("300.25"), "foreign", ""),
    ]
    assert project.plans.get().annual_plan == Decimal("6000")
    june = project.reports.get(month="2017-06")
    assert (june.completed_investment, june.image_progress) == (Decimal("800"), "厂房封顶")
    assert sorted((i.kind, i.responsible_department.code) for i in june.issues.all()) == [
        ("funds", "finance"),
        ("land", "construction"),
    ]
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("seq")
    assert (entry.actor_username, entry.object_type, entry.after["counts"]["tranches"]) == (
        "investment",
        "investment.workbook",
        {"created": 2, "updated": 0, "unchanged": 0},
    )
    assert AuditEntry.objects.count() > before + 1  # the services' own rows besides


def test_importing_the_same_new_projects_again_is_refused_as_a_duplicate(seeded):
    assert import_plan(read(good_sheets()), actor=seeded.investment).imported
    project = Project.objects.get(name="甬江精密轴承制造项目")
    state = ledger_state()
    plan = read(good_sheets())
    assert [p.message for p in plan.problems] == [
        f"This project may be in the ledger already: number {project.pk}, 甬江精密轴承制造项目 of "
        f"宁波甬江轴承有限公司 (Started; matched on the investor's credit code {CODE_A}). To "
        "update it, write its number in the ref column."
    ]
    assert ledger_state() == state


def test_the_same_file_with_the_project_s_number_changes_nothing(seeded):
    assert import_plan(read(good_sheets()), actor=seeded.investment).imported
    number = str(Project.objects.get(name="甬江精密轴承制造项目").pk)
    sheets = good_sheets()
    for sheet, rows in sheets.items():
        at = HEADERS[sheet].index("ref" if sheet == PROJECTS else "project")
        for cells in rows[1:]:
            cells[at] = number
    state = ledger_state()
    result = import_plan(read(sheets), actor=seeded.investment)
    assert problems(result) == []
    assert result.changed == 0
    assert ledger_state() == (state[0] + 1, *state[1:])  # only the import's own audit row


def test_a_dry_run_counts_and_writes_nothing(seeded, nothing_written):
    result = import_plan(read(good_sheets()), actor=seeded.investment, dry_run=True)
    assert (result.ok, result.imported, result.changed) == (True, False, 7)


# -- row problems --------------------------------------------------------------------------


def _bad(column, value, message, **more):
    return pytest.param({column: value, **more}, column, message, id=f"{column}={value}")


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        _bad(
            "investor_credit_code",
            CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"),
            "The check character (the 18th) does not match: the code is mistyped.",
        ),
        _bad(
            "investor_credit_code",
            "91371400",
            "A unified social credit code has 18 characters; this one has 8.",
        ),
        _bad(
            "department",
            "tourism",
            "Unknown department tourism: the departments are "
            "construction, economy, finance, investment, office, party, social_affairs.",
        ),
        _bad("org", "999999", "Unknown org unit 999999."),
        _bad("industry", "C9999", "Unknown industry C9999: it is not in the industry catalogue."),
        _bad("officer", "nobody", "There is no active user nobody."),
        _bad(
            "carrier",
            "no-such/unit",
            "Unknown carrier no-such/unit: write a land parcel's code, "
            "or a building's code and the unit's code as building/unit.",
        ),
        _bad("total_investment", -5, "An amount cannot be negative."),
        _bad("contract_investment", 1.234, "1.234 has more than 2 decimal places."),
        _bad(
            "contract_investment",
            "=A1*2",
            "A formula is not accepted here: type the number itself.",
        ),
        _bad("signed_on", "2017-13-01", '"2017-13-01" is not a date: write it as 2017-03-15.'),
        _bad("light_asset", "maybe", '"maybe" is not yes or no.'),
        _bad(
            "stage",
            "built",
            '"built" is not one of: lead, negotiating, signed, started, '
            "under_construction, operating, dropped.",
        ),
        _bad(
            "agreement",
            None,
            "Signing needs its evidence: the agreement (its title or number, or the signed file).",
        ),
        _bad(
            "start_confirmation",
            "",
            "Starting needs its evidence: the start confirmation (its number, or the file).",
        ),
        _bad("started_on", None, "The project moves to started: give the date of that move."),
        _bad(
            "signed_on",
            date(2017, 1, 20),
            "The project's last move is dated 2017-02-01; a move cannot be dated earlier.",
        ),
        _bad("started_on", TODAY + timedelta(days=3), "The date cannot be in the future."),
        _bad(
            "operating_on",
            date(2017, 9, 1),
            "operating_on is given but the stage is started: change the stage, or clear this cell.",
        ),
        _bad("contract_investment", None, "Enter the contracted investment before signing."),
        _bad(
            "ref",
            "99999",
            "No project number 99999 in the ledger: for a new project leave ref "
            "blank or write a label that is not a number.",
        ),
        _bad("name", None, "This cell must not be empty."),
        _bad(
            "dropped_reason",
            None,
            "Say why the project is dropped.",
            stage="dropped",
            dropped_on=date(2017, 6, 1),
        ),
    ],
)
def test_each_bad_project_cell_is_refused_with_its_message(
    seeded, nothing_written, change, column, message
):
    sheets = {"projects": [HEADERS["projects"], new_project(**change)]}
    assert problems(read(sheets)) == [f"projects!{letter(PROJECTS, column)}2: {message}"]


def test_a_stored_project_does_not_move_back_or_change_a_recorded_move(seeded, nothing_written):
    project = Project.objects.filter(stage=Stage.STARTED).order_by("pk").first()
    sheets = {
        "projects": [
            HEADERS["projects"],
            row(PROJECTS, ref=str(project.pk), stage="signed"),
            row(PROJECTS, ref=str(project.pk)),
            row(
                PROJECTS,
                ref=str(Project.objects.filter(stage=Stage.OPERATING).first().pk),
                signed_on=date(2001, 1, 1),
            ),
        ]
    }
    operating = Project.objects.filter(stage=Stage.OPERATING).first()
    assert problems(read(sheets)) == [
        "projects!Q2: A project does not move back: it is started already.",
        f"projects!A3: The ref {project.pk} is already on row 2.",
        f"projects!T4: The ledger records this move on {operating.signed_on.isoformat()}; an "
        "import does not change a recorded move.",
    ]


def test_a_row_of_the_other_sheets_names_a_known_project(seeded, coded, nothing_written):
    sheets = {
        "projects": [HEADERS["projects"], new_project(ref="new-1")],
        "tranches": [
            HEADERS["tranches"],
            row(TRANCHES, project="new-9", date=date(2017, 6, 1), amount=10),
            row(TRANCHES, project="new-1", date=date(2017, 6, 1), amount=0),
            row(TRANCHES, id=999999, project=str(coded.pk), date=date(2017, 6, 1), amount=10),
        ],
        "plans": [
            HEADERS["plans"],
            row("plans", project="new-1", year=2017, annual_plan=10),
            row("plans", project="new-1", year=2017, annual_plan=20),
        ],
        "progress": [
            HEADERS["progress"],
            row("progress", project="new-1", month="2017-01/2017-02", completed_investment=5),
            row(
                "progress",
                project="new-1",
                month="2017-03",
                completed_investment=5,
                problem="用地",
                solver_department="nowhere",
            ),
            row("progress", project="new-1", month="2017-04", completed_investment=5),
            row("progress", project="new-1", month="2017-04", completed_investment=6),
        ],
    }
    assert problems(read(sheets)) == [
        "tranches!B2: Unknown project new-9: it is neither a project number in the ledger nor a "
        "ref on the projects sheet.",
        "tranches!D3: The amount must be more than 0.",
        "tranches!A4: No funds tranche number 999999 in the ledger.",
        "plans!B3: Row 2 already has a plan for this project and year.",
        "progress!B2: A progress report is for one month, as 2017-08.",
        "progress!E3: This cell must not be empty.",
        "progress!H3: This cell must not be empty.",
        "progress!G3: Unknown department nowhere: the departments are construction, economy, "
        "finance, investment, office, party, social_affairs.",
        "progress!C5: Row 4 gives another completed investment for this project and month.",
    ]


def test_a_service_refusal_is_a_problem_on_its_row(seeded, nothing_written):
    """Funds are recorded for signed projects only; a lead's tranche is refused by the
    service, and the project before it is rolled back with it."""
    sheets = good_sheets()
    sheets["projects"][1] = new_project(
        stage="lead",
        negotiating_on=None,
        signed_on=None,
        started_on=None,
        agreement=None,
        start_confirmation=None,
    )
    del sheets["plans"], sheets["progress"]
    result = import_plan(read(sheets), actor=seeded.investment)
    assert problems(result) == [
        "tranches!B2: Funds are recorded for signed projects only.",
        "tranches!B3: Funds are recorded for signed projects only.",
    ]
    assert not result.imported


# -- rights --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["economy", "finance", "leader"])
def test_only_the_bureau_s_editors_import(seeded, nothing_written, username):
    result = import_plan(read(good_sheets()), actor=seeded.users[username])
    assert problems(result)[0] == f"projects!A2: {OWNER_ONLY}"
    assert not result.imported


def test_rows_stating_what_is_stored_need_no_right_to_change(seeded):
    data, _counts = workbook_export(actor=seeded.leader)
    result = import_plan(read(data), actor=seeded.leader)
    assert problems(result) == []
    assert result.changed == 0


# -- the file itself -----------------------------------------------------------------------


MACROS = (
    "This workbook contains macros (.xlsm), which are not accepted. Save it as an Excel "
    "workbook (.xlsx) without macros and try again."
)


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"ref,name\n1,x\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, b"PK\x03\x04 no"],
    ids=["csv", "xls", "broken-zip"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(seeded, data):
    assert problems(read_workbook(data, name="projects.xlsx")) == [NOT_XLSX]


def test_a_macro_workbook_is_refused(seeded):
    data = _rezip(xlsx(good_sheets()), lambda m: m.update({"xl/vbaProject.bin": b"\0"}))
    assert problems(read_workbook(data, name="projects.xlsx")) == [MACROS]
    assert problems(read_workbook(xlsx(good_sheets()), name="projects.xlsm")) == [MACROS]


def test_an_oversize_file_and_a_zip_bomb_are_refused_unopened(seeded, monkeypatch):
    data = xlsx(good_sheets())
    monkeypatch.setattr(stats_columns, "MAX_FILE_BYTES", 1000)
    assert problems(read_workbook(data, name="p.xlsx")) == [
        f"The file is larger than {filesizeformat(1000)}: split it into smaller workbooks."
    ]
    monkeypatch.undo()
    bomb = _rezip(data, lambda m: m.update({"xl/padding.bin": b"\0" * 300_000}))
    monkeypatch.setattr(stats_columns, "MAX_EXPANDED_BYTES", 250_000)
    assert problems(read_workbook(bomb, name="p.xlsx")) == [
        f"The workbook would expand to more than {filesizeformat(250_000)} when opened; no "
        "investment workbook is that large, so it is refused."
    ]


def test_unknown_sheets_and_columns_are_named(seeded):
    assert problems(read({"Sheet1": [["a"]]})) == [
        "Sheet1: Unknown sheet Sheet1: the sheets of a workbook are projects, tranches, plans, "
        "progress.",
        "The workbook has none of the sheets projects, tranches, plans, progress.",
    ]
    plan = read({"plans": [["project", "year", "plan"]]})
    assert problems(plan) == [
        "plans!C1: Unknown column plan: the columns of this sheet are project, year, annual_plan.",
        "plans!1:1: The column annual_plan is missing: the first row names the columns.",
    ]
