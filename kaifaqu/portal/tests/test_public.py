"""The public pages, anonymous: figures from the engine, the policy library, carriers on
offer, contact; text escaped."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kaifaqu.carriers.models import BuildingUnit, CarrierStatus, LandParcel
from kaifaqu.core.versioning import CURRENT
from kaifaqu.metrics.selectors import figure_batch
from kaifaqu.portal import services
from kaifaqu.portal.categories import Category
from kaifaqu.portal.figures import key_figure_requests
from kaifaqu.portal.models import Policy, PolicyStatus

pytestmark = pytest.mark.django_db


def test_home_figures_equal_the_engine_for_the_same_period(client, demo):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    shown = response.context["key_figures"]
    requests, _ = key_figure_requests(demo.zone.code)
    engine = {f.metric: f for f in figure_batch(requests) if f.value is not None}
    assert [k.figure.metric for k in shown] == list(engine)
    for k in shown:
        expected = engine[k.figure.metric]
        assert (k.figure.period, k.figure.value, k.figure.growth_pct, k.figure.status) == (
            expected.period,
            expected.value,
            expected.growth_pct,
            expected.status,
        )
    by_metric = {k.figure.metric: k for k in shown}
    # GDP: 前三季度 185亿元 (预计), +8.0% at comparable prices; trade to August 34.4亿元 +72.1%.
    assert by_metric["gdp"].figure.period == "2017-01/2017-09"
    assert by_metric["gdp"].value == "185亿元"
    assert by_metric["gdp"].change == "同比增长8.0%"
    assert by_metric["gdp"].figure.status == "estimate"
    assert by_metric["trade"].figure.period == "2017-01/2017-08"
    assert by_metric["trade"].change == "同比增长72.1%"
    assert by_metric["hightech_share"].value == "33.7%"
    assert by_metric["hightech_share"].change == "比去年同期提高1.98个百分点"
    html = response.content.decode()
    assert 'data-figure="gdp" data-period="2017-01/2017-09" data-value="185' in html
    assert 'data-chart="chart-growth"' in html


def test_home_in_english(english_client, demo):
    response = english_client.get(reverse("portal:home"))
    gdp = {k.figure.metric: k for k in response.context["key_figures"]}["gdp"]
    assert (gdp.name, gdp.value, gdp.change) == (
        "Gross regional product",
        "18.5 billion yuan",
        "up 8.0% year on year",
    )
    assert gdp.figure.period_label == "Q1–Q3 2017"


@pytest.mark.parametrize(
    "name",
    [
        "portal:home",
        "portal:towns",
        "portal:industries",
        "portal:policies",
        "portal:carriers",
        "portal:contact",
    ],
)
def test_public_pages_open_to_anyone_with_the_footer(client, demo, name, settings):
    settings.KAIFAQU_HOTLINE = "400-168-6016"
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:400-168-6016"' in html
    for code in Category.values:
        assert f'data-category="{code}"' in html
    assert 'name="viewport"' in html


def test_hotline_is_configurable(client, demo, settings):
    settings.KAIFAQU_HOTLINE = "0534-1234567"
    html = client.get(reverse("portal:contact")).content.decode()
    assert 'data-testid="contact-hotline">0534-1234567<' in html


def test_towns_and_industries_show_the_data(client, demo):
    html = client.get(reverse("portal:towns")).content.decode()
    assert "赵虎镇" in html
    assert "长河街道" in html
    industries = client.get(reverse("portal:industries")).context["industries"]
    assert [i.name for i in industries] == ["新能源", "生物技术", "高端装备制造", "节能环保"]


def test_policy_library_lists_published_policies_and_filters(client, demo):
    response = client.get(reverse("portal:policies"))
    assert response.context["page_obj"].paginator.count == 7
    land = client.get(reverse("portal:policies"), {"category": Category.LAND_BUILDINGS})
    assert {p.category for p in land.context["policies"]} == {Category.LAND_BUILDINGS}
    assert land.context["page_obj"].paginator.count == 2
    found = client.get(reverse("portal:policies"), {"q": "培训券"})
    assert [p.title for p in found.context["policies"]] == [
        "德州经济技术开发区企业培训券发放使用办法（示例）"
    ]
    # The two with an end date (2017-06-30, 2019-12-31) have expired.
    in_force = client.get(reverse("portal:policies"), {"in_force": "1"})
    assert in_force.context["page_obj"].paginator.count == 5


def test_policy_list_queries_do_not_grow(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:policies"))


def _policy(demo, **kw):
    fields = {
        "department": demo.departments["investment"],
        "category": Category.OTHER,
        "title": "<script>alert(1)</script>测试政策",
        "issuer": "管委会",
        "issued_on": date(2017, 1, 1),
        "valid_from": date(2017, 1, 1),
        "body": "第一段<b>粗</b>\n\n第二段",
    }
    fields.update(kw)
    return services.policy_create(actor=None, **fields)


def test_policy_page_escapes_text_and_hides_drafts(client, demo):
    policy = _policy(demo)
    assert client.get(reverse("portal:policy", args=[policy.pk])).status_code == 404
    services.policy_publish(version=CURRENT, actor=None, policy=policy)
    html = client.get(reverse("portal:policy", args=[policy.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;测试政策" in html
    assert "<p>第一段&lt;b&gt;粗&lt;/b&gt;</p><p>第二段</p>" in html


def test_withdrawn_policy_leaves_the_list_and_says_so(client, demo):
    policy = Policy.objects.filter(status=PolicyStatus.PUBLISHED).first()
    services.policy_withdraw(version=CURRENT, actor=None, policy=policy, reason="已被新政策替代")
    listed = client.get(reverse("portal:policies")).context["page_obj"].paginator.count
    assert listed == 6
    response = client.get(reverse("portal:policy", args=[policy.pk]))
    assert response.status_code == 200
    assert 'data-testid="withdrawn"' in response.content.decode()
    assert "已被新政策替代" in response.content.decode()
    assert 'data-testid="policy-text"' not in response.content.decode()


def test_carriers_on_offer_are_the_idle_ones(client, demo):
    response = client.get(reverse("portal:carriers"))
    idle = LandParcel.objects.filter(status=CarrierStatus.IDLE).count() + (
        BuildingUnit.objects.filter(status=CarrierStatus.IDLE).count()
    )
    assert response.context["page_obj"].paginator.count == idle
    land = client.get(reverse("portal:carriers"), {"kind": "land"})
    assert {i.kind for i in land.context["page_obj"].paginator.object_list} == {"land"}


def test_carrier_filters_by_town_and_area(client, demo):
    zhaohu = demo.units["371471101"]
    response = client.get(
        reverse("portal:carriers"), {"kind": "land", "town": zhaohu.code, "min_area": "30"}
    )
    items = response.context["page_obj"].paginator.object_list
    expected = LandParcel.objects.filter(
        status=CarrierStatus.IDLE, org_unit=zhaohu, area_mu__gte=30
    ).count()
    assert len(items) == expected
    assert all(i.area >= 30 for i in items)
    bad = client.get(reverse("portal:carriers"), {"min_area": "abc", "kind": "x"})
    assert bad.status_code == 200


def test_carrier_detail_shows_an_idle_carrier_only(client, demo):
    idle = LandParcel.objects.filter(status=CarrierStatus.IDLE).first()
    response = client.get(reverse("portal:carrier", args=["land", idle.pk]))
    assert response.status_code == 200
    assert 'data-testid="no-photo"' in response.content.decode()
    taken = LandParcel.objects.exclude(status=CarrierStatus.IDLE).first()
    assert client.get(reverse("portal:carrier", args=["land", taken.pk])).status_code == 404
    assert client.get(reverse("portal:carrier", args=["moon", idle.pk])).status_code == 404


def test_carrier_list_queries_do_not_grow(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        client.get(reverse("portal:carriers"))
