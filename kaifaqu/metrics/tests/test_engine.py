from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.metrics import registry
from kaifaqu.metrics.engine import compute
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue

ZONE = "371471"


@pytest.fixture
def flow(demo):
    """A monthly flow element kept by 经济发展局, with no values yet."""
    return services.element_create(
        actor=None,
        code="power_use",
        name_zh="全社会用电量",
        name_en="Power use",
        unit="亿元",
        department=demo.departments["economy"],
        decimals=2,
    )


def _save(element, period, value, org=ZONE, **kw):
    kw.setdefault("version", CURRENT)  # these tests are not about the version
    return services.value_save(
        actor=None,
        element=element,
        org_unit=OrgUnit.objects.get(code=org),
        period=period,
        value=value,
        **kw,
    )


def test_months_add_up_into_any_window(flow):
    for month, value in enumerate(["1.5", "2", "2.25"], start=1):
        _save(flow, f"2017-{month:02d}", value)
    with translation.override("zh-hans"):
        (q1, window) = compute(
            [
                FigureRequest("power_use", ZONE, "2017Q1"),
                FigureRequest("power_use", ZONE, "2017-01/2017-02"),
            ]
        )
    assert q1.value == Decimal("5.75")
    assert window.value == Decimal("3.5")
    assert q1.formula == "全社会用电量：各月之和"


def test_a_value_entered_for_the_window_wins_over_the_months(flow):
    for month in (1, 2, 3):
        _save(flow, f"2017-{month:02d}", "1")
    _save(flow, "2017Q1", "3.2", source="the bureau's published quarter")
    (figure,) = compute([FigureRequest("power_use", ZONE, "2017Q1")])
    assert figure.value == Decimal("3.2")
    assert [i.source for i in figure.inputs] == ["the bureau's published quarter"]


def test_a_window_with_a_month_missing_is_missing(flow):
    _save(flow, "2017-01", "1")
    _save(flow, "2017-03", "1")
    (figure,) = compute([FigureRequest("power_use", ZONE, "2017Q1")])
    assert figure.value is None
    assert figure.missing[0]["field"] == "value"


def test_a_comparable_base_is_used_and_named(flow):
    _save(flow, "2016", "100")
    _save(flow, "2017", "120", comparable_prior="110")
    (figure,) = compute([FigureRequest("power_use", ZONE, "2017")])
    assert figure.prior_basis == "comparable"
    assert figure.prior_value == Decimal("110")
    assert figure.growth_pct.quantize(Decimal("0.0001")) == Decimal("9.0909")


def test_an_edit_from_a_stale_version_is_refused(demo, flow):
    value = _save(flow, "2017", "1")
    services.value_save(
        actor=demo.economy,
        element=flow,
        org_unit=value.org_unit,
        period="2017",
        value="2",
        version=1,
    )
    with pytest.raises(ConcurrentEditError):
        services.value_save(
            actor=demo.economy,
            element=flow,
            org_unit=value.org_unit,
            period="2017",
            value="3",
            version=1,
        )
    assert DataValue.objects.get(pk=value.pk).value == Decimal("2")


def test_only_the_owning_department_enters_values(demo, flow):
    with pytest.raises(PermissionDenied):
        _save_as(demo.investment, flow)
    assert not DataValue.objects.filter(element=flow).exists()


def _save_as(actor, element):
    zone = OrgUnit.objects.get(code=ZONE)
    return services.value_save(
        version=CURRENT, actor=actor, element=element, org_unit=zone, period="2017", value="1"
    )


def test_re_entering_the_same_value_changes_nothing(flow):
    first = _save(flow, "2017", "1.50")
    again = _save(flow, "2017", "1.5")
    assert again.version == first.version == 1


def test_a_bad_period_is_refused_with_its_message(flow):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _save(flow, "2017Q5", "1")
    assert "2017Q5" in caught.value.message_dict["period"][0]


def test_a_ledger_metric_counts_records_and_falls_back_to_imported_values(demo):
    """A ledger function defined here stands for the ledgers of later packages."""
    zone = OrgUnit.objects.get(code=ZONE)
    calls = []

    def signed_projects(org_ids, windows):
        calls.append((list(org_ids), list(windows)))
        out = {}
        for window in windows:
            count = {(201701, 201709): 50, (201601, 201609): 36}.get(window)
            if count is not None:
                records = tuple(registry.LedgerRecord(f"项目{i}", f"/p/{i}") for i in range(count))
                out[(zone.pk, window)] = registry.LedgerValue(Decimal(count), records, "签约项目数")
        return out

    metric = registry.Metric(
        code="projects_signed_test",
        name_zh="新签约项目",
        name_en="Projects signed",
        unit="个",
        decimals=0,
        time_aggregation="none",
        ledger=signed_projects,
    )
    registry.register_ledger_metric(metric)
    try:
        (figure,) = compute([FigureRequest("projects_signed_test", ZONE, "2017-01/2017-09")])
    finally:
        registry.unregister_ledger_metric("projects_signed_test")
    assert len(calls) == 1  # one call for the whole batch
    assert figure.value == Decimal("50")
    assert figure.prior_value == Decimal("36")
    # 50 against 36 is +38.9% half up; the seed prints 38.8%.
    assert figure.growth_pct.quantize(Decimal("0.1")) == Decimal("38.9")
    assert figure.inputs[0].kind == "ledger"
    assert len(figure.inputs[0].records) == 50
    assert figure.text == "新签约项目50个，比去年同期增加14个"


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
        min_size=12,
        max_size=12,
    ),
    last=st.integers(min_value=1, max_value=12),
)
def test_any_window_is_the_sum_of_its_months(demo, values, last):
    element = DataElement.objects.filter(code="prop_flow").first() or services.element_create(
        actor=None,
        code="prop_flow",
        name_zh="测试流量",
        name_en="Test flow",
        unit="亿元",
        department=demo.departments["economy"],
    )
    for month, value in enumerate(values, start=1):
        _save(element, f"2019-{month:02d}", value)
    period = f"2019-01/2019-{last:02d}" if last > 1 else "2019-01"
    (figure,) = compute([FigureRequest("prop_flow", ZONE, period)])
    assert figure.value == sum(values[:last], Decimal(0))
