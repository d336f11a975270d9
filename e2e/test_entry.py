"""The data entry page in a real browser: the 经济发展局 editor opens the zone and 前三季度,
types values and sees the growth as they type, moves with the keyboard, saves with Ctrl+S,
and a row someone else changed meanwhile is refused while the others save.

The test holds on to data-testid attributes, input names and data values; the growth phrase
is core.numbers' wording, which is data, not a translation.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.core import numbers
from kaifaqu.core.periods import parse
from kaifaqu.core.testing import submit_login_in_browser
from kaifaqu.core.versioning import CURRENT
from kaifaqu.stats import services
from kaifaqu.stats.models import DataElement, DataValue

pytestmark = pytest.mark.browser

ZONE, Q3 = "371471", "2017-01/2017-09"


def log_in(page, username: str, password: str) -> None:
    submit_login_in_browser(page, username, password)
    expect(page.get_by_test_id("current-user")).to_be_visible()


def stored(code: str, period: str = Q3) -> DataValue | None:
    (y1, m1), (y2, m2) = parse(period).months_key
    return DataValue.objects.filter(
        element__code=code,
        org_unit__code=ZONE,
        month_from=y1 * 100 + m1,
        month_to=y2 * 100 + m2,
    ).first()


def row(page, code: str):
    return page.locator(f'tr[data-element="{code}"]')


def value_box(page, code: str):
    return page.locator(f'[name="el-{code}-value"]')


@pytest.fixture
def exports_2016(e2e_demo):
    """Exports for 2016 前三季度 (not in the demo, which has 1—8月): a base for the growth."""
    services.value_save(
        version=CURRENT,
        actor=None,
        element=DataElement.objects.get(code="exports"),
        org_unit=e2e_demo.zone,
        period="2016-01/2016-09",
        value="12.5",
        source="test",
    )
    return e2e_demo


def test_an_editor_enters_values_with_live_growth_and_the_keyboard(page, exports_2016):
    demo = exports_2016
    log_in(page, "economy", demo.password)

    # From the navigation to the page; pick the zone and 前三季度.
    page.locator('[data-nav="stats_entry"]').click()
    page.locator("#id_org").select_option(ZONE)
    page.locator("#id_period").fill(Q3)
    page.get_by_test_id("entry-open").click()
    expect(page.get_by_test_id("entry-period")).to_have_text("2017年前三季度")

    # Focus starts in the first value box: GDP, 185 as stored; its growth is the reported one.
    expect(value_box(page, "gdp")).to_be_focused()
    expect(value_box(page, "gdp")).to_have_value("185")
    expect(row(page, "gdp").locator("[data-growth]")).to_have_text("增长8.0%")
    expect(row(page, "gdp").get_by_test_id("prior")).to_contain_text("171.3")

    # ArrowDown and Enter go down a row, ArrowUp back up; the parts are rows like the others.
    page.keyboard.press("ArrowDown")
    expect(value_box(page, "va_primary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(value_box(page, "va_secondary")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(value_box(page, "va_primary")).to_be_focused()
    assert page.url.endswith("period=2017-01%2F2017-09")  # Enter did not submit

    # Exports: last year 12.5; the growth follows the typing.
    exports = value_box(page, "exports")
    exports.click()
    exports.press_sequentially("21.5")
    expect(row(page, "exports").locator("[data-growth]")).to_have_text("增长72.0%")
    exports.fill("10")
    expect(row(page, "exports").locator("[data-growth]")).to_have_text("下降20.0%")
    exports.fill("１２．５")  # full-width, as a Chinese input method types it
    expect(row(page, "exports").locator("[data-growth]")).to_have_text("持平")
    exports.fill("21.5")
    row(page, "exports").locator("select").select_option("preliminary")

    # Enter from exports goes to imports, which has no base: no growth shown.
    exports.focus()
    page.keyboard.press("Enter")
    expect(value_box(page, "imports")).to_be_focused()
    page.keyboard.type("9.1")
    expect(row(page, "imports").locator("[data-growth]")).to_have_text("")
    row(page, "imports").locator("select").select_option("preliminary")

    # Ctrl+S saves; the page comes back with both rows marked saved.
    value_box(page, "imports").focus()
    page.keyboard.press("Control+s")
    expect(row(page, "exports")).to_have_attribute("data-row-state", "saved")
    expect(row(page, "imports")).to_have_attribute("data-row-state", "saved")
    expect(row(page, "gdp")).to_have_attribute("data-row-state", "")
    expect(value_box(page, "exports")).to_have_value("21.5")
    saved = stored("exports")
    assert (saved.value, saved.status, saved.version) == (Decimal("21.5"), "preliminary", 1)
    assert (saved.entered_by.username, stored("imports").value) == ("economy", Decimal("9.1"))

    # Someone else saves exports while the page is open; this editor's change to it is
    # refused on that row, and the change to imports beside it is saved.
    services.value_save(
        actor=demo.admin,
        element=DataElement.objects.get(code="exports"),
        org_unit=demo.zone,
        period=Q3,
        value="21.6",
        status="final",
        source="海关快报",
        version=1,
    )
    value_box(page, "exports").fill("21.7")
    value_box(page, "imports").fill("9.2")
    value_box(page, "imports").press("Control+Enter")
    expect(row(page, "exports")).to_have_attribute("data-row-state", "refused")
    expect(row(page, "exports").get_by_test_id("row-error")).to_contain_text("他人已保存")
    expect(row(page, "exports").get_by_test_id("row-now")).to_contain_text("21.6")
    expect(row(page, "imports")).to_have_attribute("data-row-state", "saved")
    expect(value_box(page, "exports")).to_have_value("21.7")  # what was typed is kept
    expect(value_box(page, "exports")).to_be_focused()  # the refused row comes first
    assert (stored("exports").value, stored("exports").version) == (Decimal("21.6"), 2)
    assert (stored("imports").value, stored("imports").version) == (Decimal("9.2"), 2)


def test_bad_input_is_named_on_its_row_and_a_rate_shows_percentage_points(page, e2e_demo):
    log_in(page, "economy", e2e_demo.password)
    page.goto(f"/backoffice/stats/entry/?org={ZONE}&period=2017-01/2017-08")
    share = value_box(page, "hightech_share")
    share.fill("35")
    expect(row(page, "hightech_share").locator("[data-growth]")).to_have_text("提高3.28个百分点")
    share.fill("abc")
    expect(share).to_have_class("form-control form-control-sm text-end is-invalid")
    share.press("Control+s")
    expect(row(page, "hightech_share")).to_have_attribute("data-row-state", "refused")
    expect(row(page, "hightech_share").get_by_test_id("value-error")).to_have_text("abc不是数字。")
    assert stored("hightech_share", "2017-01/2017-08").value == Decimal("33.7")


def _reference(kind: str, current: str, prior: str, decimals: int, unit: str) -> str:
    """What core.numbers says, computed as the figure engine computes it."""
    cur, base = Decimal(current), Decimal(prior)
    if kind == "rate":
        diff = numbers.round_half_up(cur, decimals) - numbers.round_half_up(base, decimals)
        return numbers.pp_phrase(diff, decimals)
    text = numbers.growth_phrase((cur / base - 1) * 100)
    if kind == "count" and (cur - base) == (cur - base).to_integral_value():
        text += "，" + numbers.count_change_phrase(cur - base, unit)
    return text


def _number(rng: random.Random) -> str:
    places = rng.choice([0, 0, 1, 2, 3, 4])
    return str(Decimal(rng.randint(-2000, 2_000_000)).scaleb(-places))


def test_the_live_wording_is_core_numbers_wording(page, e2e_demo):
    rng = random.Random(20170930)
    cases = [
        # Ties round half up, away from zero, as core.numbers does.
        ("amount", "100.05", "100", 2, "亿元"), ("amount", "99.95", "100", 2, "亿元"),
        ("amount", "8.004", "8", 2, "亿元"), ("amount", "185", "171.3", 2, "亿元"),
        ("amount", "7", "-2", 2, "亿元"), ("amount", "100", "100.00", 2, "亿元"),
        ("amount", "1000000", "3", 2, "万元"),
        ("rate", "33.7", "31.72", 2, "%"), ("rate", "31.72", "33.7", 2, "%"),
        ("rate", "5.05", "5", 1, "%"), ("rate", "5", "5.004", 2, "%"), ("rate", "6", "5", 0, "%"),
        ("count", "41", "30", 0, "家"), ("count", "30", "41", 0, "家"),
        ("count", "4", "4", 0, "家"), ("count", "4.5", "4", 0, "家"),
    ]  # fmt: skip
    for _ in range(300):
        kind = rng.choice(["amount", "rate", "count"])
        prior = "0"
        while Decimal(prior) == 0:
            prior = _number(rng)
        cases.append((kind, _number(rng), prior, rng.choice([0, 1, 2]), "家"))
    log_in(page, "economy", e2e_demo.password)
    page.goto(f"/backoffice/stats/entry/?org={ZONE}&period={Q3}")
    shown = page.evaluate(
        """cases => cases.map(([kind, current, prior, decimals, unit]) =>
            window.kaifaquEntry.phrase(
                {kind: kind, basis: "computed", decimals: String(decimals), unit: unit,
                 prior: prior, comparable: ""}, current, ""))""",
        [list(c) for c in cases],
    )
    expected = [_reference(*case) for case in cases]
    assert [c for c, s, e in zip(cases, shown, expected, strict=True) if s != e] == []
    # Reported growth is shown as reported, rounded once, half up.
    reported = page.evaluate(
        """() => ["8", "8.05", "-0.04", "-2.25", "0"].map(g => window.kaifaquEntry.phrase(
            {kind: "amount", basis: "reported", decimals: "2", unit: "亿元", prior: "",
             comparable: ""}, "185", g))"""
    )
    assert reported == [numbers.growth_phrase(g) for g in ("8", "8.05", "-0.04", "-2.25", "0")]
    # A comparable base (同口径), when stored, is the base instead of last year's value.
    with_base = page.evaluate(
        """() => window.kaifaquEntry.phrase({kind: "amount", basis: "computed", decimals: "2",
            unit: "亿元", prior: "10", comparable: "12.5"}, "15", "")"""
    )
    assert with_base == "增长20.0%"
