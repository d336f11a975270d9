"""The carriers' vacancy charts, exactly, from the demo: on the dashboard and on the
carriers page, scoped to the reader."""

from __future__ import annotations

import pytest

from kaifaqu.carriers import selectors
from kaifaqu.carriers.charts import land_chart, vacancy_chart
from kaifaqu.carriers.dashboard import vacancy_charts


@pytest.fixture(autouse=True)
def _english(english):
    pass


def test_the_vacancy_chart_stacks_each_use_by_status(demo):
    spec = vacancy_chart(selectors.unit_area_by_use(demo.leader))
    assert spec is not None
    assert spec["title"]["text"] == "Building units: vacant and taken (m²)"
    assert spec["xAxis"]["data"] == ["Factory", "Office", "Laboratory", "Warehouse", "Retail"]
    assert [(s["name"], s["stack"], s["data"]) for s in spec["series"]] == [
        ("Idle", "area", [8400.0, 5600.0, 1800.0, 0.0, 0.0]),
        ("Reserved", "area", [0.0, 0.0, 1200.0, 1500.0, 0.0]),
        ("Let", "area", [7800.0, 4400.0, 0.0, 0.0, 900.0]),
        ("Sold", "area", [3000.0, 1600.0, 0.0, 0.0, 0.0]),
    ]
    # The vacant area is the zone's idle floor area the carriers page states.
    assert sum(spec["series"][0]["data"]) == float(selectors.vacancy(demo.leader).idle_area_m2)


def test_the_land_chart_has_no_let_land(demo):
    spec = land_chart(selectors.land_area_by_use(demo.leader))
    assert spec is not None
    assert spec["xAxis"]["data"] == ["Industrial", "Commercial", "Residential", "Mixed use"]
    assert [(s["name"], s["data"]) for s in spec["series"]] == [
        ("Idle", [140.0, 25.0, 0.0, 45.0]),
        ("Reserved", [95.0, 30.0, 0.0, 0.0]),
        ("Sold", [270.0, 0.0, 40.0, 0.0]),
    ]


def test_a_reader_of_no_carrier_gets_no_chart(demo):
    assert selectors.unit_area_by_use(demo.economy) == []
    assert vacancy_chart([]) is None
    assert vacancy_charts(demo.economy) == []


def test_the_carriers_page_carries_the_vacancy_charts(demo, as_user):
    response = as_user(demo.investment).get("/backoffice/carriers/")
    assert response.status_code == 200
    assert [c.key for c in response.context["vacancy_charts"]] == ["vacancy", "land"]
    html = response.content.decode()
    assert 'data-testid="vacancy-charts"' in html
    assert 'data-chart="chart-vacancy"' in html
    assert '<script id="chart-vacancy" type="application/json">' in html
    assert '<script id="chart-land" type="application/json">' in html
