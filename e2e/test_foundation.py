"""The foundation in a real browser: public home page, staff login, languages, API docs, lockout.

UI labels come from the Chinese catalogue and may be reworded, so these tests hold on to
data-testid attributes, URLs, the ``lang`` attribute and data values instead.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.testing import submit_login_in_browser

pytestmark = pytest.mark.browser

ZONE = "德州经济技术开发区"
SUBUNITS = ["赵虎镇", "袁桥镇", "抬头寺镇", "宋官屯街道", "长河街道"]
HONOURS = [
    "全国文明单位",
    "国家火炬计划新能源产业基地",
    "生物高技术产业基地",
    "太阳能光伏发电集中应用示范区",
    "太阳能光热综合利用示范区",
    "科技兴贸创新基地",
    "知识产权产业化试点基地",
    "中国太阳城",
    "中国压滤机之都",
    "山东省科学发展示范区",
    "对外开放先进区",
    "节能环保产业基地",
]


def record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def assert_all_local(urls: list[str], live_server) -> None:
    assert urls, "no request was recorded"
    outside = [url for url in urls if not url.startswith(live_server.url)]
    assert outside == [], f"requests left the machine: {outside}"


def record_failures(page) -> list[str]:
    """Responses of 400 and above, and requests that failed outright."""
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    return failures


def log_in(page, username: str, password: str) -> None:
    submit_login_in_browser(page, username, password)


def test_public_home_page_is_chinese_whatever_the_browser_asks_and_all_local(
    new_page, live_server, e2e_demo
):
    # An English browser: the site ignores Accept-Language and speaks Chinese first.
    page = new_page("en-US")
    urls = record_requests(page)
    failures = record_failures(page)

    response = page.goto("/", wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    assert response.request.headers["accept-language"].startswith("en-US")
    assert response.headers["content-language"] == "zh-hans"
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    expect(page.get_by_test_id("zone-name")).to_have_text(ZONE)
    expect(page.locator('[data-fact="area_km2"] .fact-value')).to_have_text("320")
    expect(page.get_by_test_id("subunits").locator("li > span:first-child")).to_have_text(SUBUNITS)
    expect(page.get_by_test_id("honours").locator("li")).to_have_text(HONOURS)

    # Each chart on the page was drawn by the locally served ECharts.
    charts = page.locator("[data-chart]")
    for i in range(charts.count()):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "1")

    assert failures == []
    assert_all_local(urls, live_server)
    # Bootstrap and its icons came from this server, not a CDN.
    assert any("/static/vendor/bootstrap/" in url for url in urls)


def test_staff_log_in_switch_languages_and_open_the_profile_and_api_docs(
    page, live_server, e2e_demo
):
    urls = record_requests(page)
    failures = record_failures(page)

    log_in(page, "admin", e2e_demo.password)
    expect(page).to_have_url(f"{live_server.url}/backoffice/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_test_id("current-user")).to_have_text(e2e_demo.admin.full_name)
    expect(page.locator('[data-nav="dashboard"]')).to_be_visible()

    # English: message ids are English, so the navigation reads exactly as in the source.
    page.get_by_test_id("language-en").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('[data-nav="dashboard"]')).to_have_text("Dashboard")
    expect(page.get_by_test_id("language-zh-hans")).to_be_visible()
    expect(page.get_by_test_id("language-en")).to_have_count(0)

    # And back to Chinese: the label is no longer the English message id.
    page.get_by_test_id("language-zh-hans").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator('[data-nav="dashboard"]')).not_to_have_text("Dashboard")
    expect(page.get_by_test_id("language-en")).to_be_visible()

    # The public profile, through the back office's link to the public site.
    page.locator('a[href="/"]').first.click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("zone-name")).to_have_text(ZONE)
    expect(page.locator('[data-fact="area_km2"] .fact-value')).to_have_text("320")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # The API documentation: Swagger UI from the sidecar package, schema from this server.
    response = page.goto("/api/docs/", wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("kaifaqu API")
    expect(page.locator("#swagger-ui .opblock-tag").first).to_be_visible()
    assert any(re.search(r"/static/drf_spectacular_sidecar/swagger-ui-dist/", u) for u in urls)
    assert any(u.startswith(f"{live_server.url}/api/schema/") for u in urls)

    assert failures == []
    assert_all_local(urls, live_server)
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor_username="admin").count() == 1


def test_five_wrong_passwords_lock_the_account(page, live_server, e2e_demo):
    for i in range(4):
        log_in(page, "admin", f"wrong-password-{i}")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/")
        expect(page.locator("form .alert-danger")).to_be_visible()
        expect(page.get_by_test_id("lockout")).to_have_count(0)

    # The fifth failure trips the lock ...
    log_in(page, "admin", "wrong-password-4")
    expect(page.get_by_test_id("lockout")).to_be_visible()

    # ... and the sixth attempt, with the right password, is refused with the lockout page.
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(e2e_demo.password)
    with page.expect_response(
        lambda r: r.url == f"{live_server.url}/accounts/login/" and r.request.method == "POST"
    ) as info:
        page.locator("#id_password").press("Enter")
    assert info.value.status == 429
    expect(page.get_by_test_id("lockout")).to_be_visible()
    expect(page.get_by_test_id("lockout")).to_contain_text("30")

    # Not logged in: the back office still sends the browser to the login page.
    page.goto("/backoffice/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/backoffice/$"))
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOCKOUT, actor_username="admin").exists()


def test_a_first_sign_in_enrols_the_second_factor_in_the_browser(page, live_server, e2e_demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaifaqu.core.signin import totp_code

    TOTPDevice.objects.filter(user=e2e_demo.economy).delete()
    submit_login_in_browser(page, "economy", e2e_demo.password)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/\?next="))
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=e2e_demo.economy, confirmed=False)
    page.locator("#id_code").fill(totp_code(device))
    page.locator("#id_code").press("Enter")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_test_id("recovery-codes-done").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/")
    expect(page.get_by_test_id("current-user")).to_have_text(e2e_demo.economy.full_name)
