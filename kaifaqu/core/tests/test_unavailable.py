"""The database unreachable: every page answers the product's 503 page in the visitor's
language, the API JSON, with Retry-After; nothing claims a success; /healthz says so."""

from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from kaifaqu.core.testing import in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def down(db) -> Iterator[None]:
    """Every new query fails as a database server that does not answer does."""
    failure = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=failure):
        yield


@pytest.fixture
def browser() -> Client:
    # The test client re-raises a view's exception by default; a browser gets the response.
    return Client(raise_request_exception=False)


def test_a_page_answers_the_503_page_in_chinese(down, browser):
    response = browser.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "zh-hans"
    body = response.content.decode()
    assert "服务暂不可用" in body
    assert "网站暂时无法连接数据库，未保存任何内容。请几分钟后再试。" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def test_a_page_answers_in_the_language_chosen(down, browser, settings):
    # A signed-in user's session is read from the database: that read fails too.
    browser.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    response = in_english(browser).get("/backoffice/")

    assert response.status_code == 503
    assert "The site cannot reach its database just now. Nothing was saved." in (
        response.content.decode()
    )


def test_a_post_is_not_reported_saved(down, browser):
    response = browser.post("/consult/", {"question": "厂房租金多少？", "name": "张三"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Location" not in response


def test_the_api_answers_json_503(down, browser):
    response = in_english(browser).get(
        "/api/v1/portal/policies/", HTTP_AUTHORIZATION="Token 0123456789abcdef"
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The service cannot reach its database just now. Try again later."
    }


def test_the_api_answers_in_chinese_by_default(down, browser):
    response = browser.post("/api/v1/auth/token/", {"username": "a", "password": "b"})

    assert response.status_code == 503
    assert response.json() == {"detail": "服务暂时无法连接数据库，请稍后再试。"}


def test_healthz_names_the_database(down, browser):
    response = browser.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "failed"
    assert response.json()["cache"] == "ok"


def test_another_error_stays_a_500(db, browser):
    with mock.patch("kaifaqu.core.views.health.CHECKS", new=None):
        response = browser.get("/healthz")

    assert response.status_code == 500
    assert "Retry-After" not in response
