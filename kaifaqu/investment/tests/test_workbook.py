"""The investment workbook (.xlsx): projects, funds received, plans and progress imported in
one step or not at all, exported back to the same format with contact details masked for
those who may not see them, the template, the commands and the pages.

Runs on the demo ledger (``seeded``); each test's writes are rolled back.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.urls import include, path, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kaifaqu.config import urls as root_urls
from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.versioning import CURRENT
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
from kaifaqu.investment.stages import Stage
from kaifaqu.investment.workbook import (
    SHEETS,
    import_plan,
    read_workbook,
    template_workbook,
    workbook_export,
)
from kaifaqu.investment.workbook import writer as investment_writer
from kaifaqu.investment.workbook.cells import parse_date
from kaifaqu.investment.workbook.columns import PROJECTS, TRANCHES
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.workbook import columns as stats_columns
from kaifaqu.stats.workbook import staging
from kaifaqu.stats.workbook.writer import save_workbook, write_rows

# The pages are mounted here as the root URLs will mount them (see workbook/urls.py), unless
# the root URLs do already.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "investment_workbook" for p in urlpatterns):
    urlpatterns.insert(
        0,
        path("backoffice/investment/workbook/", include("kaifaqu.investment.workbook.urls")),
    )

HEADERS = {sheet: [c.name for c in columns] for sheet, columns in SHEETS.items()}
OWNER_ONLY = "Only editors of the owning department may change this."
CODE_A = make_credit_code("9", "1", "371400", "WB000001")
CODE_B = make_credit_code("9", "1", "371400", "WB000002")
TODAY = date.today()


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
        "ref": "new-1", "name": "甬江精密轴承制造项目", "investor_name": "宁波甬江轴承有限公司",
        "investor_credit_code": CODE_A, "industry": "C3841", "source": "event",
        "department": "investment", "officer": "investment", "org": "371471101",
        "contract_investment": 8000, "total_investment": 9500.5, "capital": "foreign",
        "light_asset": "no", "key_level": "city", "stage": "started",
        "first_contact_on": date(2017, 1, 5), "negotiating_on": date(2017, 2, 1),
        "signed_on": date(2017, 3, 1), "agreement": "甬江轴承投资协议 2017-07号",
        "started_on": date(2017, 5, 2), "start_confirmation": "开工确认 2017-031",
        "contact_person": "周敏", "phone": "13912345678", "email": "zhou@example.com",
        "note": "illustrative",
    }  # fmt: skip
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
            row("progress", project="new-1", month="2017-06", completed_investment=800,
                image_progress="厂房封顶", problem_kind="land", problem="二期用地待批",
                solver_department="construction", due_on=date(2017, 9, 30)),
            row("progress", project="new-1", month="2017-06", completed_investment=800,
                problem_kind="funds", problem="配套资金待落实", solver_department="finance",
                due_on=date(2017, 8, 31)),
            row("progress", project="new-1", month="2017-07", completed_investment=650),
        ],
    }  # fmt: skip


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


@pytest.fixture
def nothing_written(seeded):
    """Asserts, after the test, that nothing was written (not even an audit row)."""
    before = ledger_state()
    yield
    assert ledger_state() == before


@pytest.fixture
def coded(seeded):
    """A demo project whose investor has a credit code (illustrative ones do)."""
    return (
        Project.objects.filter(investor__credit_code__isnull=False, merged_into__isnull=True)
        .select_related("investor")
        .order_by("pk")
        .first()
    )


# -- the acceptance: a duplicate credit code and one bad amount ------------------------------


def test_a_duplicate_credit_code_and_a_bad_amount_import_nothing_and_name_both_rows(
    seeded, coded, nothing_written
):
    sheets = {
        "projects": [
            HEADERS["projects"],
            new_project(),
            new_project(ref="new-2", name="青岛海岳新材料项目", investor_name=coded.investor.name,
                        investor_credit_code=coded.investor.credit_code),
            new_project(ref="new-3", name="济南泉城数据中心", investor_name="济南泉城数据有限公司",
                        investor_credit_code=CODE_B, contract_investment="八千"),
        ],
        "tranches": [HEADERS["tranches"],
                     row("tranches", project="new-3", date=date(2017, 6, 1), amount=100)],
    }  # fmt: skip
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
            new_project(ref="new-3", name="甬江精密轴承制造项目",
                        investor_credit_code="", investor_name="宁波甬江轴承有限公司"),
        ]
    }  # fmt: skip
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
        Stage.STARTED, date(2017, 3, 1), date(2017, 5, 2), date(2017, 1, 5),
    )  # fmt: skip
    assert (project.contract_investment, project.total_investment, project.capital) == (
        Decimal("8000"), Decimal("9500.5"), "foreign",
    )  # fmt: skip
    assert (project.key_level, project.officer.username, project.org_unit.code) == (
        "city", "investment", "371471101",
    )  # fmt: skip
    assert project.note == "illustrative"
    assert [(m.to_stage, m.on, m.evidence_text) for m in project.moves.order_by("on")] == [
        ("lead", date(2017, 1, 5), "First contact"),
        ("negotiating", date(2017, 2, 1), ""),
        ("signed", date(2017, 3, 1), "甬江轴承投资协议 2017-07号"),
        ("started", date(2017, 5, 2), "开工确认 2017-031"),
    ]
    investor = project.investor
    assert (investor.name, investor.credit_code, investor.contact_person, investor.phone) == (
        "宁波甬江轴承有限公司", CODE_A, "周敏", "13912345678",
    )  # fmt: skip
    assert [(t.on, t.amount, t.capital, t.voucher_note) for t in project.tranches.all()] == [
        (date(2017, 5, 20), Decimal("1200"), "foreign", "银行回单"),
        (date(2017, 6, 30), Decimal("300.25"), "foreign", ""),
    ]
    assert project.plans.get().annual_plan == Decimal("6000")
    june = project.reports.get(month="2017-06")
    assert (june.completed_investment, june.image_progress) == (Decimal("800"), "厂房封顶")
    assert sorted((i.kind, i.responsible_department.code) for i in june.issues.all()) == [
        ("funds", "finance"), ("land", "construction"),
    ]  # fmt: skip
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("seq")
    assert (entry.actor_username, entry.object_type, entry.after["counts"]["tranches"]) == (
        "investment", "investment.workbook", {"created": 2, "updated": 0, "unchanged": 0},
    )  # fmt: skip
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


# -- export and import ---------------------------------------------------------------------


def test_export_then_import_changes_nothing(seeded):
    projects = Project.objects.filter(merged_into__isnull=True)
    data, counts = workbook_export(actor=seeded.investment)
    assert counts == {
        "projects": projects.count(),
        "tranches": FundTranche.objects.count(),
        "plans": KeyProjectPlan.objects.count(),
        "progress": 108,  # 12 key projects × 9 months; the issues ride on their months' rows
    }
    state = ledger_state()
    plan = read(data, name="export.xlsx")
    assert problems(plan) == []
    result = import_plan(plan, actor=seeded.investment)
    assert problems(result) == []
    assert result.changed == 0
    assert result.counts["projects"]["unchanged"] == projects.count()
    assert ledger_state() == (state[0] + 1, *state[1:])


def test_a_masked_export_imports_unchanged(seeded):
    """An administrator may import but not see contact details: the masked cells state
    nothing."""
    data, _counts = workbook_export(actor=seeded.admin)
    result = import_plan(read(data), actor=seeded.admin)
    assert problems(result) == []
    assert result.changed == 0


def test_export_writes_what_is_stored(seeded, coded):
    data, _counts = workbook_export(actor=seeded.investment)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["projects"]
    header = [c.value for c in ws[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    named = Project.objects.get(name="凯旺新能源与杭州锣卜科技合作中国邮政专用车项目")
    shown = rows[named.pk]
    assert (shown["stage"], shown["partner"], shown["contract_investment"]) == (
        "operating", "凯旺新能源", 50000,
    )  # fmt: skip
    assert (shown["signed_on"].date(), shown["operating_on"].date()) == (
        date(2017, 2, 20), date(2017, 8, 28),
    )  # fmt: skip
    assert shown["agreement"] == f"投资合作协议（{named.name}）"
    coded_row = rows[coded.pk]
    assert coded_row["investor_credit_code"] == coded.investor.credit_code
    assert coded_row["phone"] == coded.investor.phone  # 招商局 sees the contact details
    assert ws.cell(2, header.index("signed_on") + 1).number_format == "yyyy-mm-dd"


def test_a_changed_export_imports_the_change_and_the_moves(seeded):
    project = Project.objects.filter(stage=Stage.SIGNED, merged_into__isnull=True).first()
    data, _counts = workbook_export(actor=seeded.investment)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["projects"]
    header = [c.value for c in ws[1]]
    cells = next(r for r in ws.iter_rows(min_row=2) if r[0].value == project.pk)
    at = {name: cells[i] for i, name in enumerate(header)}
    at["total_investment"].value = 12345.67
    at["stage"].value = "under_construction"
    at["started_on"].value = project.signed_on + timedelta(days=20)
    at["start_confirmation"].value = "开工确认单 2017-099"
    at["under_construction_on"].value = project.signed_on + timedelta(days=40)
    out = io.BytesIO()
    book.save(out)
    result = import_plan(read(out.getvalue()), actor=seeded.investment)
    assert problems(result) == []
    assert result.counts["projects"]["updated"] == 1
    assert result.changed == 1
    project.refresh_from_db()
    assert (project.total_investment, project.stage, project.started_on) == (
        Decimal("12345.67"), Stage.UNDER_CONSTRUCTION, project.signed_on + timedelta(days=20),
    )  # fmt: skip
    assert project.moves.get(to_stage=Stage.STARTED).evidence_text == "开工确认单 2017-099"


def _edited(data: bytes, sheet: str, key, **cells) -> bytes:
    """The workbook with the cells of the row whose first cell is ``key`` changed."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    found = next(r for r in ws.iter_rows(min_row=2) if r[0].value == key)
    for name, value in cells.items():
        found[header.index(name)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_corrected_tranche_is_updated_not_added(seeded):
    tranche = FundTranche.objects.order_by("pk").first()
    data, _counts = workbook_export(actor=seeded.investment)
    count = FundTranche.objects.count()
    result = import_plan(
        read(_edited(data, "tranches", tranche.pk, amount=4321.5)), actor=seeded.investment
    )
    assert problems(result) == []
    assert result.counts["tranches"]["updated"] == 1
    assert FundTranche.objects.count() == count
    tranche.refresh_from_db()
    assert tranche.amount == Decimal("4321.5")


def test_an_investor_without_a_code_is_given_the_one_the_row_states(seeded):
    project = Project.objects.get(name="凯旺新能源与杭州锣卜科技合作中国邮政专用车项目")
    assert project.investor.credit_code is None
    data, _counts = workbook_export(actor=seeded.investment)
    edited = _edited(data, "projects", project.pk, investor_credit_code=CODE_B.lower())
    result = import_plan(read(edited), actor=seeded.investment)
    assert problems(result) == []
    assert result.counts["projects"]["updated"] == 1
    project.investor.refresh_from_db()
    assert project.investor.credit_code == CODE_B


def test_formula_like_text_is_exported_as_text_and_reads_back(seeded, coded):
    from kaifaqu.investment import services

    services.project_update(
        version=CURRENT, actor=None, project=coded, note='=HYPERLINK("http://x","x")'
    )
    data, _counts = workbook_export(actor=seeded.investment)
    ws = openpyxl.load_workbook(io.BytesIO(data))["projects"]
    cell = next(r for r in ws.iter_rows(min_row=2) if r[0].value == coded.pk)[-1]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        '=HYPERLINK("http://x","x")',
        "s",
        True,
    )
    assert import_plan(read(data), actor=seeded.investment).changed == 0


def test_an_export_narrowed_like_the_list(seeded):
    data, counts = workbook_export(
        actor=seeded.leader, filters={"stage": Stage.OPERATING, "signed_in": "2017"}
    )
    expected = Project.objects.filter(
        stage=Stage.OPERATING, signed_on__year=2017, merged_into__isnull=True
    )
    assert counts["projects"] == expected.count() > 0
    assert {r.project.pk for r in read(data).projects} == set(expected.values_list("pk", flat=True))


# -- contact details -----------------------------------------------------------------------


def _sensitive():
    return AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE)


def test_an_export_for_a_user_without_the_permission_is_masked_and_not_logged(seeded, coded):
    investor = coded.investor
    before = _sensitive().count()
    data, _counts = workbook_export(actor=seeded.leader)  # reads everything, sees no contacts
    ws = openpyxl.load_workbook(io.BytesIO(data))["projects"]
    header = [c.value for c in ws[1]]
    shown = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == coded.pk)
    contact = dict(zip(header, shown, strict=True))
    assert (contact["contact_person"], contact["phone"], contact["email"]) == (
        investor.contact_person[0] + "*" * (len(investor.contact_person) - 1),
        investor.phone[:3] + "*" * (len(investor.phone) - 7) + investor.phone[-4:],
        investor.email[0] + "***@" + investor.email.split("@")[1],
    )
    assert investor.phone not in shown
    assert _sensitive().count() == before
    export = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert (export.actor_username, export.object_type, export.after["contacts"]) == (
        "leader", "investment.workbook", "masked",
    )  # fmt: skip


def test_an_unmasked_export_is_audited(seeded):
    before = _sensitive().count()
    workbook_export(actor=seeded.investment)
    assert _sensitive().count() == before + 1
    entry = _sensitive().latest("seq")
    with_contacts = Enterprise.objects.filter(projects__merged_into__isnull=True).exclude(
        contact_person="", phone="", email=""
    )
    assert entry.actor_username == "investment"
    assert entry.after["purpose"] == "export of investment projects"
    assert entry.after["enterprises"] == sorted(set(with_contacts.values_list("pk", flat=True)))
    export = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert export.after["contacts"] == "shown"


def test_a_masked_cell_for_a_new_investor_is_refused(seeded, nothing_written):
    sheets = {"projects": [HEADERS["projects"], new_project(phone="139****5678")]}
    assert problems(read(sheets)) == [
        f"projects!{letter(PROJECTS, 'phone')}2: This looks masked (it holds *): type the "
        "contact details in full, or leave the cell blank."
    ]


def test_only_those_who_may_see_contacts_change_them(seeded, coded, nothing_written):
    sheets = {
        "projects": [HEADERS["projects"], row(PROJECTS, ref=str(coded.pk), phone="13800000000")]
    }
    result = import_plan(read(sheets), actor=seeded.admin)
    assert problems(result) == [
        "projects!A2: Only users who may see contact details may enter or change them."
    ]


# -- row problems --------------------------------------------------------------------------


def _bad(column, value, message, **more):
    return pytest.param({column: value, **more}, column, message, id=f"{column}={value}")


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        _bad("investor_credit_code", CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"),
             "The check character (the 18th) does not match: the code is mistyped."),
        _bad("investor_credit_code", "91371400", "A unified social credit code has 18 characters; "
             "this one has 8."),
        _bad("department", "tourism", "Unknown department tourism: the departments are "
             "construction, economy, finance, investment, office, party, social_affairs."),
        _bad("org", "999999", "Unknown org unit 999999."),
        _bad("industry", "C9999", "Unknown industry C9999: it is not in the industry catalogue."),
        _bad("officer", "nobody", "There is no active user nobody."),
        _bad("carrier", "no-such/unit", "Unknown carrier no-such/unit: write a land parcel's code, "
             "or a building's code and the unit's code as building/unit."),
        _bad("total_investment", -5, "An amount cannot be negative."),
        _bad("contract_investment", 1.234, "1.234 has more than 2 decimal places."),
        _bad("contract_investment", "=A1*2", "A formula is not accepted here: type the number "
             "itself."),
        _bad("signed_on", "2017-13-01", '"2017-13-01" is not a date: write it as 2017-03-15.'),
        _bad("light_asset", "maybe", '"maybe" is not yes or no.'),
        _bad("stage", "built", '"built" is not one of: lead, negotiating, signed, started, '
             "under_construction, operating, dropped."),
        _bad("agreement", None, "Signing needs its evidence: the agreement (its title or number, "
             "or the signed file)."),
        _bad("start_confirmation", "", "Starting needs its evidence: the start confirmation (its "
             "number, or the file)."),
        _bad("started_on", None, "The project moves to started: give the date of that move."),
        _bad("signed_on", date(2017, 1, 20), "The project's last move is dated 2017-02-01; a move "
             "cannot be dated earlier."),
        _bad("started_on", TODAY + timedelta(days=3), "The date cannot be in the future."),
        _bad("operating_on", date(2017, 9, 1), "operating_on is given but the stage is started: "
             "change the stage, or clear this cell."),
        _bad("contract_investment", None, "Enter the contracted investment before signing."),
        _bad("ref", "99999", "No project number 99999 in the ledger: for a new project leave ref "
             "blank or write a label that is not a number."),
        _bad("name", None, "This cell must not be empty."),
        _bad("dropped_reason", None, "Say why the project is dropped.", stage="dropped",
             dropped_on=date(2017, 6, 1)),
    ],
)  # fmt: skip
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
            row(PROJECTS, ref=str(Project.objects.filter(stage=Stage.OPERATING).first().pk),
                signed_on=date(2001, 1, 1)),
        ]
    }  # fmt: skip
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
            row("progress", project="new-1", month="2017-03", completed_investment=5,
                problem="用地", solver_department="nowhere"),
            row("progress", project="new-1", month="2017-04", completed_investment=5),
            row("progress", project="new-1", month="2017-04", completed_investment=6),
        ],
    }  # fmt: skip
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
        stage="lead", negotiating_on=None, signed_on=None, started_on=None, agreement=None,
        start_confirmation=None,
    )  # fmt: skip
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


NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program as "
    '"Excel workbook (.xlsx)" and try again.'
)
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


# -- the template --------------------------------------------------------------------------


def test_the_template_has_the_sheets_notes_and_lists(seeded):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["projects", "tranches", "plans", "progress"]
    for name, header in HEADERS.items():
        ws = book[name]
        assert [c.value for c in ws[1]] == header
        assert all(c.comment is not None and c.comment.text for c in ws[1])
    rules = {
        (ws.title, str(dv.sqref).split(":")[0]): (dv.type, dv.formula1)
        for ws in book.worksheets
        for dv in ws.data_validations.dataValidation
    }
    assert rules[("projects", f"{letter(PROJECTS, 'stage')}2")] == (
        "list", '"lead,negotiating,signed,started,under_construction,operating,dropped"',
    )  # fmt: skip
    assert rules[("projects", f"{letter(PROJECTS, 'source')}2")] == (
        "list", '"portal_consultation,hotline,referral,event,outreach"',
    )  # fmt: skip
    assert rules[("projects", f"{letter(PROJECTS, 'light_asset')}2")] == ("list", '"yes,no"')
    assert rules[("projects", f"{letter(PROJECTS, 'department')}2")] == (
        "list", '"office,economy,investment,finance,construction,social_affairs,party"',
    )  # fmt: skip
    assert rules[("progress", "E2")] == ("list", '"funds,land,approvals,policy"')
    assert rules[("progress", "G2")][0] == "list"  # the solver's department
    assert rules[("projects", f"{letter(PROJECTS, 'signed_on')}2")][0] == "date"
    assert rules[("tranches", "D2")][0] == "decimal"
    assert rules[("plans", "B2")] == ("whole", "1900")
    assert book["progress"].column_dimensions["B"].number_format == "@"  # months stay text
    plan = read_workbook(template_workbook(), name="template.xlsx")
    assert problems(plan) == []
    assert sum(plan.row_counts.values()) == 0


# -- amounts and dates round trip ----------------------------------------------------------

AMOUNTS = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            DATES,
            AMOUNTS,
            st.sampled_from(["domestic", "foreign"]),
            st.text(st.characters(exclude_categories=["Cc", "Cs", "Cn"]), max_size=30),
        ),
        max_size=8,
    )
)
def test_amounts_and_dates_round_trip_through_the_writer_and_reader(seeded, coded, rows):
    book = investment_writer._book()
    write_rows(book[TRANCHES], ([None, coded.pk, *r] for r in rows))
    plan = read_workbook(save_workbook(book), name="random.xlsx")
    assert problems(plan) == []
    assert [(r.on, r.amount, r.capital, r.voucher) for r in plan.tranches] == [
        (on, amount, capital, voucher.strip()) for on, amount, capital, voucher in rows
    ]


@given(
    day=DATES,
    form=st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{d.year}年{d.month}月{d.day}日"]),
)
def test_a_date_is_read_as_typed(day, form):
    text = form.format(day, d=day)
    assert parse_date(text) == day


# -- commands ------------------------------------------------------------------------------


def test_the_import_command_imports_with_a_progress_bar(seeded, tmp_path):
    path_ = tmp_path / "projects.xlsx"
    path_.write_bytes(xlsx(good_sheets()))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_projects", str(path_), "--user", "investment", stdout=out, stderr=err)
    assert "tranches: 2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "Imported projects.xlsx." in out.getvalue()
    assert err.getvalue().endswith("100% 7/7\n")
    assert Project.objects.filter(name="甬江精密轴承制造项目").exists()
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("seq")
    assert entry.actor_username == "investment"


def test_the_import_command_prints_every_problem_and_fails(seeded, tmp_path, nothing_written):
    sheets = good_sheets()
    sheets["projects"][1] = new_project(contract_investment="x", org="1")
    path_ = tmp_path / "projects.xlsx"
    path_.write_bytes(xlsx(sheets))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problems: nothing was imported\."):
        call_command("import_projects", str(path_), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        'projects!K2: "x" is not a number.',
        "projects!J2: Unknown org unit 1.",
    ]


def test_the_import_command_dry_run_and_rights(seeded, tmp_path, nothing_written):
    path_ = tmp_path / "projects.xlsx"
    path_.write_bytes(xlsx(good_sheets()))
    out = io.StringIO()
    call_command("import_projects", str(path_), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "projects: 1 created" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_projects", str(path_), "--user", "economy", stdout=out, stderr=err)
    assert "projects!A2: Only editors" in err.getvalue()


def test_the_export_command(seeded, tmp_path):
    path_ = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_projects", "-o", str(path_), "--stage", "operating", stdout=out)
    plan = read_workbook(path_)
    assert {r.project.stage for r in plan.projects} == {"operating"}
    assert f"projects {len(plan.projects)}" in out.getvalue()
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert (entry.actor_username, entry.after["contacts"]) == ("system:export_projects", "masked")
    call_command(
        "export_projects", "-o", str(path_), "--department", "investment", "--org", "371471103",
        "--industry", "C36", stdout=out,
    )  # fmt: skip
    assert {r.project.org_unit.code for r in read_workbook(path_).projects} == {"371471103"}
    assert {r.project.industry.code[:3] for r in read_workbook(path_).projects} == {"C36"}
    with pytest.raises(CommandError, match=r"Unknown org unit 999\."):
        call_command("export_projects", "-o", str(path_), "--org", "999", stdout=out)
    with pytest.raises(CommandError, match="--signed-in"):
        call_command("export_projects", "-o", str(path_), "--signed-in", "2017-13", stdout=out)
    with pytest.raises(CommandError, match="no active user nobody"):
        call_command("export_projects", "-o", str(path_), "--user", "nobody", stdout=out)


# -- the pages -----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def page(client, seeded, media):
    def _as(username):
        if username:
            client.force_login(seeded.users[username])
        client.cookies["django_language"] = "en"
        return client

    return _as


def _upload(client, sheets, name="projects.xlsx"):
    upload = io.BytesIO(xlsx(sheets) if isinstance(sheets, dict) else sheets)
    upload.name = name
    return client.post(reverse("investment_workbook:page"), {"file": upload})


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("username", "page_status", "imports"),
    [
        ("investment", 200, True),
        ("twodept", 200, True),
        ("admin", 200, True),
        ("leader", 200, False),  # reads and exports everything, imports nothing
        ("economy", 200, False),  # an editor, of another department
        ("finance", 200, False),
        ("sysadmin", 403, False),
        ("secadmin", 403, False),
        ("auditadmin", 403, False),
    ],
)
def test_the_workbook_page_per_role(page, username, page_status, imports):
    client = page(username)
    response = client.get(reverse("investment_workbook:page"))
    assert response.status_code == page_status
    assert ('data-testid="workbook-upload"' in response.content.decode()) is imports
    assert client.get(reverse("investment_workbook:template")).status_code == (
        200 if imports else 403
    )
    posted = _upload(client, good_sheets())
    assert posted.status_code == (302 if imports else 403)
    export = client.get(reverse("investment_workbook:export"))
    assert export.status_code == page_status


@pytest.mark.urls(__name__)
def test_anonymous_users_are_sent_to_the_login(page):
    client = page(None)
    for name in ("page", "template", "export"):
        response = client.get(reverse(f"investment_workbook:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.urls(__name__)
def test_upload_preview_confirm_imports(page, media):
    client = page("investment")
    response = _upload(client, good_sheets())
    preview = response["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    assert (media / "imports" / f"{token}.xlsx").is_file()
    assert client.session["investment_workbook_uploads"] == {token: "projects.xlsx"}
    assert staging.SESSION_KEY not in client.session  # kept apart from the statistics uploads

    html = re.sub(r">\s+<", "><", client.get(preview).content.decode())
    assert 'data-testid="preview-ok"' in html
    assert (
        '<tr data-sheet="progress"><td><code>progress</code></td><td class="text-end">3</td>'
        '<td class="text-end">3</td>'
    ) in html
    assert "甬江精密轴承制造项目" in html
    assert not Project.objects.filter(name="甬江精密轴承制造项目").exists()  # a dry run

    response = client.post(reverse("investment_workbook:confirm", args=[token]))
    assert response["Location"] == reverse("investment_workbook:page")
    assert Project.objects.filter(name="甬江精密轴承制造项目").exists()
    assert not (media / "imports" / f"{token}.xlsx").exists()
    followed = client.get(reverse("investment_workbook:page")).content.decode()
    assert "projects.xlsx imported: 7 created, 0 updated, 0 unchanged." in followed


@pytest.mark.urls(__name__)
def test_the_preview_lists_every_problem_and_offers_no_import(page, coded):
    client = page("investment")
    sheets = good_sheets()
    sheets["projects"][1] = new_project(
        investor_credit_code=coded.investor.credit_code, investor_name=coded.investor.name,
        contract_investment="abc",
    )  # fmt: skip
    preview = _upload(client, sheets)["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="projects!K2"' in html
    assert "&quot;abc&quot; is not a number." in html
    assert 'data-testid="confirm-import"' not in html
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    before = Project.objects.count()
    client.post(reverse("investment_workbook:confirm", args=[token]))
    assert Project.objects.count() == before


@pytest.mark.urls(__name__)
def test_an_upload_belongs_to_the_session_that_made_it(page, client, seeded):
    owner = page("investment")
    preview = _upload(owner, good_sheets())["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.logout()
    client.force_login(seeded.users["twodept"])
    assert client.get(preview).status_code == 404
    assert client.post(reverse("investment_workbook:confirm", args=[token])).status_code == 404


@pytest.mark.urls(__name__)
def test_a_non_workbook_upload_is_refused_in_the_preview(page):
    client = page("investment")
    preview = _upload(client, b"a,b\n1,2\n", name="data.xlsx")["Location"]
    assert NOT_XLSX.replace('"', "&quot;") in client.get(preview).content.decode()


@pytest.mark.urls(__name__)
def test_the_export_download_filters_as_the_list_does(page, seeded):
    response = page("leader").get(reverse("investment_workbook:export") + "?stage=operating")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    plan = read_workbook(response.content, name="e.xlsx")
    assert {r.project.stage for r in plan.projects} == {"operating"}
    town = OrgUnit.objects.get(code="371471103")
    query = (
        f"?org_unit={town.pk}&light_asset=false&department={seeded.departments['investment'].pk}"
    )
    response = page("leader").get(reverse("investment_workbook:export") + query)
    plan = read_workbook(response.content, name="e.xlsx")
    expected = Project.objects.filter(
        org_unit=town, light_asset=False, merged_into__isnull=True
    ).values_list("pk", flat=True)
    assert {r.project.pk for r in plan.projects} == set(expected)
    bad = page("leader").get(reverse("investment_workbook:export") + "?signed_in=2017-13")
    assert bad.status_code == 400
    assert 'data-testid="workbook-export"' in bad.content.decode()


def test_an_export_and_its_unchanged_import_take_a_fixed_number_of_queries(
    seeded, django_assert_max_num_queries
):
    """Whatever the number of projects (135 in the demo): no query per row."""
    with django_assert_max_num_queries(22):
        data, counts = workbook_export(actor=seeded.investment)
    assert counts["projects"] > 100
    with django_assert_max_num_queries(25):
        result = import_plan(read(data), actor=seeded.investment)
    assert result.changed == 0
