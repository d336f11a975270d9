"""A value written by an import keeps its history: its figure's inputs show the import's
change rows (when, who, before and after) beside the value's own audit rows."""

from __future__ import annotations

from decimal import Decimal

from kaifaqu.core.models import AuditAction
from kaifaqu.core.selectors import audit_trail
from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.metrics.selectors import input_histories
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue
from kaifaqu.stats.workbook import import_plan

from .workbook_support import M8, NEW_ZONE, read, zone_sheets


def test_an_imported_value_shows_the_import_in_its_history(
    demo, english, django_assert_num_queries
):
    admin = demo.users["admin"]
    assert import_plan(read(zone_sheets()), actor=admin).imported
    exports = DataElement.objects.get(code="exports")
    zone = OrgUnit.objects.get(code=NEW_ZONE)
    value = DataValue.objects.get(element=exports, org_unit=zone, period=M8)
    sheets = zone_sheets()
    sheets["values"][1][3] = 11.25  # the same value, corrected by a second import
    assert import_plan(read(sheets), actor=admin).imported
    services.value_save(
        actor=admin, element=exports, org_unit=zone, period=M8, value=12, version=CURRENT
    )

    with django_assert_num_queries(3):
        history = audit_trail("stats.datavalue", [value.pk])
    assert [(row.action, row.actor_username) for row in history] == [
        (AuditAction.CREATE, "admin"),
        (AuditAction.UPDATE, "admin"),
        (AuditAction.UPDATE, "admin"),
    ]
    assert history[0].before is None
    assert Decimal(history[0].after["value"]) == Decimal("10.5")
    assert Decimal(history[1].before["value"]) == Decimal("10.5")
    assert Decimal(history[1].after["value"]) == Decimal("11.25")
    assert Decimal(history[2].after["value"]) == Decimal("12")
    assert [str(row.get_action_display()) for row in history] == ["Create", "Update", "Update"]

    figure = compute([FigureRequest("exports", NEW_ZONE, M8)])[0]
    shown = {i.value_id: rows for i, rows in input_histories(figure)}
    assert [row.action for row in shown[value.pk]] == [row.action for row in history]
