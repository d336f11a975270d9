"""Exporting the investment workbook: the same format back, an unchanged export importing as
no change, contact details masked for those who may not see them, the template, amounts and
dates that round trip, the commands, and a fixed number of queries whatever the rows.

Runs on the demo ledger (``seeded``); each test's writes are rolled back.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.investment.models import FundTranche, KeyProjectPlan, Project
from kaifaqu.investment.stages import Stage
from kaifaqu.investment.workbook import (
    import_plan,
    read_workbook,
    template_workbook,
    workbook_export,
)
from kaifaqu.investment.workbook import writer as investment_writer
from kaifaqu.investment.workbook.cells import parse_date
from kaifaqu.investment.workbook.columns import PROJECTS, TRANCHES
from kaifaqu.stats.workbook.writer import save_workbook, write_rows

from .helpers import (
    CODE_B,
    HEADERS,
    good_sheets,
    ledger_state,
    letter,
    new_project,
    problems,
    read,
    row,
    xlsx,
)

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
        "operating",
        "凯旺新能源",
        50000,
    )
    assert (shown["signed_on"].date(), shown["operating_on"].date()) == (
        date(2017, 2, 20),
        date(2017, 8, 28),
    )
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
        Decimal("12345.67"),
        Stage.UNDER_CONSTRUCTION,
        project.signed_on + timedelta(days=20),
    )
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
        actor=None, project=coded, version=coded.version, note='=HYPERLINK("http://x","x")'
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
        "leader",
        "investment.workbook",
        "masked",
    )


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
        "list",
        '"lead,negotiating,signed,started,under_construction,operating,dropped"',
    )
    assert rules[("projects", f"{letter(PROJECTS, 'source')}2")] == (
        "list",
        '"portal_consultation,hotline,referral,event,outreach"',
    )
    assert rules[("projects", f"{letter(PROJECTS, 'light_asset')}2")] == ("list", '"yes,no"')
    assert rules[("projects", f"{letter(PROJECTS, 'department')}2")] == (
        "list",
        '"office,economy,investment,finance,construction,social_affairs,party"',
    )
    assert rules[("progress", "E2")] == ("list", '"funds,land,approvals,policy"')
    assert rules[("progress", "G2")][0] == "list"  # the solver's department
    assert rules[("projects", f"{letter(PROJECTS, 'signed_on')}2")][0] == "date"
    assert rules[("tranches", "D2")][0] == "decimal"
    assert rules[("plans", "B2")] == ("whole", "1900")
    assert book["progress"].column_dimensions["B"].number_format == "@"  # months stay text
    plan = read_workbook(template_workbook(), name="template.xlsx")
    # The template as downloaded holds no row: it is refused for that alone.
    assert problems(plan) == [
        "The workbook has no rows to import, so nothing was imported: fill in the sheets "
        "projects, tranches, plans, progress, a row for each record under the heading row, "
        "and upload it again."
    ]
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
        min_size=1,  # a workbook without a row is refused (test_import's blank template)
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
        "export_projects",
        "-o",
        str(path_),
        "--department",
        "investment",
        "--org",
        "371471103",
        "--industry",
        "C36",
        stdout=out,
    )
    assert {r.project.org_unit.code for r in read_workbook(path_).projects} == {"371471103"}
    assert {r.project.industry.code[:3] for r in read_workbook(path_).projects} == {"C36"}
    with pytest.raises(CommandError, match=r"Unknown org unit 999\."):
        call_command("export_projects", "-o", str(path_), "--org", "999", stdout=out)
    with pytest.raises(CommandError, match="--signed-in"):
        call_command("export_projects", "-o", str(path_), "--signed-in", "2017-13", stdout=out)
    with pytest.raises(CommandError, match="no active user nobody"):
        call_command("export_projects", "-o", str(path_), "--user", "nobody", stdout=out)


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
