"""Logging in and out: lockout, idle timeout, password policy, audit rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.passwords import CharacterClassValidator
from kaifaqu.core.testing import log_in, token_request

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
DASHBOARD = "/backoffice/"
TOKEN = "/api/v1/auth/token/"
LOCKED_EN = (
    "This account is locked after too many failed logins. Try again in 30 minutes, "
    "or ask the security administrator to unlock it."
)
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _post_login(client, password, username="admin"):
    return log_in(client, username, password)


def _fail_five_times(client, username="admin"):
    responses = [_post_login(client, f"wrong-{i}", username) for i in range(5)]
    # The first four show the form again with an error; the fifth trips the lock.
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    return responses


def _rows(action, username="admin"):
    return AuditEntry.objects.filter(action=action, actor_username=username)


def test_the_urls_are_the_ones_these_tests_use():
    assert reverse("core:login") == LOGIN
    assert reverse("core:logout") == LOGOUT
    assert reverse("core:dashboard") == DASHBOARD
    assert reverse("api:token") == TOKEN


# Lockout ---------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_and_the_right_password_is_then_refused(
    english_client, demo
):
    _fail_five_times(english_client)
    assert _rows(AuditAction.LOGIN_FAILED).count() == 5
    assert _rows(AuditAction.LOCKOUT).count() == 1
    for row in _rows(AuditAction.LOGIN_FAILED):
        assert row.ip == "127.0.0.1"

    response = _post_login(english_client, demo.password)
    assert response.status_code == 429
    assert "core/lockout.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert 'data-testid="lockout"' in content
    assert LOCKED_EN in content
    assert "_auth_user_id" not in english_client.session
    assert not _rows(AuditAction.LOGIN).exists()
    assert english_client.get(DASHBOARD).status_code == 302


def test_the_lock_is_per_account_not_per_address(client, demo):
    _fail_five_times(client)
    # Staff share one address behind NAT: another account from it still logs in.
    response = _post_login(client, demo.password, username="leader")
    assert response.status_code == 302
    assert response.url == DASHBOARD


def test_the_lockout_page_is_in_chinese_by_default(client, demo):
    _fail_five_times(client)
    response = _post_login(client, demo.password)
    assert response.status_code == 429
    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-CN"' in response.content.decode()


def test_a_successful_login_before_the_limit_resets_the_count(client, demo):
    for i in range(4):
        assert _post_login(client, f"wrong-{i}").status_code == 200
    assert _post_login(client, demo.password).status_code == 302
    client.post(LOGOUT)
    for i in range(4):
        assert _post_login(client, f"wrong-again-{i}").status_code == 200
    assert _post_login(client, demo.password).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        _fail_five_times(client)
        traveller.shift(timedelta(minutes=30, seconds=1))
        response = _post_login(client, demo.password)
    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert _rows(AuditAction.LOGIN).count() == 1


def test_the_lock_holds_for_twenty_nine_minutes(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        _fail_five_times(client)
        traveller.shift(timedelta(minutes=29))
        assert _post_login(client, demo.password).status_code == 429


def test_the_api_token_endpoint_counts_failures_and_locks_too(english_client, demo):
    bad = [
        english_client.post(TOKEN, {"username": "admin", "password": f"wrong-{i}"})
        for i in range(5)
    ]
    assert [r.status_code for r in bad] == [400, 400, 400, 400, 429]
    response = english_client.post(TOKEN, {"username": "admin", "password": demo.password})
    assert response.status_code == 429
    body = response.json()
    assert "token" not in body
    assert body == {"detail": LOCKED_EN}
    assert _rows(AuditAction.LOGIN_FAILED).count() >= 5
    assert _rows(AuditAction.LOCKOUT).exists()
    # The lock is the account's, whichever door the failures came through.
    assert _post_login(english_client, demo.password).status_code == 429


def test_the_api_token_endpoint_gives_a_token_for_the_right_password(client, demo):
    response = client.post(TOKEN, token_request("admin", demo.password))
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_failures_on_the_login_page_lock_the_api_token_endpoint(client, demo):
    _fail_five_times(client)
    response = client.post(TOKEN, {"username": "admin", "password": demo.password})
    assert response.status_code == 429
    assert "token" not in response.json()


# Idle timeout ----------------------------------------------------------------------------


def test_a_session_ends_after_thirty_idle_minutes(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        assert _post_login(client, demo.password).status_code == 302
        assert client.get(DASHBOARD).status_code == 200

        traveller.shift(timedelta(minutes=29))
        assert client.get(DASHBOARD).status_code == 200
        # That request pushed the expiry on: 29 more minutes are still within 30 of it.
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry == START + timedelta(minutes=29 + 30)

        traveller.shift(timedelta(minutes=29))
        assert client.get(DASHBOARD).status_code == 200

        traveller.shift(timedelta(minutes=31))
        response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={DASHBOARD}"


def test_the_session_cookie_does_not_outlive_the_browser(client, demo):
    response = _post_login(client, demo.password)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# Password policy -------------------------------------------------------------------------

TOO_SHORT = "This password is too short. It must contain at least 12 characters."
THREE_CLASSES = (
    "Your password must mix at least 3 kinds of characters: lowercase letters, "
    "uppercase letters, digits, symbols."
)
TOO_COMMON = "This password is too common."
NUMERIC = "This password is entirely numeric."


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        pytest.param("short1A!", [TOO_SHORT], id="too short, 4 classes"),
        pytest.param("alllowercaseletters", [THREE_CLASSES], id="1 class"),
        pytest.param("lowercase1234567", [THREE_CLASSES], id="2 classes"),
        pytest.param("Lowercase12345", [], id="3 classes"),
        pytest.param("Lower-case1234", [], id="4 classes"),
        pytest.param("password1234", [THREE_CLASSES, TOO_COMMON], id="common, 2 classes"),
        pytest.param("123456789012345", [THREE_CLASSES, NUMERIC], id="numeric"),
        pytest.param("Ab1!", [TOO_SHORT], id="short, 4 classes"),
    ],
)
def test_the_password_policy(password, messages):
    with translation.override("en"):
        if not messages:
            validate_password(password)
            return
        with pytest.raises(ValidationError) as caught:
            validate_password(password)
        assert caught.value.messages == messages


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("", 0),
        ("abc", 1),
        ("ABC", 1),
        ("123", 1),
        ("!@#", 1),
        ("aB", 2),
        ("a1", 2),
        ("a!", 2),
        ("aB1", 3),
        ("aB1!", 4),
        ("aB1·", 4),
        ("ab cd", 1),
    ],
)
def test_character_classes_are_counted(password, classes):
    assert CharacterClassValidator().classes_in(password) == classes


def test_the_character_class_validator_uses_its_minimum():
    with translation.override("en"):
        CharacterClassValidator(min_classes=2).validate("lowercase1234567")
        with pytest.raises(ValidationError) as caught:
            CharacterClassValidator(min_classes=4).validate("Lowercase12345")
        assert caught.value.code == "password_too_uniform"
        assert caught.value.messages == [
            "Your password must mix at least 4 kinds of characters: lowercase letters, "
            "uppercase letters, digits, symbols."
        ]
        assert CharacterClassValidator(min_classes=1).get_help_text() == (
            "Your password must mix at least 1 kind of character: lowercase letters, "
            "uppercase letters, digits, symbols."
        )


def test_the_password_resembling_the_username_is_refused(demo):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_password("Economy-2017x", user=demo.economy)
    assert caught.value.messages == ["The password is too similar to the username."]


def test_the_demo_password_meets_the_policy(demo):
    validate_password(demo.password, user=demo.admin)


# Audit -----------------------------------------------------------------------------------


def test_login_and_logout_each_write_one_audit_row_with_the_address(client, demo):
    before = AuditEntry.objects.count()
    response = _post_login(client, demo.password)
    assert response.status_code == 302
    logins = list(_rows(AuditAction.LOGIN))
    assert len(logins) == 1
    assert logins[0].ip == "127.0.0.1"
    assert logins[0].actor_id == demo.admin.pk
    assert AuditEntry.objects.count() == before + 1

    response = client.post(LOGOUT)
    assert response.status_code == 302
    logouts = list(_rows(AuditAction.LOGOUT))
    assert len(logouts) == 1
    assert logouts[0].ip == "127.0.0.1"
    assert logouts[0].actor_id == demo.admin.pk
    assert AuditEntry.objects.count() == before + 2


def test_a_failed_login_writes_one_row_with_the_username_tried(client, demo):
    before = AuditEntry.objects.count()
    assert _post_login(client, "nope", username="nobody-here").status_code == 200
    assert AuditEntry.objects.count() == before + 1
    row = AuditEntry.objects.latest("seq")
    assert row.action == AuditAction.LOGIN_FAILED
    assert row.actor_username == "nobody-here"
    assert row.actor_id is None
    assert row.ip == "127.0.0.1"


def test_the_security_administrator_sees_and_lifts_a_lockout(client, demo, english_client):
    _fail_five_times(client)
    security = client.__class__()
    security.force_login(demo.secadmin)
    page = security.get(reverse("core:security")).content.decode()
    assert "<td>admin</td>" in page
    response = security.post(reverse("core:unlock"), {"username": "admin"})
    assert response.status_code == 302
    assert _rows(AuditAction.UNLOCK, "secadmin").get().object_repr == "admin"
    assert _post_login(client, demo.password).status_code == 302  # logs in again at once
    assert "<td>admin</td>" not in security.get(reverse("core:security")).content.decode()


def test_only_the_security_administrator_unlocks(client, demo, english_client):
    _fail_five_times(client)
    leader = client.__class__()
    leader.force_login(demo.leader)
    assert leader.post(reverse("core:unlock"), {"username": "admin"}).status_code == 403
    assert _post_login(client, demo.password).status_code == 429
