"""The leader's dashboard in a real browser (issue 13's acceptance): the zone's key figures
with their status and trend, at least three charts drawn, and a figure opening its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

KEY = [
    "gdp",
    "industrial_va",
    "trade",
    "hightech_share",
    "projects_signed",
    "contract_investment_signed",
]


def test_the_leader_sees_the_key_figures_and_the_charts_and_opens_a_figure(
    page, live_server, e2e_demo, log_in_as
):
    log_in_as(page, "leader", e2e_demo.password)
    page.goto("/backoffice/")
    figures = page.get_by_test_id("key-figures").locator("[data-figure]")
    expect(figures).to_have_count(len(KEY))
    assert [figures.nth(i).get_attribute("data-figure") for i in range(len(KEY))] == KEY
    gdp = page.locator('[data-figure="gdp"]')
    expect(gdp.get_by_test_id("figure-value")).to_have_text("18.5 billion yuan")
    expect(gdp.get_by_test_id("figure-change")).to_have_text("up 8.0% year on year")
    expect(gdp.get_by_test_id("figure-status")).to_have_text("Estimate")
    expect(gdp.get_by_test_id("figure-trend")).to_have_attribute("data-drawn", "1")

    charts = page.get_by_test_id("charts").locator('[data-chart^="chart-"]')
    expect(charts).to_have_count(5)
    for key in ("growth", "pipeline", "key_projects", "vacancy", "land"):
        expect(page.locator(f'[data-chart="chart-{key}"]')).to_have_attribute("data-drawn", "1")
        # ECharts drew it (SVG renderer): the chart holds a drawing, not an empty box.
        expect(page.locator(f'[data-chart="chart-{key}"] svg')).to_have_count(1)

    waiting = page.get_by_test_id("waiting")
    expect(waiting.locator('[data-waiting="consultations_overdue"]')).to_have_attribute(
        "data-count", "1"
    )

    gdp.click()
    expect(page).to_have_url(
        re.compile(r"/backoffice/figures/figure/\?metric=gdp&org=371471&period=2017-01%2F2017-09$")
    )
    expect(page.locator("h1")).to_contain_text(re.compile("地区生产总值|Gross regional product"))
    # The figure's page draws its series over time (this year beside last).
    expect(page.get_by_test_id("chart-series").locator("svg")).to_be_visible()
