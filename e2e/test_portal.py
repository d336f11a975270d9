"""The public portal on a phone: key figures, the policy library, a policy, English.

Labels may be reworded in the Chinese catalogue, so this test holds on to data-testid
attributes, URLs, the ``lang`` attribute and data values."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
TRAINING = "德州经济技术开发区企业培训券发放使用办法（示例）"
#: Bootstrap's collapse once its transition is over: shown, no longer "collapsing".
SHOWN = re.compile(r"^(?!.*\bcollapsing\b)(?=.*(^|\s)show(\s|$))")


def open_folded_menu(page: Page) -> None:
    """Open the phone's folded menu and return once it is shown. The toggle does nothing until
    Bootstrap's script, at the end of the body, has run: the page's content can be there
    before it, so wait for it rather than click too early; then wait for the end of the
    transition, not for a time."""
    page.wait_for_function("() => window.bootstrap !== undefined")
    toggle = page.get_by_test_id("nav-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#public-nav")).to_have_class(SHOWN)


def test_a_visitor_on_a_phone_reads_figures_and_a_policy(new_page, live_server, e2e_demo):
    page = new_page("zh-CN")
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    gdp = page.locator('[data-figure="gdp"]')
    expect(gdp.get_by_test_id("figure-value")).to_have_text("185亿元")
    expect(gdp.get_by_test_id("figure-change")).to_have_text("同比增长8.0%")
    expect(gdp).to_have_attribute("data-period", "2017-01/2017-09")
    expect(page.locator('[data-chart="chart-growth"]')).to_have_attribute("data-drawn", "1")
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The menu is folded on a phone; open it and go to the policy library.
    open_folded_menu(page)
    page.locator('[data-nav="policies"]').click()
    expect(page).to_have_url(f"{live_server.url}/policies/")
    page.locator("#category").select_option("other")
    page.get_by_test_id("policy-search").click()
    expect(page).to_have_url(re.compile(r"category=other"))
    expect(page.get_by_test_id("policies").locator("a")).to_have_count(1)
    page.get_by_test_id("policies").locator("a").first.click()
    expect(page.get_by_test_id("policy-title")).to_have_text(TRAINING)
    expect(page.get_by_test_id("policy-text")).to_contain_text("培训券面额")
    expect(page.get_by_test_id("illustrative")).to_be_visible()

    # English: the switch sits in the folded menu.
    open_folded_menu(page)
    expect(page.get_by_test_id("language-en")).to_be_visible()
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("policy-title")).to_have_text(TRAINING)
    page.goto("/")
    expect(page.locator('[data-figure="gdp"]').get_by_test_id("figure-value")).to_have_text(
        "18.5 billion yuan"
    )
