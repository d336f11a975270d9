"""The period picker in a real browser (core.widgets.PeriodInput, period.js): the data entry
page opens on the latest period with data; choosing a year and a kind writes the period's
written form into the box, typing a period sets the selects, and the page opens on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kaifaqu.core.testing import submit_login_in_browser

pytestmark = pytest.mark.browser


def test_the_picker_writes_the_period_and_the_page_opens_on_it(page, e2e_demo):
    submit_login_in_browser(page, "economy", e2e_demo.password)
    expect(page.get_by_test_id("current-user")).to_be_visible()
    page.goto("/backoffice/stats/entry/")
    box = page.locator("#id_period")
    year = page.locator("[data-period-year]")
    kind = page.locator("[data-period-kind]")
    expect(box).to_have_value("2017-01/2017-09")
    expect(kind).to_have_value("W9")
    year.select_option("2016")
    expect(box).to_have_value("2016-01/2016-09")
    kind.select_option("Q3")
    expect(box).to_have_value("2016Q3")
    kind.select_option("Y")
    expect(box).to_have_value("2016")
    box.fill("2017-08")
    expect(year).to_have_value("2017")
    expect(kind).to_have_value("M8")
    box.fill("2017-03/2017-05")
    expect(kind).to_have_value("")
    kind.select_option("W8")
    expect(box).to_have_value("2017-01/2017-08")
    page.get_by_test_id("entry-open").click()
    expect(page.get_by_test_id("entry-period")).to_have_text("2017年1—8月")
