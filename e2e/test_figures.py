"""The figure pages in a real browser (issue 13, item 2): a leader opens a figure's page, sees
its series and structure drawn, and saves a chart as a PNG file; on the figures list the
metric chooser's search narrows the checkboxes and the chosen figures show as a chart.

Pages are read in English (the msgid language); the figures themselves are Chinese data.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURE = "/backoffice/figures/figure/?metric=gdp&org=371471&period=2017-01/2017-08"


def test_the_figure_page_draws_its_charts_and_saves_one_as_png(e2e_demo, page, log_in_as):
    log_in_as(page, "leader", e2e_demo.password)
    page.goto(FIGURE)
    series = page.get_by_test_id("chart-series")
    expect(series.locator("svg")).to_be_visible()  # ECharts drew it
    expect(series).to_contain_text("January–August")
    expect(page.get_by_test_id("chart-structure")).to_contain_text("Value added, secondary sector")

    # The save button sits in the chart's top right corner (toolbox right: 8, top: 0; the
    # icon is 15 px inside a 5 px padding).
    box = series.bounding_box()
    assert box is not None
    with page.expect_download() as caught:
        page.mouse.click(box["x"] + box["width"] - 8 - 5 - 7.5, box["y"] + 5 + 7.5)
    download = caught.value
    assert (
        download.suggested_filename
        == "Gross regional product-德州经济技术开发区-2017-01_2017-08.png"
    )
    with open(download.path(), "rb") as saved:
        assert saved.read(8) == PNG_SIGNATURE


def test_the_metric_chooser_searches(e2e_demo, page, log_in_as):
    log_in_as(page, "leader", e2e_demo.password)
    page.goto("/backoffice/figures/")
    picker = page.get_by_test_id("metric-picker")
    picker.locator("summary").click()
    page.get_by_test_id("metric-search").fill("融资")
    shown = picker.locator("[data-picker-item]:visible")
    expect(shown).to_have_count(2)
    expect(shown.first).to_contain_text("New indirect (bank) financing")
    picker.get_by_role("button", name="Clear").click()
    expect(picker.locator("[data-picker-count]")).to_have_text("15")

    # The chosen figures as a chart: their growth on last year.
    page.get_by_test_id("view-chart").click()
    expect(page.get_by_test_id("chart-growth").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("chart-growth")).to_contain_text("Gross regional product")
