"""The statistics workbook (.xlsx): import in one step or not at all, export, template, pages.

A made-up second zone under 德州市 (371499, with one town) is imported with a new element and
values for one already in the demo catalogue; its figures come out of the engine.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.periods import parse
from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue, Target
from kaifaqu.stats.workbook import (
    Problem,
    columns,
    export_workbook,
    import_plan,
    read_workbook,
    staging,
    template_workbook,
    workbook_export,
)

NEW_ZONE, NEW_TOWN, CITY, ZONE = "371499", "371499101", "371400", "371471"
M8, M8_2016, Q3 = "2017-01/2017-08", "2016-01/2016-08", "2017-01/2017-09"
ELEMENTS_HEADER = (
    "code", "name_zh", "name_en", "unit", "time_sum", "unit_sum", "growth_basis", "decimals",
    "parts", "department",
)  # fmt: skip
ORGUNITS_HEADER = ("code", "name", "kind", "parent")
VALUES_HEADER = (
    "org", "element", "period", "value", "status", "reported_growth_pct", "comparable_prior",
    "note",
)  # fmt: skip
TARGETS_HEADER = ("org", "element", "year", "target", "note")
OWNER_ONLY = "Only editors of the owning department may change this."


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


def zone_sheets() -> dict[str, list[list]]:
    """A second zone: two new org units, one new element, values and a target."""
    return {
        "elements": [
            list(ELEMENTS_HEADER),
            ["exports", "出口额", "Exports", "亿元", "sum", "sum", "computed", 2, None, "economy"],
            ["patents", "专利授权量", "Patents", "项", None, None, None, 0, None, "economy"],
        ],
        "orgunits": [
            list(ORGUNITS_HEADER),
            [NEW_ZONE, "德州示范经济开发区", "zone", CITY],
            [NEW_TOWN, "示范镇", "town", NEW_ZONE],
        ],
        "values": [
            list(VALUES_HEADER),
            [NEW_ZONE, "exports", M8, 10.5, "final", None, None, "illustrative"],
            [NEW_ZONE, "exports", M8_2016, 8.4, "final", None, None, "illustrative"],
            [NEW_ZONE, "patents", Q3, 60, "preliminary", None, None, "illustrative"],
            [NEW_TOWN, "patents", Q3, 20, "preliminary", None, None, "illustrative"],
        ],
        "targets": [list(TARGETS_HEADER), [NEW_ZONE, "patents", 2017, 100, "illustrative"]],
    }


def read(sheets_or_bytes, name="zone.xlsx"):
    data = sheets_or_bytes if isinstance(sheets_or_bytes, bytes) else xlsx(sheets_or_bytes)
    return read_workbook(data, name=name)


def refused(plan) -> list[str]:
    return [str(p) for p in plan.problems]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def nothing_written(demo):
    """Asserts, after the test, that no audited row was added (so nothing was written)."""
    before = (AuditEntry.objects.count(), DataValue.objects.count(), OrgUnit.objects.count())
    yield
    after = (AuditEntry.objects.count(), DataValue.objects.count(), OrgUnit.objects.count())
    assert after == before


# -- a whole zone in one step ----------------------------------------------------------------


def test_a_second_zone_imports_in_one_step_and_its_figures_come_out_right(demo):
    plan = read(zone_sheets())
    assert plan.problems == []
    assert plan.row_counts == {"elements": 2, "orgunits": 2, "values": 4, "targets": 1}
    result = import_plan(plan, actor=demo.admin)
    assert result.imported
    assert result.problems == []
    assert result.counts == {
        "elements": {"created": 1, "updated": 0, "unchanged": 1},
        "orgunits": {"created": 2, "updated": 0, "unchanged": 0},
        "values": {"created": 4, "updated": 0, "unchanged": 0},
        "targets": {"created": 1, "updated": 0, "unchanged": 0},
    }
    zone = OrgUnit.objects.get(code=NEW_ZONE)
    assert (zone.parent.code, zone.kind) == (CITY, "zone")
    assert OrgUnit.objects.get(code=NEW_TOWN).parent == zone
    patents = DataElement.objects.get(code="patents")
    assert (patents.unit, patents.decimals, patents.department.code) == ("项", 0, "economy")

    exports, patents_q3 = compute(
        [FigureRequest("exports", NEW_ZONE, M8), FigureRequest("patents", NEW_ZONE, Q3)]
    )
    assert exports.value == Decimal("10.5")
    assert exports.prior_value == Decimal("8.4")
    assert exports.growth_pct == Decimal(25)  # 10.5 / 8.4 − 1
    assert patents_q3.value == Decimal(60)
    assert patents_q3.status == "preliminary"
    assert patents_q3.target == Decimal(100)
    assert patents_q3.progress_pct == Decimal(60)


def test_the_import_is_audited_once_as_an_import_naming_the_file_and_counts(demo):
    plan = read(zone_sheets(), name="second-zone.xlsx")
    import_plan(plan, actor=demo.admin)
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).get()
    assert entry.actor_username == "admin"
    assert entry.object_repr == "second-zone.xlsx"
    assert entry.after["file"] == "second-zone.xlsx"
    assert entry.after["sha256"] == plan.sha256
    assert entry.after["counts"]["values"] == {"created": 4, "updated": 0, "unchanged": 0}


def test_reimporting_the_same_file_changes_nothing_and_adds_only_the_import_row(demo):
    data = xlsx(zone_sheets())
    import_plan(read(data), actor=demo.admin)
    last = AuditEntry.objects.order_by("-seq").first().seq
    versions = dict(DataValue.objects.values_list("pk", "version"))
    result = import_plan(read(data), actor=demo.admin)
    assert result.imported
    assert result.changed == 0
    assert result.counts == {
        "elements": {"created": 0, "updated": 0, "unchanged": 2},
        "orgunits": {"created": 0, "updated": 0, "unchanged": 2},
        "values": {"created": 0, "updated": 0, "unchanged": 4},
        "targets": {"created": 0, "updated": 0, "unchanged": 1},
    }
    # Decided: a re-import still leaves its one IMPORT row (who imported what, when), and
    # nothing else: no record was written.
    new = list(AuditEntry.objects.filter(seq__gt=last).values_list("action", flat=True))
    assert new == [AuditAction.IMPORT]
    assert dict(DataValue.objects.values_list("pk", "version")) == versions


def test_a_changed_value_is_updated_and_the_rest_unchanged(demo):
    import_plan(read(zone_sheets()), actor=demo.admin)
    sheets = zone_sheets()
    sheets["values"][1][3] = 11
    result = import_plan(read(sheets), actor=demo.admin)
    assert result.counts["values"] == {"created": 0, "updated": 1, "unchanged": 3}
    value = DataValue.objects.get(org_unit__code=NEW_ZONE, element__code="exports", period=M8)
    assert (value.value, value.version) == (Decimal(11), 2)


def test_a_dry_run_counts_and_writes_nothing(demo, nothing_written):
    result = import_plan(read(zone_sheets()), actor=demo.admin, dry_run=True)
    assert result.ok
    assert not result.imported
    assert result.counts["orgunits"]["created"] == 2


def test_progress_is_reported_for_every_row(demo):
    seen = []
    import_plan(read(zone_sheets()), actor=demo.admin, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(n, 9) for n in range(1, 10)]


# -- one bad cell: nothing, and the cell named ------------------------------------------------


def test_one_bad_cell_imports_nothing_and_names_the_cell(demo, nothing_written):
    sheets = zone_sheets()
    sheets["values"][3][3] = "six"
    plan = read(sheets)
    assert plan.problems == [Problem("values", 4, "D", '"six" is not a number.')]
    assert refused(plan) == ['values!D4: "six" is not a number.']
    result = import_plan(plan, actor=demo.admin)
    assert not result.imported
    assert result.problems == plan.problems


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "message"),
    [
        ("values", 2, 2, "patent", "Unknown element patent: it is neither in the catalogue nor "
         "on the elements sheet."),
        ("values", 2, 1, "999999", "Unknown org unit 999999: it is neither in the system nor on "
         "the orgunits sheet."),
        ("values", 2, 3, "2017-13", '"2017-13" is not a period: write 2017, 2017H1, 2017Q3, '
         "2017-08 or 2017-01/2017-08."),
        ("values", 2, 3, "2017-09/2017-01", '"2017-09/2017-01" ends before it starts: write the '
         "earlier month first, as in 2017-01/2017-08."),
        ("values", 2, 4, "=1+1", "A formula is not accepted here: type the number itself."),
        ("values", 2, 4, 1.1234567, "1.1234567 has more than 6 decimal places."),
        ("values", 2, 4, None, "This cell must not be empty."),
        ("values", 2, 5, "done", '"done" is not one of: estimate, preliminary, final.'),
        ("values", 2, 6, "=B2*2", "A formula is not accepted here: type the number itself."),
        ("values", 2, 6, "123456789.5", "123456789.5 is too large."),
        ("elements", 3, 4, "件", '"件" is not one of: 亿元, 万元, 元, 个, 家, 人, 名, %, 亩, 户, '
         "km, 平方公里, 万平方米, 倍, 所, 项, 期."),
        ("elements", 3, 5, "flow", '"flow" is not one of: sum, last, none.'),
        ("elements", 3, 6, "avg", '"avg" is not one of: sum, none.'),
        ("elements", 3, 7, "real", '"real" is not one of: computed, reported.'),
        ("elements", 3, 8, 9, "9 is not a whole number from 0 to 6."),
        ("elements", 3, 10, "stats", "Unknown department stats: the departments are "
         "construction, economy, finance, investment, office, party, social_affairs."),
        ("elements", 2, 1, "专利", '"专利" is not a code: use letters, digits, hyphens and '
         "underscores."),
        ("orgunits", 2, 3, "park", '"park" is not one of: city, district, county, zone, town, '
         "subdistrict, community, village, grid."),
        ("orgunits", 3, 4, "371499999", "Unknown org unit 371499999: it is neither in the system "
         "nor on an earlier row of the orgunits sheet."),
        ("orgunits", 3, 3, "city", "A Development zone cannot hold a City."),
        ("targets", 2, 3, 17, "17 is not a whole number from 1900 to 2999."),
        ("targets", 2, 4, "=SUM(A1:A2)", "A formula is not accepted here: type the number itself."),
    ],
)  # fmt: skip
def test_each_bad_cell_is_refused_with_its_message(
    demo, nothing_written, sheet, row, column, value, message
):
    sheets = zone_sheets()
    sheets[sheet][row - 1][column - 1] = value
    plan = read(sheets)
    letter = openpyxl.utils.get_column_letter(column)
    assert refused(plan) == [f"{sheet}!{letter}{row}: {message}"]
    assert not import_plan(plan, actor=demo.admin).imported


def test_a_period_the_spreadsheet_turned_into_a_date_says_so(demo):
    from datetime import datetime

    sheets = zone_sheets()
    sheets["values"][1][2] = datetime(2017, 8, 1)
    assert refused(read(sheets)) == [
        "values!C2: The spreadsheet turned this period into a date: format the column as text "
        "and type the period again, as in 2017-08."
    ]


def test_an_org_defined_later_in_the_sheet_is_not_a_parent_yet(demo):
    sheets = zone_sheets()
    sheets["orgunits"][1:] = sheets["orgunits"][:0:-1]  # the town before its zone
    problems = refused(read(sheets))
    assert problems == [
        "orgunits!D2: Unknown org unit 371499: it is neither in the system nor on an earlier "
        "row of the orgunits sheet."
    ]


@pytest.mark.parametrize(
    ("sheet", "copy", "message"),
    [
        ("values", 2, "values!C6: Row 2 already has a value for this org unit, element and "
         "period."),
        ("targets", 2, "targets!C3: Row 2 already has a target for this org unit, element and "
         "year."),
        ("orgunits", 2, "orgunits!A4: The code is already on row 2."),
        ("elements", 3, "elements!A4: The code is already on row 3."),
    ],
)  # fmt: skip
def test_a_duplicate_row_is_refused(demo, nothing_written, sheet, copy, message):
    sheets = zone_sheets()
    sheets[sheet].append(list(sheets[sheet][copy - 1]))
    plan = read(sheets)
    assert refused(plan) == [message]
    assert not import_plan(plan, actor=demo.admin).imported


def test_the_same_months_written_two_ways_are_one_period(demo):
    sheets = zone_sheets()
    sheets["values"].append([NEW_ZONE, "patents", "2017-01/2017-12", 1, None, None, None, None])
    sheets["values"].append([NEW_ZONE, "patents", "2017", 2, None, None, None, None])
    assert refused(read(sheets)) == [
        "values!C7: Row 6 already has a value for this org unit, element and period."
    ]


def test_every_problem_of_a_workbook_is_listed_at_once(demo):
    sheets = zone_sheets()
    sheets["values"][1][3] = "x"
    sheets["values"][2][2] = "2016-8"
    sheets["targets"][1][1] = "nope"
    sheets["extra"] = [["a"]]
    sheets["values"][0].append("comment")
    locations = [p.location for p in read(sheets).problems]
    assert locations == ["extra", "values!I1", "targets!B2"]  # a bad header stops its sheet
    del sheets["values"][0][-1]
    locations = [p.location for p in read(sheets).problems]
    assert locations == ["extra", "values!D2", "values!C3", "targets!B2"]


def test_a_missing_column_is_named(demo):
    sheets = zone_sheets()
    for row in sheets["values"]:
        del row[3]
    assert refused(read(sheets)) == [
        "values!1:1: The column value is missing: the first row names the columns."
    ]


# -- refusals of the file itself --------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unopened(demo, monkeypatch):
    monkeypatch.setattr(columns, "MAX_FILE_BYTES", 1000)
    plan = read(zone_sheets())
    assert refused(plan) == [
        f"The file is larger than {filesizeformat(1000)}: split it into smaller workbooks."
    ]
    assert plan.row_counts == {"elements": 0, "orgunits": 0, "values": 0, "targets": 0}


def test_the_size_limit_is_20_mb(demo):
    assert columns.MAX_FILE_BYTES == 20 * 1024 * 1024
    assert columns.MAX_EXPANDED_BYTES == 200 * 1024 * 1024
    assert refused(read_workbook(b"x" * (columns.MAX_FILE_BYTES + 1), name="big.xlsx")) == [
        "The file is larger than 20.0\xa0MB: split it into smaller workbooks."
    ]


NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx). Save it from the spreadsheet program as "
    '"Excel workbook (.xlsx)" and try again.'
)
MACROS = (
    "This workbook contains macros (.xlsm), which are not accepted. Save it as an Excel "
    "workbook (.xlsx) without macros and try again."
)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    change(members)
    return _zip(members)


@pytest.mark.parametrize(
    "data",
    [
        b"org,element,period,value\n371471,gdp,2017,1\n",  # a CSV named .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # an old .xls
        b"PK\x03\x04 not really a zip",
        _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}),
    ],
    ids=["csv", "xls", "broken-zip", "docx-like"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(demo, data):
    assert refused(read_workbook(data, name="data.xlsx")) == [NOT_XLSX]


def test_a_macro_workbook_is_refused(demo):
    def add_macros(members):
        members["xl/vbaProject.bin"] = b"\x00macro"

    data = _rezip(xlsx(zone_sheets()), add_macros)
    assert refused(read_workbook(data, name="zone.xlsx")) == [MACROS]
    assert refused(read_workbook(xlsx(zone_sheets()), name="zone.xlsm")) == [MACROS]

    def macro_content_type(members):
        types = members["[Content_Types].xml"].decode()
        members["[Content_Types].xml"] = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).encode()

    data = _rezip(xlsx(zone_sheets()), macro_content_type)
    assert refused(read_workbook(data, name="zone.xlsx")) == [MACROS]


def test_a_zip_bomb_is_refused_before_anything_is_inflated(demo, monkeypatch):
    bomb = _rezip(xlsx(zone_sheets()), lambda m: m.update({"xl/padding.bin": b"\0" * 300_000}))
    assert len(bomb) < 50_000  # small on disk, large when opened
    monkeypatch.setattr(columns, "MAX_EXPANDED_BYTES", 250_000)
    inflated = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: inflated.append(a) or b"")
    assert refused(read_workbook(bomb, name="zone.xlsx")) == [
        f"The workbook would expand to more than {filesizeformat(250_000)} when opened; no "
        "statistics workbook is that large, so it is refused."
    ]
    assert inflated == []


def test_a_declared_size_is_what_counts_even_if_the_member_claims_to_be_huge(demo):
    """A member whose header declares 300 MB is refused without reading it."""
    data = bytearray(xlsx(zone_sheets()))
    # The uncompressed size in the central directory entry of the first member.
    first = data.find(b"PK\x01\x02")
    data[first + 24 : first + 28] = (300 * 1024 * 1024).to_bytes(4, "little")
    assert (
        "expand to more than 200.0\xa0MB" in refused(read_workbook(bytes(data), name="b.xlsx"))[0]
    )


def test_a_file_that_is_no_workbook_inside_is_refused(demo):
    data = _rezip(xlsx(zone_sheets()), lambda m: m.pop("xl/workbook.xml"))
    assert refused(read_workbook(data, name="zone.xlsx")) == [
        "The file could not be opened as an Excel workbook (.xlsx)."
    ]


def test_a_workbook_with_none_of_the_sheets_is_refused(demo):
    assert refused(read({"Sheet1": [["a", "b"]]})) == [
        "Sheet1: Unknown sheet Sheet1: the sheets of a workbook are elements, orgunits, "
        "values, targets.",
        "The workbook has none of the sheets elements, orgunits, values, targets.",
    ]


# -- rights ---------------------------------------------------------------------------------


def test_a_row_the_actor_may_not_change_is_a_problem_on_that_row(demo, nothing_written):
    sheets = {
        "values": [
            VALUES_HEADER,
            [ZONE, "gdp", Q3, 1, None, None, None, None],  # kept by 经济发展局
            [ZONE, "financing_direct", Q3, 18, "final", None, None, "x"],  # by 财政局
        ]
    }
    result = import_plan(read(sheets), actor=demo.investment)
    assert [str(p) for p in result.problems] == [
        f"values!B2: {OWNER_ONLY}",
        f"values!B3: {OWNER_ONLY}",
    ]
    assert not result.imported


def test_only_a_zone_administrator_adds_org_units(demo, nothing_written):
    """The zone is refused; the town under it and the zone's values are then not tried."""
    result = import_plan(read(zone_sheets()), actor=demo.economy)
    assert [str(p) for p in result.problems] == [
        "orgunits!A2: Only a zone administrator may change the org tree.",
    ]


def test_an_editor_imports_the_values_of_their_department(demo):
    sheets = zone_sheets()
    del sheets["orgunits"]
    for row in sheets["values"][1:] + sheets["targets"][1:]:
        row[0] = ZONE
    sheets["values"].pop()  # the zone twice
    result = import_plan(read(sheets), actor=demo.economy)
    assert result.imported, result.problems
    assert result.counts["values"] == {"created": 1, "updated": 2, "unchanged": 0}
    assert result.counts["targets"] == {"created": 1, "updated": 0, "unchanged": 0}


def test_rows_stating_what_is_stored_need_no_right_to_change(demo):
    """Re-importing someone else's export changes nothing, so it is no trespass."""
    data, _counts = workbook_export(actor=demo.leader)
    result = import_plan(read(data), actor=demo.investment)
    assert result.imported
    assert result.changed == 0


# -- wholes and parts ----------------------------------------------------------------------


def test_a_whole_lists_its_parts_in_order(demo):
    sheets = {
        "elements": [
            ELEMENTS_HEADER,
            ["patents", "专利授权量", "Patents", "项", None, None, None, 0, "patents_invention, "
             "patents_utility", "economy"],
            ["patents_invention", "发明专利", "Invention patents", "项", None, None, None, 0, None,
             "economy"],
            ["patents_utility", "实用新型专利", "Utility patents", "项", None, None, None, 0, None,
             "economy"],
        ]
    }  # fmt: skip
    result = import_plan(read(sheets), actor=demo.economy)
    assert result.imported, result.problems
    parts = DataElement.objects.filter(whole__code="patents").order_by("part_order")
    assert [(p.code, p.part_order) for p in parts] == [
        ("patents_invention", 1),
        ("patents_utility", 2),
    ]
    again = import_plan(read(sheets), actor=demo.economy)
    assert again.counts["elements"] == {"created": 0, "updated": 0, "unchanged": 3}
    # Listing fewer parts detaches the others (the one left keeps its place).
    sheets["elements"][1][8] = "patents_utility"
    result = import_plan(read(sheets), actor=demo.economy)
    assert result.counts["elements"] == {"created": 0, "updated": 1, "unchanged": 2}
    parts = DataElement.objects.filter(whole__code="patents")
    assert list(parts.values_list("code", "part_order")) == [("patents_utility", 2)]
    assert DataElement.objects.get(code="patents_invention").whole is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ("gdp", "elements!I2: gdp would both have parts and be a part of trade: parts have one "
         "level."),
        ("trade", "elements!I2: An element cannot be a part of itself."),
        ("exports, exports", "elements!I2: exports is listed twice."),
        ("exports, hightech_share", "elements!I2: hightech_share is in % but trade is in 亿元: a "
         "part has the unit of its whole."),
        ("exports, nothing", "elements!I2: Unknown element nothing: it is neither in the "
         "catalogue nor on the elements sheet."),
    ],
)  # fmt: skip
def test_parts_keep_one_level_and_their_whole_s_unit(demo, nothing_written, parts, message):
    sheets = {
        "elements": [
            ELEMENTS_HEADER,
            ["trade", None, None, None, None, None, None, None, parts, None],
        ]
    }
    assert refused(read(sheets)) == [message]


def test_a_new_element_needs_its_names_unit_and_department(demo):
    sheets = {"elements": [ELEMENTS_HEADER, ["patents"] + [None] * 9]}
    assert refused(read(sheets)) == [
        "elements!B2: This cell must not be empty.",
        "elements!C2: This cell must not be empty.",
        "elements!D2: This cell must not be empty.",
        "elements!J2: A new element needs the code of the department that keeps it.",
    ]


def test_blank_cells_of_a_stored_element_keep_what_it_has(demo):
    sheets = {"elements": [ELEMENTS_HEADER, ["gdp", None, "GDP", None, None, None, None, 1]]}
    result = import_plan(read(sheets), actor=demo.economy)
    assert result.counts["elements"]["updated"] == 1
    gdp = DataElement.objects.get(code="gdp")
    assert (gdp.name_zh, gdp.name_en, gdp.unit, gdp.growth_basis, gdp.decimals) == (
        "地区生产总值", "GDP", "亿元", "reported", 1,
    )  # fmt: skip
    assert gdp.parts.count() == 3


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
        Decimal(185), "estimate", Decimal(8),
    )  # fmt: skip
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
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "trade" and r[0].value == ZONE)
    row[3].value = 35
    out = io.BytesIO()
    book.save(out)
    result = import_plan(read(out.getvalue()), actor=demo.economy)
    assert result.counts["values"]["updated"] == 1
    assert result.changed == 1
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
        DataValue(element=gdp, org_unit=zone, period=period, value=value, status=status,
                  reported_growth_pct=growth, comparable_prior=prior, source=note)
        for period, value, status, growth, prior, note in rows
    ]  # fmt: skip
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
    assert plan.problems == []
    assert sum(plan.row_counts.values()) == 0


# -- commands --------------------------------------------------------------------------------


def test_the_import_command_imports_with_a_progress_bar(demo, tmp_path):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", str(path), "--user", "admin", stdout=out, stderr=err)
    assert "values: 4 created, 0 updated, 0 unchanged" in out.getvalue()
    assert err.getvalue().endswith("100% 9/9\n")
    assert OrgUnit.objects.filter(code=NEW_ZONE).exists()
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).get()
    assert entry.actor_username == "admin"


def test_the_import_command_prints_every_problem_and_fails(demo, tmp_path, nothing_written):
    sheets = zone_sheets()
    sheets["values"][1][3] = "x"
    sheets["values"][2][2] = "2016-8"
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(sheets))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problems: nothing was imported\."):
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        'values!D2: "x" is not a number.',
        'values!C3: "2016-8" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or '
        "2017-01/2017-08.",
    ]


def test_the_import_command_dry_run_writes_nothing(demo, tmp_path, nothing_written):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    out = io.StringIO()
    call_command("import_workbook", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "orgunits: 2 created" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()


def test_the_import_command_applies_the_user_s_rights(demo, tmp_path, nothing_written):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_workbook", str(path), "--user", "finance", stdout=io.StringIO(), stderr=err
        )
    assert "orgunits!A2: Only a zone administrator may change the org tree." in err.getvalue()
    assert f"elements!A3: {OWNER_ONLY}" in err.getvalue()


def test_the_export_command_writes_a_workbook_for_the_orgs_named(demo, tmp_path):
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_workbook", "-o", str(path), "--org", "371482", stdout=out)
    plan = read_workbook(path)
    assert {r.org for r in plan.values} == {"371482"}
    assert {r.code for r in plan.orgunits} == {"371482", CITY}
    with pytest.raises(CommandError, match="Unknown org unit 999"):
        call_command("export_workbook", "-o", str(path), "--org", "999", stdout=out)


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def page(client, demo, media):
    def _as(username):
        if username:
            client.force_login(demo.users[username])
        client.cookies["django_language"] = "en"
        return client

    return _as


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("economy", 200),
        ("investment", 200),
        ("twodept", 200),
        ("admin", 200),
        ("finance", 403),  # a viewer
        ("leader", 403),  # reads everything, changes nothing
        ("sysadmin", 403),
        ("secadmin", 403),
        ("auditadmin", 403),
    ],
)
def test_the_workbook_page_is_for_editors(page, username, status):
    client = page(username)
    assert client.get(reverse("stats:workbook")).status_code == status
    assert client.get(reverse("stats:template")).status_code == status
    nav = client.get(reverse("core:dashboard")).content.decode()
    assert ('data-nav="stats"' in nav) is (status == 200)


def test_anonymous_users_are_sent_to_the_login(page):
    client = page(None)
    for name in ("stats:workbook", "stats:template", "stats:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


def test_upload_preview_confirm_imports(page, media):
    client = page("admin")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    response = client.post(reverse("stats:workbook"), {"file": upload})
    assert response.status_code == 302
    preview = response["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    assert (media / "imports" / f"{token}.xlsx").is_file()
    assert client.session[staging.SESSION_KEY] == {token: "zone.xlsx"}  # the name, no bytes

    page_html = client.get(preview).content.decode()
    assert 'data-testid="preview-ok"' in page_html
    counts = '<tr data-sheet="orgunits"><td><code>orgunits</code></td><td class="text-end">2</td>'
    assert counts in page_html
    assert "德州示范经济开发区" in page_html  # the first rows are shown
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()  # the preview wrote nothing

    response = client.post(reverse("stats:import_confirm", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("stats:workbook")
    assert OrgUnit.objects.filter(code=NEW_ZONE).exists()
    assert DataValue.objects.filter(org_unit__code=NEW_ZONE).count() == 3
    assert not (media / "imports" / f"{token}.xlsx").exists()
    followed = client.get(reverse("stats:workbook")).content.decode()
    assert "zone.xlsx imported: 8 created, 0 updated, 1 unchanged." in followed


def test_the_preview_lists_every_problem_and_offers_no_import(page):
    client = page("economy")
    sheets = zone_sheets()
    sheets["values"][1][3] = "x"
    upload = io.BytesIO(xlsx(sheets))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="values!D2"' in html
    assert "is not a number." in html
    assert 'data-testid="confirm-import"' not in html


def test_the_preview_shows_rights_problems_from_the_dry_run(page):
    client = page("economy")  # may not add org units
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="orgunits!A2"' in html
    assert "Only a zone administrator may change the org tree." in html
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.post(reverse("stats:import_confirm", args=[token]))
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()


def test_a_non_workbook_upload_is_refused_in_the_preview(page):
    client = page("economy")
    upload = io.BytesIO(b"a,b\n1,2\n")
    upload.name = "data.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    assert NOT_XLSX.replace('"', "&quot;") in client.get(preview).content.decode()


def test_an_upload_over_the_limit_is_refused_by_the_form(page, monkeypatch, media):
    monkeypatch.setattr(columns, "MAX_FILE_BYTES", 100)
    client = page("economy")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    response = client.post(reverse("stats:workbook"), {"file": upload})
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_an_upload_belongs_to_the_session_that_made_it(page, client, demo):
    owner = page("economy")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = owner.post(reverse("stats:workbook"), {"file": upload})["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.logout()
    client.force_login(demo.users["investment"])
    assert client.get(preview).status_code == 404
    assert client.post(reverse("stats:import_confirm", args=[token])).status_code == 404
    assert client.get(reverse("stats:import_preview", args=["..%2F..%2Fetc"])).status_code == 404


def test_the_downloads(page):
    client = page("economy")
    response = client.get(reverse("stats:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read_workbook(response.content, name="t.xlsx").problems == []
    response = client.get(reverse("stats:export"))
    assert "attachment;" in response["Content-Disposition"]
    plan = read_workbook(response.content, name="e.xlsx")
    assert {r.department for r in plan.elements} == {"economy"}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor_username="economy").exists()
    leader = page("leader")
    assert leader.get(reverse("stats:export")).status_code == 200
    assert leader.get(reverse("stats:export") + "?org=nope").status_code == 404
    assert page("sysadmin").get(reverse("stats:export")).status_code == 403
