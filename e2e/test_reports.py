"""The work report in a real browser (issue 6's acceptance): the 经济发展局's editor drafts the
demo report, clicks the GDP figure and lands on its figure page (formula, inputs, sources),
edits a narrative block in place, redrafts, and the next draft keeps the block.

Pages are read in English (the msgid language); the report itself is Chinese data.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kaifaqu.reports.models import Draft

pytestmark = pytest.mark.browser

TYPE_PAGE = "/backoffice/reports/types/progress/"


def test_draft_click_a_figure_edit_a_block_redraft(e2e_demo, live_server, page, log_in_as):
    log_in_as(page, "economy", e2e_demo.password)
    page.goto(TYPE_PAGE)
    page.locator("#id_period").fill("2017-01/2017-09")
    page.get_by_test_id("draft-submit").click()
    expect(page.get_by_test_id("draft-body")).to_contain_text(
        "2017年前三季度，预计实现地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点；"
    )
    expect(page.get_by_test_id("missing-none")).to_be_visible()
    expect(page.get_by_test_id("chart").locator("svg")).to_be_visible()  # ECharts drew it
    draft_url = page.url

    # The GDP figure is a link to its provenance.
    gdp = page.locator('[data-testid="figure"][data-metric="gdp"][data-show="value"]')
    expect(gdp).to_have_text("185亿元")
    gdp.click()
    expect(page).to_have_url(re.compile(r"/backoffice/figures/figure/\?metric=gdp&org=371471"))
    expect(page.locator("main")).to_contain_text("地区生产总值")
    expect(page.locator("main")).to_contain_text("据公报（德州经济技术开发区2017年工作进展情况）")

    # Edit the opening block in place.
    page.goto(draft_url)
    block = page.locator('[data-testid="block"][data-key="opening"]')
    block.get_by_test_id("block-edit").click()
    editor = page.get_by_test_id("block-editor")
    editor.get_by_test_id("block-text").fill("2017年以来，全区经济稳中向好、稳中提质。")
    editor.get_by_test_id("block-save").click()
    expect(page.get_by_test_id("block-saved")).to_be_visible()
    expect(page.locator('[data-testid="block"][data-key="opening"]')).to_contain_text(
        "2017年以来，全区经济稳中向好、稳中提质。"
    )

    # Redraft: the new draft keeps the block.
    page.get_by_test_id("redraft").click()
    expect(page).not_to_have_url(draft_url)
    expect(page.locator('[data-testid="block"][data-key="opening"]')).to_contain_text(
        "2017年以来，全区经济稳中向好、稳中提质。"
    )
    latest = Draft.objects.latest("pk")
    assert latest.number == 2
    assert latest.blocks["opening"]["text"] == "2017年以来，全区经济稳中向好、稳中提质。"
