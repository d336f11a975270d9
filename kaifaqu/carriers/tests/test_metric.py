"""`carriers_idle_area` through the figure engine: the idle floor area at the end of a window,
read from the status history, for the zone and any unit below it, with its prior-year value
and the units counted as provenance."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.utils import translation

from kaifaqu.carriers import services
from kaifaqu.carriers.demo import load as load_carriers
from kaifaqu.carriers.ledger import CODE, idle_area
from kaifaqu.carriers.models import BuildingUnit
from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.metrics.registry import ledger_metrics

from .conftest import CHANGHE, ZONE

Q3, Q3_2016 = "2017-01/2017-09", "2016-01/2016-09"


def figure(org: str, period: str):
    with translation.override("zh-hans"):
        (fig,) = compute([FigureRequest(CODE, org, period)])
    return fig


def test_the_metric_is_registered_as_a_stock_in_10000_m2():
    metric = ledger_metrics()[CODE]
    assert (metric.name_zh, metric.unit, metric.decimals, metric.time_aggregation) == (
        "闲置楼宇面积",
        "万平方米",
        2,
        "last",
    )


def test_the_zone_s_idle_area_and_its_prior_year_comparison(zone):
    fig = figure(ZONE, Q3)
    # 2017-09-30: 中元 7600 + 鑫星 4800 + 标准化厂房A区 6000 + 孵化中心 1400 = 19800 m²;
    # 2016-09-30: 中元 8800 + 鑫星 8000 + 标准化厂房A区 13500 (孵化中心 not yet) = 30300 m².
    assert fig.value == Decimal("1.98")
    assert fig.prior_value == Decimal("3.03")
    assert fig.change == Decimal("-1.05")
    # 1.98 / 3.03 − 1 = −34.65…%
    assert fig.growth_pct.quantize(Decimal("0.01")) == Decimal("-34.65")
    assert fig.text == "闲置楼宇面积1.98万平方米，同比下降34.7%"
    assert fig.formula.startswith("闲置楼宇面积")
    (current, prior) = fig.inputs[:2]
    assert (current.kind, current.period, prior.period) == ("ledger", Q3, Q3_2016)
    assert len(current.records) == 13
    first = current.records[0]
    assert first["label"] == "中元科技创新创业园 l201（1200平方米）"
    assert first["value"] == "0.12"
    assert first["url"].startswith("/backoffice/carriers/buildings/")
    assert sum(Decimal(r["value"]) for r in current.records) == Decimal("1.98")
    assert len(prior.records) == 16


def test_a_unit_below_the_zone_counts_its_own_buildings(zone):
    fig = figure(CHANGHE, Q3)  # 长河街道: 中元科技创新创业园
    assert (fig.value, fig.prior_value) == (Decimal("0.76"), Decimal("0.88"))
    town = figure("371471101", Q3)  # 赵虎镇: no buildings
    assert (town.value, town.prior_value) == (Decimal(0), Decimal(0))


def test_any_window_reads_the_status_at_its_end(zone):
    # 中元 o401 was let 2016-09-01 and released 2017-05-31; 孵化中心 entered 2017-03-01.
    # 2017-05-31: 中元 8800 (o401 released that day) + 鑫星 6400 + A区 7500 + 孵化中心 1800
    assert figure(ZONE, "2017-05").value == Decimal("2.45")
    # 2017-02-28: 中元 8800 + 鑫星 6400 + A区 10500, before the incubator entered
    assert figure(ZONE, "2017-02").value == Decimal("2.57")
    assert figure(ZONE, "2016-08").value == Decimal("3.11")  # o401 idle until 2016-09-01


def test_units_outside_the_zone_are_not_answered_by_the_ledger(zone):
    fig = figure("371400", Q3)  # the city: the ledger covers the zone only
    assert fig.value is None
    assert fig.missing == [{"field": "value", "reason": "德州市2017年前三季度没有数据。"}]


def test_the_ledger_answers_a_batch_in_three_queries(zone, django_assert_num_queries):
    orgs = [zone.units[c].pk for c in (ZONE, CHANGHE, "371471001", "371471102", "371471101")]
    windows = [(y * 100 + 1, y * 100 + m) for y in (2015, 2016, 2017) for m in range(1, 13)]
    with django_assert_num_queries(3):
        values = idle_area(orgs, windows)
    assert len(values) == len(orgs) * len(windows)
    assert values[(zone.zone.pk, (201701, 201709))].value == Decimal("1.98")


def test_the_engine_asks_the_ledger_once_for_many_figures(zone, django_assert_max_num_queries):
    requests = [
        FigureRequest(CODE, org, period)
        for org in (ZONE, CHANGHE, "371471001")
        for period in (Q3, "2017-06", "2017H1")
    ]
    with django_assert_max_num_queries(8):
        figures = compute(requests)
    assert [f.value for f in figures[:3]] == [Decimal("1.98"), Decimal("2.25"), Decimal("2.25")]


def test_a_move_after_the_window_does_not_change_it_and_a_new_unit_counts_from_its_entry(
    zone,
):
    w102 = BuildingUnit.objects.get(building__code="zhongyuan-park", code="w102")
    services.carrier_take(version=CURRENT, actor=None, carrier=w102, at=date(2017, 10, 8))
    assert figure(ZONE, Q3).value == Decimal("1.98")
    assert figure(ZONE, "2017-01/2017-10").value == Decimal("1.74")
    services.building_unit_create(
        actor=None,
        building=w102.building,
        code="o402",
        floor=4,
        floor_area_m2="1000",
        use="office",
        since=date(2017, 10, 9),
    )
    assert figure(ZONE, Q3).value == Decimal("1.98")
    assert figure(ZONE, "2017-01/2017-10").value == Decimal("1.84")


def test_the_demo_step_is_idempotent(zone):
    before = figure(ZONE, Q3).value
    load_carriers(io.StringIO())
    assert figure(ZONE, Q3).value == before
