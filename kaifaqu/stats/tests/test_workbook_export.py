"""The statistics workbook's export and template: what is stored, read back unchanged."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.periods import parse
from kaifaqu.core.versioning import CURRENT
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue, Target
from kaifaqu.stats.workbook import (
    export_workbook,
    import_plan,
    read_workbook,
    template_workbook,
    workbook_export,
)

from .workbook_support import (
    CITY,
    ELEMENTS_HEADER,
    ORGUNITS_HEADER,
    Q3,
    TARGETS_HEADER,
    VALUES_HEADER,
    ZONE,
    read,
)

pytestmark = pytest.mark.usefixtures("english")


# -- export ---------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(demo):
    data, counts = workbook_export(actor=None)
    assert counts == {
        "elements": DataElement.objects.count(),
        "orgunits": OrgUnit.objects.count(),
        "values": DataValue.objects.count(),
        "targets": Target.objects.count(),
    }
    plan = read(data, name="export.xlsx")
    assert plan.problems == []
    result = import_plan(plan, actor=demo.admin)
    assert result.imported
    assert result.changed == 0
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_export_writes_what_is_stored(demo):
    data, _counts = workbook_export(actor=None)
    plan = read(data)
    gdp = next(r for r in plan.elements if r.code == "gdp")
    assert gdp.parts == ("va_primary", "va_secondary", "va_tertiary")
    assert (gdp.department, gdp.growth_basis, gdp.unit) == ("economy", "reported", "亿元")
    value = next(r for r in plan.values if (r.org, r.element, r.period) == (ZONE, "gdp", Q3))
    assert (value.value, value.status, value.reported_growth_pct) == (
        Decimal(185),
        "estimate",
        Decimal(8),
    )
    stored = {(v.org_unit.code, v.element.code, v.period): v for v in DataValue.objects.all()}
    for row in plan.values:
        v = stored[(row.org, row.element, row.period)]
        assert (row.value, row.note) == (v.value, v.source)
    codes = [r.code for r in plan.orgunits]
    assert codes.index(CITY) < codes.index(ZONE) < codes.index("371471101")


def test_changed_export_imports_the_change(demo):
    data, _counts = workbook_export(actor=None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["values"]
    rows = {
        r[1].value: r
        for r in ws.iter_rows(min_row=2)
        if r[0].value == ZONE and r[2].value == "2017-01/2017-08"
    }
    rows["trade"][3].value = 35
    rows["exports"][3].value = 22.4  # the parts still add up to the whole (a data check)
    out = io.BytesIO()
    book.save(out)
    result = import_plan(read(out.getvalue()), actor=demo.economy)
    assert result.counts["values"]["updated"] == 2
    assert result.changed == 2
    assert DataValue.objects.get(element__code="trade", org_unit__code=ZONE).value == 35


def test_an_export_for_an_org_holds_its_units_and_their_ancestors(demo):
    zone = OrgUnit.objects.get(code=ZONE)
    data, counts = workbook_export(actor=None, orgs=[zone])
    plan = read(data)
    assert {r.code for r in plan.orgunits} == {
        CITY,
        ZONE,
        *OrgUnit.objects.filter(code__startswith=ZONE).values_list("code", flat=True),
    }
    assert {r.org for r in plan.values} == {ZONE}
    assert counts["values"] == DataValue.objects.filter(org_unit=zone).count()


def test_an_export_holds_only_what_the_user_may_read(demo):
    data, _counts = workbook_export(actor=demo.economy)
    plan = read(data)
    assert {r.department for r in plan.elements} == {"economy"}
    assert "financing_direct" not in {r.element for r in plan.values}
    assert plan.targets == []  # the demo's targets are 财政局's


FORMULA_LIKE = ["=1+1", "+86 534", "-3", "@SUM(A1)", '=HYPERLINK("http://x","x")']


def test_formula_like_text_is_exported_as_text(demo):
    gdp = DataElement.objects.get(code="gdp")
    zone = OrgUnit.objects.get(code=ZONE)
    for year, text in enumerate(FORMULA_LIKE, start=2001):
        services.value_save(
            version=CURRENT,
            actor=None,
            element=gdp,
            org_unit=zone,
            period=str(year),
            value=1,
            source=text,
        )
    data, _counts = workbook_export(actor=None)
    ws = openpyxl.load_workbook(io.BytesIO(data), data_only=False)["values"]
    notes = {c.value: c for c in ws["H"][1:] if c.value in FORMULA_LIKE}
    assert set(notes) == set(FORMULA_LIKE)
    for cell in notes.values():
        assert cell.data_type == "s"  # a string, not a formula
        assert cell.quotePrefix  # and Excel keeps it text when edited
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4
        assert all("<f>" not in archive.read(n).decode() for n in sheets)
    assert import_plan(read(data), actor=None).changed == 0


def test_a_value_beyond_excel_s_15_digits_is_exported_exactly(demo):
    """Written as text (a number cell keeps 15 digits). The value is not saved first: SQLite
    itself keeps 15 significant digits of a decimal; PostgreSQL keeps them all."""
    value = DataValue(
        element=DataElement.objects.get(code="gdp"),
        org_unit=OrgUnit.objects.get(code=ZONE),
        period="2001",
        value=Decimal("-123456789012.123456"),
        status="final",
    )
    data = export_workbook(elements=[], orgs=[], values=[value], targets=[])
    cell = openpyxl.load_workbook(io.BytesIO(data))["values"]["D2"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "-123456789012.123456", True)
    (row,) = read(data).values
    assert row.value == Decimal("-123456789012.123456")


def read_period(text):
    return parse(text).canonical()


PERIODS = st.one_of(
    st.integers(2000, 2030).map(str),
    st.builds(lambda y, h: f"{y}H{h}", st.integers(2000, 2030), st.integers(1, 2)),
    st.builds(lambda y, q: f"{y}Q{q}", st.integers(2000, 2030), st.integers(1, 4)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2000, 2030), st.integers(1, 12)),
    st.builds(
        lambda y, a, b: f"{y}-{min(a, b):02d}/{y}-{max(a, b):02d}",
        st.integers(2000, 2030),
        st.integers(1, 12),
        st.integers(1, 12),
    ),
)
NUMBERS = st.decimals(
    min_value=Decimal("-1e17"), max_value=Decimal("1e17"), places=6, allow_nan=False
)
ROWS = st.lists(
    st.tuples(
        PERIODS,
        NUMBERS,
        st.sampled_from(["estimate", "preliminary", "final"]),
        st.none() | st.decimals(min_value=-9999, max_value=9999, places=4, allow_nan=False),
        st.none() | NUMBERS,
        st.text(st.characters(exclude_categories=["Cc", "Cs", "Cn"]), max_size=30),
    ),
    min_size=1,  # a workbook without a row is refused (test_workbook_blank)
    max_size=8,
    unique_by=lambda r: read_period(r[0]).months_key,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_random_values_round_trip_through_export_and_read(demo, rows):
    gdp = DataElement.objects.get(code="gdp")
    zone = OrgUnit.objects.get(code=ZONE)
    values = [
        DataValue(
            element=gdp,
            org_unit=zone,
            period=period,
            value=value,
            status=status,
            reported_growth_pct=growth,
            comparable_prior=prior,
            source=note,
        )
        for period, value, status, growth, prior, note in rows
    ]
    data = export_workbook(elements=[], orgs=[], values=values, targets=[])
    plan = read_workbook(data, name="random.xlsx")
    assert plan.problems == []
    assert len(plan.values) == len(rows)
    for row, (period, value, status, growth, prior, note) in zip(plan.values, rows, strict=True):
        assert row.period == str(read_period(period))
        assert row.value == value
        assert row.status == status
        assert row.reported_growth_pct == growth
        assert row.comparable_prior == prior
        assert row.note == note.strip()


# -- the template ------------------------------------------------------------------------------


def test_the_template_has_the_sheets_notes_and_lists(demo):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["elements", "orgunits", "values", "targets"]
    for name, header in [
        ("elements", ELEMENTS_HEADER),
        ("orgunits", ORGUNITS_HEADER),
        ("values", VALUES_HEADER),
        ("targets", TARGETS_HEADER),
    ]:
        ws = book[name]
        assert tuple(c.value for c in ws[1]) == header
        assert all(c.comment is not None and c.comment.text for c in ws[1])
    lists = {
        (ws.title, str(dv.sqref).split(":")[0]): (dv.type, dv.formula1)
        for ws in book.worksheets
        for dv in ws.data_validations.dataValidation
    }
    assert lists[("values", "E2")] == ("list", '"estimate,preliminary,final"')
    assert lists[("elements", "E2")] == ("list", '"sum,last,none"')
    assert lists[("elements", "F2")] == ("list", '"sum,none"')
    assert lists[("elements", "G2")] == ("list", '"computed,reported"')
    assert lists[("orgunits", "C2")][0] == "list"
    assert "zone" in lists[("orgunits", "C2")][1]
    for cell in [("values", "D2"), ("values", "F2"), ("values", "G2"), ("targets", "D2")]:
        assert lists[cell][0] == "decimal"
    assert book["values"].column_dimensions["C"].number_format == "@"  # periods stay text
    plan = read_workbook(template_workbook(), name="template.xlsx")
    # The template as downloaded holds no row: it is refused for that alone.
    assert [p.message for p in plan.problems] == [
        "The workbook has no rows to import, so nothing was imported: fill in the sheets "
        "elements, orgunits, values, targets, a row for each record under the heading row, "
        "and upload it again."
    ]
    assert sum(plan.row_counts.values()) == 0
