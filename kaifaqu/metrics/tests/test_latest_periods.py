"""metrics.selectors.latest_periods: the latest window from January with a stored value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.selectors import latest_periods, metric_definitions
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement

pytestmark = pytest.mark.django_db


def test_latest_window_per_metric(demo):
    found = latest_periods("371471", ["gdp", "trade", "hightech_share", "projects_signed"])
    # GDP is out for 前三季度, trade and the high-tech share to August; a ledger metric has
    # no stored values.
    assert found == {
        "gdp": "2017-01/2017-09",
        "trade": "2017-01/2017-08",
        "hightech_share": "2017-01/2017-08",
    }


def test_a_single_month_does_not_count_and_a_full_year_wins(demo):
    gdp = DataElement.objects.get(code="gdp")
    for period in ("2017-11", "2017"):
        services.value_save(
            version=CURRENT,
            actor=None,
            element=gdp,
            org_unit=demo.zone,
            period=period,
            value=Decimal("1"),
            status="preliminary",
        )
        if period == "2017-11":
            assert latest_periods("371471", ["gdp"]) == {"gdp": "2017-01/2017-09"}
    assert latest_periods("371471", ["gdp"]) == {"gdp": "2017"}


def test_definitions_carry_both_names(demo):
    defined = metric_definitions(["gdp", "projects_signed"])
    assert (defined["gdp"].name_zh, defined["gdp"].name_en) == (
        "地区生产总值",
        "Gross regional product",
    )
    assert defined["projects_signed"].unit == "个"
