"""The period every form starts at: the latest cumulative window with a stored value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifaqu.core.periods import parse
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataElement, DataValue
from kaifaqu.stats.selectors import latest_period


@pytest.mark.django_db
def test_nothing_stored_means_no_period(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert latest_period() is None


def _store(element: DataElement, unit: OrgUnit, period: str) -> None:
    p = parse(period)
    DataValue.objects.create(
        element=element,
        org_unit=unit,
        period=str(p),
        month_from=p.first_key,
        month_to=p.last_key,
        value=Decimal("1"),
    )


def test_latest_cumulative_window_wins_and_single_months_do_not_count(
    demo, django_assert_num_queries
):
    zone = OrgUnit.objects.get(code="371471")
    element = DataElement.objects.get(code="gdp")
    with django_assert_num_queries(1):
        demo_latest = latest_period()
    assert str(demo_latest) == "2017-01/2017-09"
    _store(element, zone, "2031-05")  # a single month is not a window counted from January
    assert str(latest_period()) == "2017-01/2017-09"
    _store(element, zone, "2031H1")
    with django_assert_num_queries(1):
        assert str(latest_period()) == "2031H1"
    assert str(latest_period("371471")) == "2031H1"
    assert latest_period("nowhere") is None


@pytest.mark.django_db
def test_with_nothing_stored_a_field_starts_at_the_year_to_date_of_the_day_given():
    from datetime import date

    from kaifaqu.stats.selectors import period_to_start

    DataValue.objects.all().delete()  # rolled back; the module's demo may be loaded already
    assert str(period_to_start(today=date(2026, 8, 15))) == "2026-01/2026-08"


def test_a_field_starts_at_the_latest_period_whatever_the_day(demo):
    from datetime import date

    from kaifaqu.stats.selectors import period_to_start

    assert str(period_to_start(today=date(2026, 8, 15))) == "2017-01/2017-09"
