"""The figure pages (issue 13, items 2 and 4): a figure's series and structure as charts built
from one batch of the engine, the figures list as a table or charts, notes said once, numbers
at the metric's decimals and statuses, bases and sources in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kaifaqu.core.periods import parse
from kaifaqu.metrics import charts
from kaifaqu.metrics.figures import FigureRequest
from kaifaqu.metrics.selectors import figure_notes, figure_series, figures
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import services as stats_services
from kaifaqu.stats.models import DataElement

ZONE = "371471"
LIST = reverse("metrics:list")


def detail(metric: str, period: str, org: str = ZONE) -> str:
    return reverse("metrics:detail") + f"?metric={metric}&org={org}&period={period}"


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


# -- which periods a series shows -------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "shown"),
    [
        ("2017-01/2017-09", [f"2017-01/2017-{m:02d}" for m in range(2, 10)]),
        ("2017-08", [f"2017-{m:02d}" for m in range(1, 9)]),
        ("2017Q3", ["2017Q1", "2017Q2", "2017Q3"]),
        ("2017H2", ["2017H1", "2017H2"]),
        ("2017", ["2013", "2014", "2015", "2016", "2017"]),
        ("2017-03/2017-05", ["2017-03", "2017-04", "2017-05"]),
    ],
)
def test_a_series_shows_periods_of_the_figures_kind(period, shown):
    assert [str(p) for p in charts.series_periods(parse(period))] == shown


# -- the series and structure charts ----------------------------------------------------


def test_the_series_chart_of_the_gdp_is_this_years_windows_beside_last_years(demo, zh):
    series = figure_series(FigureRequest("gdp", ZONE, "2017-01/2017-09"))
    spec = charts.series_chart(series.figure, series.periods, series.this_year, series.last_year)
    assert spec is not None
    assert spec["title"]["text"] == "地区生产总值分期走势"
    assert spec["xAxis"]["data"] == [
        "1—2月", "1—3月", "1—4月", "1—5月", "1—6月", "1—7月", "1—8月", "1—9月"
    ]  # fmt: skip
    assert spec["yAxis"]["name"] == "亿元"
    assert [(s["name"], s["data"]) for s in spec["series"]] == [
        ("2017年", [None, None, None, None, None, None, 164.0, 185.0]),
        ("2016年", [None, None, None, None, None, None, 151.0, 171.3]),
    ]
    assert spec["toolbox"]["feature"]["saveAsImage"] == {
        "type": "png",
        "name": "地区生产总值-德州经济技术开发区-2017-01_2017-09",
        "title": "保存为PNG图片",
        "pixelRatio": 2,
        "backgroundColor": "#ffffff",
    }


def test_a_series_without_any_value_draws_no_chart(demo, zh):
    series = figure_series(FigureRequest("gdp", ZONE, "2017"))
    assert [str(p) for p in series.periods] == ["2013", "2014", "2015", "2016", "2017"]
    assert series.last_year == []
    assert charts.series_chart(series.figure, series.periods, series.this_year) is None


def test_the_structure_chart_gives_each_parts_share(demo, zh):
    (gdp,) = figures(ZONE, "2017-01/2017-08", ["gdp"])
    spec = charts.structure_chart(gdp)
    assert spec is not None
    assert spec["title"]["text"] == "地区生产总值构成（%）"
    assert spec["series"][0]["type"] == "pie"
    assert spec["series"][0]["data"] == [
        {"name": "第一产业增加值", "value": 2.4},
        {"name": "第二产业增加值", "value": 60.6},
        {"name": "第三产业增加值", "value": 37.0},
    ]


def test_no_structure_chart_when_a_part_has_no_share(demo, zh):
    (gdp,) = figures(ZONE, "2017-01/2017-09", ["gdp"])  # the parts are out to August only
    assert charts.structure_chart(gdp) is None


def test_the_series_is_one_batch_of_the_engine_whatever_the_number_of_periods(
    demo, django_assert_num_queries
):
    # The catalogue, the org tree, the values and the targets: four queries for one period
    # of the series or sixteen.
    for period, shown in (("2017Q1", 1), ("2017-08", 8)):
        with django_assert_num_queries(4):
            series = figure_series(FigureRequest("gdp", ZONE, period))
        assert (len(series.this_year), len(series.last_year)) == (shown, shown)


def test_the_figure_page_reads_in_a_bounded_number_of_queries(login, django_assert_num_queries):
    client = login("leader")
    client.get(detail("gdp", "2017-01/2017-08"))  # the session and the roles, read once
    # The request's session, user, second factor and roles; the engine's one batch for the
    # figure and its sixteen periods (4); the inputs' audit trail; the names of the org
    # units the inputs name (1); the menu's memberships. The same for a longer series.
    with django_assert_num_queries(16) as ran:
        response = client.get(detail("gdp", "2017-01/2017-08"))
    assert response.status_code == 200
    with django_assert_num_queries(len(ran.captured_queries)):
        assert client.get(detail("gdp", "2017-01/2017-09")).status_code == 200


def test_the_figure_page_carries_its_series_and_structure_charts(login):
    html = login("leader").get(detail("gdp", "2017-01/2017-08")).content.decode()
    assert 'data-chart="chart-series"' in html
    assert 'data-chart="chart-structure"' in html
    assert '<script id="chart-series" type="application/json">' in html
    assert "kaifaqu/charts.js" in html


def test_a_figure_link_without_a_unit_or_period_opens_the_zone_and_the_latest_period(login):
    response = login("leader").get(reverse("metrics:detail") + "?metric=gdp")
    assert response.status_code == 200
    figure = response.context["figure"]
    assert (figure.org, figure.period) == (ZONE, "2017-01/2017-09")


def test_a_figure_page_for_an_unknown_metric_says_so(login):
    response = login("leader").get(detail("nothing", "2017-01/2017-09"))
    assert response.status_code == 200
    assert response.context["notes"] == ["没有指标nothing。"]
    assert response.context["charts"] == {}


# -- notes said once ---------------------------------------------------------------------


def test_a_note_every_figure_shares_is_said_once_above_them(login):
    html = login("leader").get(LIST).content.decode()
    assert html.count("德州市本期没有数据，不显示占比和排位。") == 1
    assert "无法排位" not in html
    assert "德州市没有数据" not in html
    # what one figure lacks is said on it, once
    assert html.count("没有上年同期数据。") == 8
    # the figures without a value, in one line rather than the same sentence on each row
    assert (
        html.count(
            "以下指标本期没有数据：工业增加值、高新技术产业产值比重、外贸进出口总额、"
            "纳税过千万元企业、纳税过亿元企业、纳税过3亿元企业、纳税过500万元企业、"
            "纳税过100万元企业。"
        )
        == 1
    )
    assert "2017年前三季度没有数据" not in html


def test_the_grouped_note_in_english(as_user):
    html = as_user("leader").get(LIST).content.decode()
    assert html.count("德州市 has no data for this period — shares and ranks are not shown.") == 1
    assert "No rank" not in html


def test_a_page_where_no_figure_has_a_value_says_so_once(demo, english):
    figs = figures(ZONE, "2015", ["gdp", "trade"])
    notes = figure_notes(figs)
    assert notes.page == ["No value for 德州经济技术开发区 in 2015."]
    assert [notes.of(f) for f in figs] == [[], []]


def test_each_figure_says_each_missing_piece_once(demo, english):
    figs = figures(ZONE, "2017-01/2017-08", ["gdp", "hightech_share", "trade"])
    notes = figure_notes(figs)
    assert notes.page == []
    gdp, share, trade = (notes.of(f) for f in figs)
    assert gdp == [
        "Growth at comparable prices is reported with the value, and none was.",
        "德州市 has no data for this period — shares and ranks are not shown.",
    ]
    names = "德城区、陵城区、宁津县、庆云县、临邑县…"
    assert share == [f"No rank: 12 of 13 units have no figure ({names})."]
    assert trade == [
        "No growth for the same period last year.",
        f"No rank: 12 of 13 units have no figure ({names}).",
    ]


def test_the_figure_page_says_the_city_once(login):
    html = login("leader").get(detail("gdp", "2017-01/2017-09")).content.decode()
    assert html.count("德州市本期没有数据，不显示占比和排位。") == 1
    assert "无法排位" not in html


# -- numbers and words --------------------------------------------------------------------


def test_numbers_follow_the_metrics_decimals_and_codes_are_words(login):
    html = login("leader").get(detail("gdp", "2017-01/2017-08")).content.decode()
    for shown in ("164亿元", "151亿元", "3.94亿元", "60.6%", "+5.32"):
        assert shown in html
    assert "000000" not in html
    assert "公布数" in html
    assert "示例数据" in html
    assert "系统（加载演示数据）" in html
    for code in ("system:load_demo", "illustrative", "published", "estimate", "371471 ·"):
        assert code not in html


def test_a_rate_keeps_its_two_decimals(login):
    html = login("leader").get(detail("hightech_share", "2017-01/2017-08")).content.decode()
    assert "33.7%" in html
    assert "+1.98" in html
    assert "据公报（德州经济技术开发区2017年工作进展情况）" in html
    assert "seed" not in html


def test_statuses_in_the_readers_language(login, as_user):
    zh_html = login("leader").get(LIST).content.decode()
    assert '<span class="badge text-bg-warning">预计</span>' in zh_html
    assert '<span class="badge text-bg-success">正式</span>' in zh_html
    en_html = as_user("leader").get(detail("gdp", "2017-01/2017-09")).content.decode()
    assert '<dd class="col-6" data-testid="figure-status">Estimate</dd>' in en_html
    assert "Reported (comparable prices)" in en_html


# -- the figures list -----------------------------------------------------------------------


def test_the_list_opens_on_the_latest_period_with_data(login):
    client = login("leader")
    assert 'name="period" value="2017-01/2017-09"' in client.get(LIST).content.decode()
    stats_services.value_save(
        actor=None,
        element=DataElement.objects.get(code="gdp"),
        org_unit=OrgUnit.objects.get(code=ZONE),
        period="2017-01/2017-10",
        value=Decimal("205"),
        version=0,
    )
    html = client.get(LIST).content.decode()
    assert 'name="period" value="2017-01/2017-10"' in html
    assert "地区生产总值205亿元" in html


def test_the_list_picks_metrics_from_a_grouped_checkbox_list(login):
    html = login("leader").get(LIST).content.decode()
    assert 'multiple size="4"' not in html
    assert '<legend class="fs-6 fw-semibold mb-1">经济发展局</legend>' in html
    assert (
        '<input class="form-check-input" type="checkbox" name="metrics" value="gdp"'
        ' id="metric-gdp" checked>'
    ) in html
    assert (
        '<input class="form-check-input" type="checkbox" name="metrics" value="va_primary"'
        ' id="metric-va_primary">'
    ) in html
    assert "data-picker-search" in html
    assert "kaifaqu/figure_picker.js" in html


def test_the_list_shows_the_chosen_figures_as_charts(login, zh):
    url = LIST + "?org=371471&period=2017-01/2017-08&metrics=trade&metrics=industrial_va&view=chart"
    response = login("leader").get(url)
    html = response.content.decode()
    assert 'data-chart="chart-growth"' in html
    spec = response.context["charts"]["growth"]
    assert spec["xAxis"]["data"] == ["外贸进出口总额", "工业增加值"]
    assert [(s["name"], s["data"]) for s in spec["series"]] == [("本年", [72.1, 8.1])]
    assert "progress" not in response.context["charts"]  # no target for 1—8月


def test_the_progress_chart_against_the_time_elapsed(login, zh):
    url = (
        LIST
        + "?org=371471&period=2017-01/2017-09&metrics=financing_direct"
        + "&metrics=financing_indirect&view=chart"
    )
    spec = login("leader").get(url).context["charts"]["progress"]
    assert spec["xAxis"]["data"] == ["新增直接融资", "新增间接融资"]
    assert [(s["name"], s["data"]) for s in spec["series"]] == [
        ("进度", [66.9, 81.0]),
        ("时序进度", [75.0, 75.0]),
    ]


def test_an_english_page_words_the_figures_in_english(as_user):
    html = as_user("leader").get(LIST).content.decode()
    assert (
        "Gross regional product 18.5 billion yuan (estimate), up 8.0% year on year, "
        "up 0.6 percentage points on the same period last year"
    ) in html
    assert "预计地区生产总值" not in html
