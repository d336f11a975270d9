"""The engine converts the value rows it reads itself, and only those it reads
(`rows.unconverted`): what it computes from must be exactly what the ORM reads."""

from decimal import Decimal

import pytest

from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.engine import Batch, compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.stats import services
from kaifaqu.stats.models import DataValue

ZONE = "371471"


def _element(demo, code, **options):
    return services.element_create(
        actor=None,
        code=code,
        name_zh=code,
        name_en=code,
        unit="亿元",
        department=demo.departments["economy"],
        **options,
    )


def _save(demo, element, period, value, **kw):
    kw.setdefault("version", CURRENT)  # these tests are not about the version
    return services.value_save(
        actor=demo.economy,
        element=element,
        org_unit=demo.zone,
        period=period,
        value=value,
        **kw,
    )


def test_inputs_are_exactly_what_the_orm_reads(demo):
    element = _element(demo, "exact_flow", decimals=6)
    # Eighteen significant digits: more than SQLite's REAL keeps, so the conversion of the
    # stored number (Django's: 15 digits, then the field's places) shows in the last ones.
    _save(demo, element, "2016", "98765.432101", source="2016 yearbook")
    _save(
        demo,
        element,
        "2017",
        "123456789012.123456",
        comparable_prior="0.000001",
        reported_growth_pct="7.3",
        status="preliminary",
    )
    (figure,) = compute([FigureRequest("exact_flow", ZONE, "2017")])
    assert len(figure.inputs) == 2
    for given in figure.inputs:
        read = DataValue.objects.select_related("entered_by").get(pk=given.value_id)
        assert str(given.value) == str(read.value)  # the same digits and the same exponent
        assert given.entered_at == read.entered_at
        assert given.entered_at.utcoffset() == read.entered_at.utcoffset()
        assert given.entered_by == read.entered_by.username == demo.economy.username
        assert (given.status, given.source, given.period) == (read.status, read.source, read.period)
    current = DataValue.objects.get(element=element, period="2017")
    assert figure.value == current.value
    assert figure.prior_value == current.comparable_prior == Decimal("0.000001")
    assert figure.prior_basis == "comparable"
    assert figure.status == "preliminary"


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ({"2017-06": "6", "2017-04/2017-06": "46", "2017-03": "3"}, "6"),
        ({"2017-04/2017-06": "46", "2017-03": "3"}, "46"),
        ({"2017-02/2017-06": "26", "2017-04/2017-06": "46"}, "46"),
        ({"2017-01/2017-06": "16", "2017-06": "6"}, "16"),  # entered for the window itself
        ({"2017-03": "3", "2017-07": "7"}, None),
    ],
)
def test_a_stock_is_its_latest_value_ending_with_the_window(demo, periods, expected):
    element = _element(demo, "stock_level", time_aggregation="last")
    for period, value in periods.items():
        _save(demo, element, period, value)
    (figure,) = compute([FigureRequest("stock_level", ZONE, "2017H1")])
    assert figure.value == (None if expected is None else Decimal(expected))


def test_rows_are_converted_only_as_far_as_they_are_read(demo):
    element = _element(demo, "lazy_flow")
    for period in [*(f"2016-{m:02d}" for m in range(1, 13)), "2017-01", "2017-02", "2017-03"]:
        _save(demo, element, period, 1)
    city_element = _element(demo, "city_flow")
    for period in ("2016Q1", "2017Q1"):
        services.value_save(
            version=CURRENT,
            actor=None,
            element=city_element,
            org_unit=demo.city,
            period=period,
            value=10,
        )
    batch = Batch(
        [FigureRequest("lazy_flow", ZONE, "2017Q1"), FigureRequest("city_flow", "371400", "2017Q1")]
    )
    figure = batch.figure(batch.requests[0])
    # Fetched: every month from 2015-01 to 2017-03; read: the quarter and a year before.
    assert len([key for key in batch.values if key[0] == element.pk]) == 15
    read = DataValue.objects.filter(
        element=element, month_from__in=[201601, 201602, 201603, 201701, 201702, 201703]
    )
    assert set(batch._amounts_of) == {v.pk for v in read} == {i.value_id for i in figure.inputs}
    assert set(batch._inputs) == {v.pk for v in read}
    # Read for the arithmetic, shown by no figure: its numbers are converted, nothing else.
    (pk, *_rest) = batch.values[(city_element.pk, demo.city.pk, 201701, 201703)]
    assert batch.resolve("city_flow", demo.city.pk, (201701, 201703)).value == Decimal(10)
    assert pk in batch._amounts_of
    assert pk not in batch._inputs
