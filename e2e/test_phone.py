"""The back office on a phone and at a desk (issue 13, item 6), in a real browser.

At 390 px each page staff use on site (the dashboard, the kanban, data entry, the project
list and a project, the consultations and one of them) starts on the first screen: its
heading is above the fold, the page does not scroll sideways (a wide table scrolls inside
its own frame), what is tapped is at least 44 px high, and the menu folded into the header's
button opens. The kanban shows one stage at a time there, with a switcher;
at 1366 px it shows its seven columns side by side without scrolling.

The test holds on to data-testid and data attributes, and to layout measures."""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect

from kaifaqu.consultations.models import Consultation
from kaifaqu.investment.models import Project
from kaifaqu.investment.stages import Stage

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1366, "height": 768}
PAGES = {
    "dashboard": "/backoffice/",
    "kanban": "/backoffice/investment/",
    "entry": "/backoffice/stats/entry/?org=371471&period=2017-01/2017-09",
    "projects": "/backoffice/investment/projects/",
    "consultations": "/backoffice/consultations/",
}
#: Bootstrap's offcanvas once its transition is over: shown, no longer "showing".
SHOWN = re.compile(r"^(?!.*\bshowing\b)(?=.*(^|\s)show(\s|$))")
#: Buttons and fields on a phone smaller than a fingertip (44 px), as "tag.class text".
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main .btn, main .form-control, main .form-select, main .page-link, main .nav-link'))
  .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
  .map(el => el.tagName.toLowerCase() + ' ' + (el.textContent || el.name || '').trim())"""


def shoot(page: Page, name: str) -> None:
    """With KAIFAQU_SCREENSHOTS set to a folder, keep what the page looked like."""
    folder = os.environ.get("KAIFAQU_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def assert_fits_the_first_screen(page: Page, name: str) -> None:
    heading = page.locator("main h1").first
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box is not None
    assert box["y"] < PHONE["height"] / 2, f"{name}: the heading starts at {box['y']} px"
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{name}: the page is {width} px wide"
    assert page.evaluate(SMALL_TARGETS) == [], f"{name}: targets under 44 px"


def open_the_menu(page: Page) -> None:
    page.wait_for_function("() => window.bootstrap !== undefined")
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar.locator('[data-nav="dashboard"]')).not_to_be_visible()
    page.get_by_test_id("menu-toggle").click()
    expect(sidebar).to_have_class(SHOWN)
    expect(sidebar.locator('[data-nav="figures"]')).to_be_visible()
    expect(sidebar.locator('[data-nav="figures"]')).to_be_in_viewport()


def test_on_a_phone_every_page_used_on_site_starts_on_the_first_screen(
    new_page, live_server, e2e_demo, log_in_as
):
    project = Project.objects.order_by("pk")[0]
    consultation = Consultation.objects.order_by("pk")[0]
    walk = {
        **PAGES,
        "project": reverse("investment:project_detail", args=[project.pk]),
        "consultation": reverse("consultations:detail", args=[consultation.pk]),
    }
    pages = {}
    for username in ("investment", "economy"):
        pages[username] = new_page("zh-CN")
        log_in_as(pages[username], username, e2e_demo.password)
        pages[username].set_viewport_size(PHONE)
    for name, url in walk.items():
        # 经济发展局's statistician enters the figures; 招商局's officer the rest.
        page = pages["economy" if name == "entry" else "investment"]
        page.goto(url)
        if name == "entry":
            expect(page.locator('input[name$="value"]').first).to_be_visible()
        assert_fits_the_first_screen(page, name)
        shoot(page, f"phone-{name}")
        # The header is one line: the brand, the menu and the account's buttons.
        header = page.locator(".backoffice-header").bounding_box()
        assert header is not None
        assert header["height"] < 70, f"{name}: the header is {header['height']} px high"
        open_the_menu(page)
        shoot(page, f"phone-{name}-menu")

    page = pages["investment"]
    # The account's menu holds who is signed in, the language and the way out.
    page.goto(PAGES["dashboard"])
    page.wait_for_function("() => window.bootstrap !== undefined")
    expect(page.get_by_test_id("current-user")).not_to_be_visible()
    page.get_by_test_id("account-toggle").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.get_by_test_id("language-zh-hans")).to_be_visible()


def columns_shown(page: Page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-column]'))
          .filter(col => col.offsetParent !== null).map(col => col.dataset.column)"""
    )


def test_the_kanban_shows_one_stage_on_a_phone_and_all_seven_at_a_desk(
    page, live_server, e2e_demo, log_in_as
):
    log_in_as(page, "investment", e2e_demo.password)
    page.set_viewport_size(PHONE)
    page.goto(PAGES["kanban"])
    expect(page.get_by_test_id("kanban")).to_have_attribute("data-ready", "1")
    switcher = page.get_by_test_id("stage-switch")
    expect(switcher).to_be_visible()
    stages = [stage.value for stage in Stage]
    assert len(stages) == 7
    assert columns_shown(page) == [stages[0]]

    # Tap 洽谈 (negotiating): its column alone, its button pressed, the address remembers.
    switcher.locator(f'[data-switch="{Stage.NEGOTIATING}"]').click()
    assert columns_shown(page) == [Stage.NEGOTIATING.value]
    expect(switcher.locator(f'[data-switch="{Stage.NEGOTIATING}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    column = page.locator(f'[data-column="{Stage.NEGOTIATING}"]')
    expect(column.get_by_test_id("card").first).to_be_in_viewport()
    assert page.url.endswith(f"#stage-{Stage.NEGOTIATING}")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    shoot(page, "phone-kanban-negotiating")
    # Coming back to the address shows the same stage.
    page.reload()
    expect(page.get_by_test_id("kanban")).to_have_attribute("data-ready", "1")
    assert columns_shown(page) == [Stage.NEGOTIATING.value]

    # At a desk: no switcher, the seven columns side by side inside the board, no scrolling.
    page.set_viewport_size(DESK)
    expect(switcher).not_to_be_visible()
    assert columns_shown(page) == stages
    board = page.get_by_test_id("kanban")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    frame = board.bounding_box()
    for stage in stages:
        box = page.locator(f'[data-column="{stage}"]').bounding_box()
        assert box is not None
        assert box["x"] >= frame["x"]
        assert box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert box["x"] + box["width"] <= DESK["width"]
    shoot(page, "desk-kanban")


def test_on_a_phone_no_back_office_page_starts_below_the_first_screen(
    new_page, live_server, e2e_demo, log_in_as
):
    """Every back-office page the language test walks (each route without a parameter), as
    the first demo account that may read it: its heading stands in the top half of the
    first screen, and the page does not scroll sideways."""
    from django.test import Client

    from kaifaqu.config.tests.test_page_language import READERS, back_office_paths
    from kaifaqu.core.models import User
    from kaifaqu.core.testing import sign_in

    clients = {name: sign_in(Client(), User.objects.get(username=name)) for name in READERS}
    pages: dict[str, Page] = {}
    walked: list[str] = []
    problems: list[str] = []
    for path in back_office_paths():
        reader = next((n for n in READERS if clients[n].get(path).status_code == 200), None)
        if reader is None:  # a route that answers only a POST, or no demo account reads it
            continue
        if reader not in pages:
            pages[reader] = new_page("zh-CN")
            log_in_as(pages[reader], reader, e2e_demo.password)
            pages[reader].set_viewport_size(PHONE)
        page = pages[reader]
        page.goto(path)
        heading = page.locator("main h1").first
        expect(heading).to_be_visible()
        box = heading.bounding_box()
        if box is None or box["y"] >= PHONE["height"] / 2:
            problems.append(f"{path}: the heading starts at {box and box['y']} px")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: the page is {width} px wide")
        walked.append(path)
    assert problems == []
    assert len(walked) >= 30, walked  # the walk reached the back office, not a sign-in page
