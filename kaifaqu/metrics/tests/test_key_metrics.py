"""The zone's key figures: chosen by its administrator (a page through the service,
audited), filled by the demo, led with by the dashboard and the portal; their exact values,
trends and charts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kaifaqu.core.models import AuditEntry
from kaifaqu.metrics import services
from kaifaqu.metrics.charts import growth_against_city_chart, trend_chart
from kaifaqu.metrics.demo import KEY_METRICS
from kaifaqu.metrics.keyfigures import TrendPoint, dashboard_figures
from kaifaqu.metrics.selectors import key_metric_codes

URL = "/backoffice/figures/key/"


def last_audit():
    return AuditEntry.objects.order_by("-seq").first()


def form_data(*codes: str) -> dict[str, str]:
    return {f"metric_{place}": code for place, code in enumerate(codes, start=1)}


# --- the list, as data -------------------------------------------------------------------


def test_the_demo_fills_the_zones_key_metrics(demo):
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)
    assert key_metric_codes(demo.city.code) == []


def test_the_zone_administrator_sets_them_in_order_audited(demo, english):
    codes = services.key_metrics_set(
        actor=demo.admin, org_unit=demo.zone, codes=["trade", "gdp", "projects_signed"]
    )
    assert codes == ["trade", "gdp", "projects_signed"]
    assert key_metric_codes(demo.zone.code) == ["trade", "gdp", "projects_signed"]
    entry = last_audit()
    assert (entry.action, entry.actor_username, entry.object_type, entry.object_id) == (
        "update",
        "admin",
        "orgs.orgunit",
        str(demo.zone.pk),
    )
    assert entry.before == {"key_metrics": list(KEY_METRICS)}
    assert entry.after == {"key_metrics": ["trade", "gdp", "projects_signed"]}


def test_the_same_list_again_writes_nothing(demo):
    mark = last_audit().seq
    services.key_metrics_set(actor=demo.admin, org_unit=demo.zone, codes=list(KEY_METRICS))
    assert last_audit().seq == mark


@pytest.mark.parametrize("who", ["leader", "economy", "sysadmin"])
def test_only_a_zone_administrator_chooses_them(demo, english, who):
    mark = last_audit().seq
    with pytest.raises(PermissionDenied) as refused:
        services.key_metrics_set(actor=demo.users[who], org_unit=demo.zone, codes=["gdp"])
    assert str(refused.value) == "Only zone administrators choose the key figures."
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)
    assert last_audit().seq == mark


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ([], "Choose at least one key figure."),
        (["gdp", "trade", "gdp"], "gdp is chosen twice: each key figure once."),
        (["gdp", "no_such_metric"], "No metric is called no_such_metric."),
        ([f"m{i}" for i in range(9)], "Choose at most 8 key figures."),
    ],
)
def test_a_bad_list_is_refused_with_its_message_and_changes_nothing(demo, english, codes, message):
    mark = last_audit().seq
    with pytest.raises(ValidationError) as refused:
        services.key_metrics_set(actor=demo.admin, org_unit=demo.zone, codes=codes)
    assert refused.value.message_dict == {"metrics": [message]}
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)
    assert last_audit().seq == mark


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_the_list_and_saves_a_new_one(demo, as_user):
    client = as_user("admin")
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert [form.initial.get(f"metric_{p}") for p in range(1, 9)] == [*KEY_METRICS, None, None]
    choices = dict(form.fields["metric_1"].choices)
    assert choices["gdp"] == "Gross regional product (gdp)"
    assert choices["projects_signed"].endswith("(projects_signed)")
    assert choices[""] == "(none)"

    response = client.post(URL, form_data("hightech_share", "", "gdp"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert key_metric_codes(demo.zone.code) == ["hightech_share", "gdp"]
    assert last_audit().after == {"key_metrics": ["hightech_share", "gdp"]}
    messages = [str(m) for m in client.get(reverse("core:dashboard")).context["messages"]]
    assert messages == ["Key figures saved."]


def test_the_page_refuses_a_repeated_figure_with_its_message(demo, as_user, english):
    client = as_user("admin")
    mark = last_audit().seq
    response = client.post(URL, form_data("gdp", "trade", "gdp"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "gdp is chosen twice: each key figure once."
    ]
    assert "gdp is chosen twice: each key figure once." in response.content.decode()
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)
    assert last_audit().seq == mark


def test_the_page_refuses_an_empty_first_place_and_an_unknown_code(demo, as_user, english):
    client = as_user("admin")
    response = client.post(URL, form_data("", "gdp"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"metric_1": ["This field is required."]}
    response = client.post(URL, form_data("nonsense"))
    assert response.context["form"].errors["metric_1"] == [
        "Select a valid choice. nonsense is not one of the available choices."
    ]
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)


@pytest.mark.parametrize("who", ["leader", "economy", "investment", "sysadmin", "auditadmin"])
def test_the_page_is_refused_to_anyone_else(demo, as_user, who):
    client = as_user(who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data("gdp")).status_code == 403
    assert key_metric_codes(demo.zone.code) == list(KEY_METRICS)


def test_the_portal_follows_the_zones_choice(demo, client):
    services.key_metrics_set(actor=demo.admin, org_unit=demo.zone, codes=["trade", "gdp"])
    response = client.get(reverse("portal:home"))
    assert [k.figure.metric for k in response.context["key_figures"]] == ["trade", "gdp"]


def test_a_zone_with_no_key_metric_shows_none(demo, client):
    from kaifaqu.metrics.models import KeyMetric

    KeyMetric.objects.all().delete()
    assert client.get(reverse("portal:home")).context["key_figures"] == []
    assert dashboard_figures(demo.zone.code) == []


# --- the figures, their trends and the charts --------------------------------------------


def test_the_dashboards_key_figures_exactly(demo):
    figures = dashboard_figures(demo.zone.code)
    rows = [
        (k.figure.metric, k.figure.period, k.value, k.change, k.status_label, k.url)
        for k in figures
    ]
    base = "/backoffice/figures/figure/?metric={}&org=371471&period=2017-01%2F2017-0{}"
    assert rows == [
        ("gdp", "2017-01/2017-09", "185亿元", "同比增长8.0%", "预计", base.format("gdp", 9)),
        (
            "industrial_va",
            "2017-01/2017-08",
            "102亿元",
            "同比增长8.1%",
            "预计",
            base.format("industrial_va", 8),
        ),
        ("trade", "2017-01/2017-08", "34.4亿元", "同比增长72.1%", "正式", base.format("trade", 8)),
        (
            "hightech_share",
            "2017-01/2017-08",
            "33.7%",
            "比去年同期提高1.98个百分点",
            "正式",
            base.format("hightech_share", 8),
        ),
        (
            "projects_signed",
            "2017-01/2017-09",
            "50个",
            "比去年同期增加14个",
            "正式",
            base.format("projects_signed", 9),
        ),
        (
            "contract_investment_signed",
            "2017-01/2017-09",
            "192亿元",
            "同比增长326.7%",
            "正式",
            base.format("contract_investment_signed", 9),
        ),
    ]
    gdp = figures[0]
    assert gdp.trend == (
        TrendPoint("2013-01/2013-09", "2013年前三季度", None),
        TrendPoint("2014-01/2014-09", "2014年前三季度", None),
        TrendPoint("2015-01/2015-09", "2015年前三季度", None),
        TrendPoint("2016-01/2016-09", "2016年前三季度", Decimal("171.3")),
        TrendPoint("2017-01/2017-09", "2017年前三季度", Decimal("185")),
    )
    assert {k.figure.metric: k.city.org for k in figures if k.city} == dict.fromkeys(
        KEY_METRICS, "371400"
    )
    city = figures[1].city
    assert city is not None
    assert city.growth_pct == Decimal("7.2")


def test_a_department_gets_the_figures_of_the_metrics_it_keeps(demo):
    economy = frozenset({demo.departments["economy"].pk})
    finance = frozenset({demo.departments["finance"].pk})
    shown = dashboard_figures(demo.zone.code, departments=economy)
    assert [k.figure.metric for k in shown] == ["gdp", "industrial_va", "trade", "hightech_share"]
    assert dashboard_figures(demo.zone.code, departments=finance) == []


def test_the_growth_against_the_city_chart_exactly(demo, english):
    spec = growth_against_city_chart(dashboard_figures(demo.zone.code))
    assert spec is not None
    assert spec["title"]["text"] == "Growth against the city (%)"
    # The key figures with a growth (the high-tech share is a rate: it has none); the city's
    # growth only where the city has one for the period (industrial value added, 1—8月).
    assert spec["xAxis"]["data"] == [
        "地区生产总值",
        "工业增加值",
        "外贸进出口总额",
        "新签约项目",
        "合同投资额",
    ]
    assert [(s["name"], s["data"]) for s in spec["series"]] == [
        ("德州经济技术开发区", [8.0, 8.1, 72.1, 38.9, 326.7]),
        ("德州市", [None, 7.2, None, None, None]),
    ]


def test_the_trend_chart_exactly(demo):
    gdp, industrial = dashboard_figures(demo.zone.code)[:2]
    spec = trend_chart(gdp)
    assert spec is not None
    assert spec["xAxis"]["data"] == [
        "2013年前三季度",
        "2014年前三季度",
        "2015年前三季度",
        "2016年前三季度",
        "2017年前三季度",
    ]
    assert spec["series"][0]["data"] == [None, None, None, 171.3, 185.0]
    assert trend_chart(industrial) is None  # one value: no line to draw
