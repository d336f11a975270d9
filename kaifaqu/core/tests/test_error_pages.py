"""The product's own error pages (issue 13, item 7): 403, 404, the CSRF failure and 500, in
Chinese and in English, inside the product's frame: the back office's for signed-in staff
(their menu and account), the public site's for anyone else; the 500 page without a query.

Django's test client runs with ``DEBUG`` off, so these are the pages a visitor gets in
production."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from kaifaqu.core.testing import in_english, in_language
from kaifaqu.core.views import errors

pytestmark = pytest.mark.django_db

BACKOFFICE_FRAME = 'data-testid="current-user"'
PUBLIC_FRAME = 'data-testid="public-footer"'
ERRORS_URLCONF = "kaifaqu.core.tests.urls_errors"


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def browser() -> Client:
    # A browser gets the error page; the test client would re-raise the view's exception.
    return Client(raise_request_exception=False)


# --- 404 ------------------------------------------------------------------------------------


def test_a_missing_public_page_is_the_products_404_in_chinese(client, demo, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"
    body = page_of(response)
    assert "<title>页面不存在 · 开发区</title>" in body
    assert "此地址没有对应的页面：可能是地址输入有误，或页面内容已被删除。" in body
    assert "请检查地址，或从菜单重新进入。" in body
    assert '<a class="btn btn-primary" href="/" data-testid="error-start">返回首页</a>' in body
    assert PUBLIC_FRAME in body
    assert BACKOFFICE_FRAME not in body


def test_a_missing_public_page_is_the_products_404_in_english(client, demo):
    response = in_english(client).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    body = page_of(response)
    assert "<title>Page not found · kaifaqu</title>" in body
    assert (
        "There is no page at this address: it may have been mistyped, or what it showed was "
        "removed."
    ) in body
    assert "To the home page" in body
    assert PUBLIC_FRAME in body


@pytest.mark.parametrize(
    ("language", "title", "start"),
    [(None, "页面不存在", "返回工作台"), ("en", "Page not found", "To the dashboard")],
)
def test_a_missing_back_office_record_is_the_404_inside_the_back_office(
    as_user, language, title, start
):
    client = as_user("investment", language=language)
    response = client.get(
        "/backoffice/investment/projects/999999/",
        HTTP_REFERER="http://testserver/backoffice/investment/",
    )
    assert response.status_code == 404
    body = page_of(response)
    assert f'<h1 class="h3 mb-3">{title}</h1>' in body
    assert BACKOFFICE_FRAME in body
    assert 'data-nav="investment"' in body  # the menu is there: the way on
    assert f'href="/backoffice/" data-testid="error-start">{start}</a>' in body
    # The page the user came from, one click away.
    assert 'href="http://testserver/backoffice/investment/" data-testid="error-back"' in body
    assert PUBLIC_FRAME not in body


def test_a_link_from_another_site_is_not_offered_as_the_way_back(client, demo):
    response = client.get("/no-such-page/", HTTP_REFERER="https://elsewhere.example/page")
    assert 'data-testid="error-back"' not in page_of(response)


def test_an_unknown_api_address_answers_json(client, demo):
    response = in_english(client).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no page at this address: it may have been mistyped, or what it "
        "showed was removed."
    }


# --- 403 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "reason", "hint"),
    [
        (
            None,
            "无权访问",
            "此页面需要以下角色：系统管理员。",
            "如工作需要，请联系安全管理员为您的账号授予相应角色。",
        ),
        (
            "en",
            "Access refused",
            "This page needs the role: System administrator.",
            "If your work needs it, ask the security administrator to give your account the role.",
        ),
    ],
)
def test_a_page_of_another_role_says_the_role_it_needs_inside_the_back_office(
    as_user, language, title, reason, hint
):
    response = as_user("leader", language=language).get("/backoffice/users/")
    assert response.status_code == 403
    body = page_of(response)
    assert f'<h1 class="h3 mb-3">{title}</h1>' in body
    assert f'<p class="lead" data-testid="error-message">{reason}</p>' in body
    assert hint in body
    assert BACKOFFICE_FRAME in body
    assert 'data-testid="error-start"' in body


def test_an_administrator_refused_the_business_pages_is_told_who_they_are_for(as_user):
    response = as_user("sysadmin").get("/backoffice/investment/")
    assert response.status_code == 403
    assert (
        "This page shows the zone&#x27;s business data: it is for leaders, zone administrators "
        "and the members of a department."
    ) in page_of(response)


def test_a_refusal_without_a_reason_says_so_in_general_words(as_user, demo):
    # 财政局's viewer changes nothing: the carriers' create page refuses them plainly.
    response = as_user("finance", language=None).get("/backoffice/carriers/land/new/")
    assert response.status_code == 403
    body = page_of(response)
    assert "您的账号无权打开此页面或执行此操作。" in body
    assert BACKOFFICE_FRAME in body


# --- the CSRF failure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        (
            "zh-hans",
            "表单未能提交",
            "提交表单的页面已过期，未保存任何内容。请返回并刷新页面后重新提交。",
        ),
        (
            "en",
            "The form was not sent",
            "The page the form was sent from has expired, so nothing was saved. Go back, "
            "reload the page and send the form again.",
        ),
    ],
)
def test_a_form_from_an_expired_page_gets_the_products_csrf_page(demo, language, title, message):
    client = in_language(Client(enforce_csrf_checks=True), language)
    response = client.post("/accounts/login/", {"username": "admin", "password": "x"})
    assert response.status_code == 403
    body = page_of(response)
    assert f"<title>{title} · " in body
    assert message in body
    assert PUBLIC_FRAME in body


# --- 500 ------------------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
@pytest.mark.parametrize(
    ("language", "title", "message", "start"),
    [
        ("zh-hans", "服务器错误", "服务器出现错误，无法显示此页面。", "返回首页"),
        (
            "en",
            "Server error",
            "The server could not show this page because of an error on its side.",
            "To the home page",
        ),
    ],
)
def test_a_bug_answers_the_products_500_page(browser, language, title, message, start):
    response = in_language(browser, language).get("/boom/")
    assert response.status_code == 500
    assert response["Content-Language"] == language
    assert response["Cache-Control"] == "no-store"
    body = page_of(response)
    assert f"<title>{title} · " in body
    assert f'<p class="lead" data-testid="error-message">{message}</p>' in body
    assert f'href="/" data-testid="error-start">{start}</a>' in body
    assert "RuntimeError" not in body
    assert "a bug" not in body


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_a_bug_in_the_back_office_offers_the_dashboard(browser):
    response = in_english(browser).get("/backoffice/boom/")
    assert response.status_code == 500
    assert 'href="/backoffice/" data-testid="error-start">To the dashboard</a>' in page_of(response)


@override_settings(ROOT_URLCONF=ERRORS_URLCONF)
def test_a_bug_under_the_api_answers_json(browser):
    response = in_english(browser).get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "The server could not show this page because of an error on its side."
    }


def test_the_500_page_asks_nothing_of_the_database(django_assert_num_queries):
    request = RequestFactory().get("/backoffice/reports/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        with django_assert_num_queries(0):
            response = errors.server_error(request)
    assert response.status_code == 500
    assert "服务器错误" in page_of(response)


def test_a_record_of_another_department_says_why_it_is_refused(as_user, demo):
    from kaifaqu.investment.models import Project

    project = Project.objects.filter(department=demo.departments["investment"])[0]
    finance = as_user("finance")
    response = finance.get(f"/backoffice/investment/projects/{project.pk}/")
    assert response.status_code == 403
    assert (
        "This record is kept by a department whose data your account does not read."
    ) in page_of(response)
    response = as_user("leader").get(f"/backoffice/investment/projects/{project.pk}/edit/")
    assert response.status_code == 403
    assert "Only editors of the owning department may change this." in page_of(response)
