"""/healthz: JSON for the proxy and monitors, 200 or 503 naming the service that failed,
with no sign-in, no session and no cookie."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections
from django.test import Client, override_settings

from kaifaqu.core.views import health

pytestmark = pytest.mark.django_db

ALL_UP = {"database": "ok", "cache": "ok", "queue": "not configured"}


def _answer(client: Client) -> tuple[int, dict[str, str]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_healthz_answers_200_when_the_database_and_the_cache_answer(
    client, django_assert_num_queries
):
    # One query, the probe itself: no session, no user, no lookup of any kind.
    with django_assert_num_queries(1):
        assert _answer(client) == (200, ALL_UP)


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response
    assert Session.objects.count() == 0
    # No monitor or proxy may see a cached answer.
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_only_reads():
    client = Client(enforce_csrf_checks=True)
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refused)
        answer = _answer(client)
    assert answer == (503, {"database": "failed", "cache": "ok", "queue": "not configured"})


class _ForgetfulCache:
    """A cache that takes the value and never gives it back (an evicting or broken server)."""

    def set(self, key, value, timeout=None):
        pass

    def get(self, key, default=None):
        return default

    def delete(self, key):
        pass


class _UnreachableCache(_ForgetfulCache):
    def set(self, key, value, timeout=None):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.parametrize("cache", [_ForgetfulCache(), _UnreachableCache()], ids=type)
def test_healthz_answers_503_naming_the_cache_when_it_fails(client, monkeypatch, cache):
    monkeypatch.setattr(health, "cache", cache)
    failed = {"database": "ok", "cache": "failed", "queue": "not configured"}
    assert _answer(client) == (503, failed)


def test_healthz_says_nothing_of_why_a_check_failed(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "cache", _UnreachableCache())
    response = client.get("/healthz")
    assert b"6379" not in response.content
    # The reason goes to the log for the operator.
    assert "healthz: the cache check failed" in caplog.text
    assert "Connection refused" in caplog.text


def test_healthz_is_not_redirected_to_https_so_a_local_probe_over_http_reaches_it():
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 301


def test_healthz_reports_the_broker_when_one_is_configured(client):
    from celery import current_app

    before = current_app.conf.broker_url
    with override_settings(CELERY_BROKER_URL="memory://"):
        current_app.conf.broker_url = "memory://"
        try:
            assert _answer(client) == (200, {"database": "ok", "cache": "ok", "queue": "ok"})
            current_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
            assert _answer(client) == (503, {"database": "ok", "cache": "ok", "queue": "failed"})
        finally:
            current_app.conf.broker_url = before
