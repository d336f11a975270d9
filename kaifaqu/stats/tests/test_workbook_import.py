"""The statistics workbook's import: a whole zone in one step or not at all, every bad cell
named, the rights it needs, wholes and their parts.
"""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kaifaqu.core import audit, audit_guard
from kaifaqu.core.bulk import BATCH
from kaifaqu.core.models import AuditAction, AuditChange, AuditEntry
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataElement, DataValue
from kaifaqu.stats.workbook import (
    Problem,
    import_plan,
    workbook_export,
)

from .workbook_support import (
    CITY,
    ELEMENTS_HEADER,
    M8,
    NEW_TOWN,
    NEW_ZONE,
    OWNER_ONLY,
    Q3,
    VALUES_HEADER,
    ZONE,
    read,
    refused,
    xlsx,
    zone_sheets,
)

pytestmark = pytest.mark.usefixtures("english")


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
    sheets["values"][1][3] = 21.8  # the zone's exports as stored: they add up to its trade
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
            [
                "patents",
                "专利授权量",
                "Patents",
                "项",
                None,
                None,
                None,
                0,
                "patents_invention, patents_utility",
                "economy",
            ],
            [
                "patents_invention",
                "发明专利",
                "Invention patents",
                "项",
                None,
                None,
                None,
                0,
                None,
                "economy",
            ],
            [
                "patents_utility",
                "实用新型专利",
                "Utility patents",
                "项",
                None,
                None,
                None,
                0,
                None,
                "economy",
            ],
        ]
    }
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
        (
            "gdp",
            "elements!I2: gdp would both have parts and be a part of trade: parts have one level.",
        ),
        ("trade", "elements!I2: An element cannot be a part of itself."),
        ("exports, exports", "elements!I2: exports is listed twice."),
        (
            "exports, hightech_share",
            "elements!I2: hightech_share is in % but trade is in 亿元: a "
            "part has the unit of its whole.",
        ),
        (
            "exports, nothing",
            "elements!I2: Unknown element nothing: it is neither in the "
            "catalogue nor on the elements sheet.",
        ),
    ],
)
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
        "地区生产总值",
        "GDP",
        "亿元",
        "reported",
        1,
    )
    assert gdp.parts.count() == 3


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
        (
            "values",
            2,
            2,
            "patent",
            "Unknown element patent: it is neither in the catalogue nor on the elements sheet.",
        ),
        (
            "values",
            2,
            1,
            "999999",
            "Unknown org unit 999999: it is neither in the system nor on the orgunits sheet.",
        ),
        (
            "values",
            2,
            3,
            "2017-13",
            '"2017-13" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.',
        ),
        (
            "values",
            2,
            3,
            "2017-09/2017-01",
            '"2017-09/2017-01" ends before it starts: write the '
            "earlier month first, as in 2017-01/2017-08.",
        ),
        ("values", 2, 4, "=1+1", "A formula is not accepted here: type the number itself."),
        ("values", 2, 4, 1.1234567, "1.1234567 has more than 6 decimal places."),
        ("values", 2, 4, None, "This cell must not be empty."),
        ("values", 2, 5, "done", '"done" is not one of: estimate, preliminary, final.'),
        ("values", 2, 6, "=B2*2", "A formula is not accepted here: type the number itself."),
        ("values", 2, 6, "123456789.5", "123456789.5 is too large."),
        (
            "elements",
            3,
            4,
            "件",
            '"件" is not one of: 亿元, 万元, 元, 个, 家, 人, 名, %, 亩, 户, '
            "km, 平方公里, 万平方米, 倍, 所, 项, 期.",
        ),
        ("elements", 3, 5, "flow", '"flow" is not one of: sum, last, none.'),
        ("elements", 3, 6, "avg", '"avg" is not one of: sum, none.'),
        ("elements", 3, 7, "real", '"real" is not one of: computed, reported.'),
        ("elements", 3, 8, 9, "9 is not a whole number from 0 to 6."),
        (
            "elements",
            3,
            10,
            "stats",
            "Unknown department stats: the departments are "
            "construction, economy, finance, investment, office, party, social_affairs.",
        ),
        (
            "elements",
            2,
            1,
            "专利",
            '"专利" is not a code: use letters, digits, hyphens and underscores.',
        ),
        (
            "orgunits",
            2,
            3,
            "park",
            '"park" is not one of: city, district, county, zone, town, '
            "subdistrict, community, village, grid.",
        ),
        (
            "orgunits",
            3,
            4,
            "371499999",
            "Unknown org unit 371499999: it is neither in the system "
            "nor on an earlier row of the orgunits sheet.",
        ),
        ("orgunits", 3, 3, "city", "A Development zone cannot hold a City."),
        ("targets", 2, 3, 17, "17 is not a whole number from 1900 to 2999."),
        ("targets", 2, 4, "=SUM(A1:A2)", "A formula is not accepted here: type the number itself."),
    ],
)
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
    # A spreadsheet's dates carry no time zone: a cell reads as a naive datetime.
    sheets["values"][1][2] = datetime(2017, 8, 1)  # noqa: DTZ001
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
        (
            "values",
            2,
            "values!C6: Row 2 already has a value for this org unit, element and period.",
        ),
        (
            "targets",
            2,
            "targets!C3: Row 2 already has a target for this org unit, element and year.",
        ),
        ("orgunits", 2, "orgunits!A4: The code is already on row 2."),
        ("elements", 3, "elements!A4: The code is already on row 3."),
    ],
)
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


# -- at scale: in sets, audited as one event -----------------------------------------------


def test_each_value_the_import_writes_is_in_its_change_log(demo):
    """One IMPORT row for the file; each value created or changed is an AuditChange row of
    its batch, before and after, and the row's hash covers them all."""
    import_plan(read(zone_sheets()), actor=demo.admin)
    sheets = zone_sheets()
    sheets["values"][1][3] = 11
    last = AuditEntry.objects.order_by("-seq").first().seq
    result = import_plan(read(sheets), actor=demo.admin)
    assert result.counts["values"] == {"created": 0, "updated": 1, "unchanged": 3}
    entry = AuditEntry.objects.get(seq__gt=last, action=AuditAction.IMPORT)
    summary = entry.after["changes"]
    assert summary["count"] == 1
    (change,) = AuditChange.objects.filter(batch=summary["batch"])
    value = DataValue.objects.get(org_unit__code=NEW_ZONE, element__code="exports", period=M8)
    assert (change.n, change.object_type, change.object_id) == (1, "stats.datavalue", str(value.pk))
    assert change.object_repr == f"exports · {NEW_ZONE} · {M8}"
    assert change.before == {
        "value": "10.500000",
        "status": "final",
        "reported_growth_pct": None,
        "comparable_prior": None,
        "source": "illustrative",
        "version": 1,
    }
    assert change.after == {**change.before, "value": "11.000000", "version": 2}
    assert audit.verify_changes(entry)
    assert audit.verify_chain() is None
    # Nothing but the import row: the values are not audited one by one any more.
    new = list(AuditEntry.objects.filter(seq__gt=last).values_list("action", flat=True))
    assert new == [AuditAction.IMPORT]


def test_a_change_log_altered_afterwards_no_longer_matches_its_entry(demo):
    import_plan(read(zone_sheets()), actor=demo.admin)
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).get()
    assert entry.after["changes"]["count"] == 4
    assert AuditChange.objects.filter(batch=entry.after["changes"]["batch"]).count() == 4
    assert audit.verify_changes(entry)
    with pytest.raises(PermissionError):
        AuditChange.objects.filter(batch=entry.after["changes"]["batch"]).delete()
    # As someone with the database's password and the right to drop its triggers might.
    with audit_guard.removed(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditchange SET after = %s WHERE n = 2 AND batch = %s",
            ['{"value": "1.000000"}', entry.after["changes"]["batch"]],
        )
    assert not audit.verify_changes(entry)
    assert str(audit.verify_chain()) == (
        f"row #{entry.seq} (id {entry.pk}): its change rows do not match its hash"
    )


def test_a_dry_run_records_no_change(demo, nothing_written):
    result = import_plan(read(zone_sheets()), actor=demo.admin, dry_run=True)
    assert result.counts["values"]["created"] == 4
    assert not AuditChange.objects.exists()


def _many_values(count: int, value: int) -> dict[str, list[list]]:
    periods = [f"{2100 + i // 12}-{i % 12 + 1:02d}" for i in range(count)]
    return {
        "values": [list(VALUES_HEADER)]
        + [[ZONE, "entrepreneur_lectures", p, value, "final", None, None, "x"] for p in periods]
    }


def _import_queries(sheets) -> tuple[list[str], int, int]:
    """The queries of an import (rolled back after), without the INSERTs of values and of
    change rows, and how many of each of those (each runs a batch of rows)."""
    plan = read(sheets)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        result = import_plan(plan, actor=None)
        assert result.imported, result.problems
        transaction.set_rollback(True)
    inserts = {"stats_datavalue": 0, "core_auditchange": 0}
    others = []
    for query in queries:
        sql = re.sub(r"^\d+ times: ", "", query["sql"])  # an executemany
        table = next((t for t in inserts if sql.startswith(f'INSERT INTO "{t}"')), None)
        if table:
            inserts[table] += 1
        else:
            others.append(re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", sql)))
    return others, inserts["stats_datavalue"], inserts["core_auditchange"]


@pytest.mark.parametrize("value", [1, 2], ids=["created", "updated"])
def test_the_import_s_queries_do_not_grow_with_the_number_of_values(demo, value):
    """Besides the INSERTs, each of which writes a batch of rows, an import of 1,000 values
    makes the very queries an import of 100 makes."""
    if value == 2:  # the values are stored first, so that the import changes each one
        for count in (100, 1000):
            assert import_plan(read(_many_values(count, 1)), actor=None).imported
    small, small_values, small_changes = _import_queries(_many_values(100, value))
    large, large_values, large_changes = _import_queries(_many_values(1000, value))
    assert large == small
    batches = -(-1000 // BATCH)
    assert (small_values, large_values) == ((1, batches) if value == 1 else (0, 0))
    assert (small_changes, large_changes) == (1, batches)
