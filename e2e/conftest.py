"""Browser tests: headless Chromium from the system, driven through Playwright's sync API.

Never ``playwright install``: the browser is Debian's Chromium (``chromium_path()`` skips, or
fails under KAIFAQU_REQUIRE_ALL=1, when it is missing).
"""

from __future__ import annotations

import os

import pytest

from kaifaqu.core.testing import chromium_path

# Playwright's sync API runs an event loop in this thread; the tests still call the ORM here
# (the demo fixture, assertions on rows), which Django refuses inside a loop unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def e2e_demo(live_server, demo_committed):
    """The demo data, committed so the live server's thread sees it."""
    return demo_committed


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context with the given locale; closed after the test.
    A Content Security Policy violation the browser reports on any page fails the test."""
    contexts = []
    violations: list[str] = []

    def _on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    def _new_page(locale: str = "zh-CN"):
        context = browser.new_context(locale=locale, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", _on_console)
        return page

    yield _new_page
    for context in contexts:
        context.close()
    assert violations == [], "the browser reported Content Security Policy violations"


@pytest.fixture
def page(new_page):
    return new_page("zh-CN")


@pytest.fixture
def log_in_as(live_server):
    """Log a page in through the login page as a demo account, reading the back office in
    English, giving the second factor as the demo authenticator would when the account needs
    it; returns once the page shows who is signed in."""
    from django.conf import settings
    from playwright.sync_api import expect

    from kaifaqu.core.testing import submit_login_in_browser

    def _log_in(page, username: str, password: str) -> None:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
        )
        submit_login_in_browser(page, username, password)
        expect(page.get_by_test_id("current-user")).to_be_visible()

    return _log_in
