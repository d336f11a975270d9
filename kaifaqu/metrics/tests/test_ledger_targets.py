"""Targets for ledger metrics through the statistics workbook.

A ledger metric is not a data element, so ``stats`` knows its code only through the provider
``metrics`` registers (``kaifaqu.stats.registry``); the workbook then takes, checks the rights
for and exports its targets like an element's, and the engine reads them as the target.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook

from kaifaqu.metrics import registry
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.stats.models import Target
from kaifaqu.stats.registry import extra_target_codes
from kaifaqu.stats.workbook import import_plan, read_workbook, workbook_export

#: Messages are compared in English, their msgid language.
pytestmark = pytest.mark.usefixtures("english")

ZONE = "371471"
CODE = "key_projects_completed_test"


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "targets"
    sheet.append(["org", "element", "year", "target", "note"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def ledger_metric(demo):
    """Investment completed by key projects, kept by 招商局: 39.26亿元 in 1—9月 2017."""
    zone = demo.zone

    def completed(org_ids, windows):
        return {
            (zone.pk, window): registry.LedgerValue(Decimal("39.26"))
            for window in windows
            if window == (201701, 201709) and zone.pk in set(org_ids)
        }

    metric = registry.Metric(
        code=CODE,
        name_zh="市级重点项目完成投资",
        name_en="Investment completed by key projects",
        unit="亿元",
        decimals=2,
        ledger=completed,
        department_id=demo.departments["investment"].pk,
    )
    registry.register_ledger_metric(metric)
    yield metric
    registry.unregister_ledger_metric(CODE)


def test_the_registry_offers_ledger_codes_with_their_department(ledger_metric, demo):
    assert extra_target_codes()[CODE] == demo.departments["investment"].pk


def test_a_ledger_metric_s_target_is_imported_and_gives_the_progress(ledger_metric, demo):
    plan = read_workbook(xlsx([[ZONE, CODE, 2017, 49.08, "年度投资计划"]]), name="t.xlsx")
    assert plan.problems == []
    result = import_plan(plan, actor=demo.investment)
    assert result.imported
    assert result.counts["targets"] == {"created": 1, "updated": 0, "unchanged": 0}
    target = Target.objects.get(metric_code=CODE, org_unit=demo.zone, year=2017)
    assert (target.value, target.source) == (Decimal("49.08"), "年度投资计划")
    (figure,) = compute([FigureRequest(CODE, ZONE, "2017-01/2017-09")])
    assert figure.target == Decimal("49.08")
    # 39.26 / 49.08 = 79.99…% → 占年度投资计划的80.0%
    assert figure.progress_pct.quantize(Decimal("0.1")) == Decimal("80.0")


def test_only_the_owning_department_sets_a_ledger_metric_s_target(ledger_metric, demo):
    plan = read_workbook(xlsx([[ZONE, CODE, 2017, 49.08, ""]]), name="t.xlsx")
    result = import_plan(plan, actor=demo.economy)
    assert not result.imported
    assert [str(p) for p in result.problems] == [
        "targets!B2: Only editors of the owning department may change this."
    ]
    assert not Target.objects.filter(metric_code=CODE).exists()


def test_an_unknown_code_is_still_refused(ledger_metric, demo):
    plan = read_workbook(xlsx([[ZONE, "no_such_metric", 2017, 1, ""]]), name="t.xlsx")
    assert [str(p) for p in plan.problems] == [
        "targets!B2: Unknown element no_such_metric: it is neither in the catalogue nor on the "
        "elements sheet."
    ]


def test_a_ledger_code_is_not_a_value_sheet_element(ledger_metric, demo):
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(["org", "element", "period", "value"])
    sheet.append([ZONE, CODE, "2017-01/2017-09", 39.26])
    out = io.BytesIO()
    book.save(out)
    plan = read_workbook(out.getvalue(), name="v.xlsx")
    assert [p.location for p in plan.problems] == ["values!B2"]


def test_the_export_holds_ledger_targets_for_those_who_may_read_them(ledger_metric, demo):
    import_plan(read_workbook(xlsx([[ZONE, CODE, 2017, 49.08, ""]]), name="t.xlsx"), actor=None)

    def exported_codes(actor) -> set[str]:
        data, _counts = workbook_export(actor=actor)
        sheet = openpyxl.load_workbook(io.BytesIO(data))["targets"]
        return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert CODE in exported_codes(demo.investment)
    assert CODE in exported_codes(demo.leader)
    assert CODE not in exported_codes(demo.economy)
    # and the export imports back unchanged
    data, _counts = workbook_export(actor=demo.investment)
    result = import_plan(read_workbook(data, name="export.xlsx"), actor=demo.investment)
    assert result.imported
    assert result.changed == 0
