"""Issue 12, sign-in: the absolute session limit, deactivation, expiring API tokens, lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kaifaqu.core import services
from kaifaqu.core.models import AuditAction, AuditEntry, User
from kaifaqu.core.testing import log_in, token_request

LOGIN = "/accounts/login/"
DASHBOARD = "/backoffice/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
EXPIRED_EN = "This API token has expired. Ask for a new one at the token endpoint."


def _post_login(client, password, username="admin", ip="127.0.0.1"):
    return log_in(client, username, password, REMOTE_ADDR=ip)


def _token(client, password, username="admin"):
    return client.post(TOKEN, token_request(username, password))


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_COOKIE="django_language=en")
    return api


# Absolute session limit -------------------------------------------------------------------


def test_the_settings_defaults():
    assert settings.KAIFAQU_SESSION_MAX_HOURS == 8
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.KAIFAQU_API_TOKEN_DAYS == 30
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_request_every_25_minutes_does_not_keep_a_session_past_8_hours(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        assert _post_login(client, demo.password).status_code == 302
        # 19 requests 25 minutes apart: the last at 7 h 55 min, still inside the 8 hours.
        for _ in range(19):
            traveller.shift(timedelta(minutes=25))
            assert client.get(DASHBOARD).status_code == 200
        traveller.shift(timedelta(minutes=5))  # exactly 8 h after signing in
        response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={DASHBOARD}"
    assert "_auth_user_id" not in client.session


def test_a_session_lives_up_to_just_before_8_hours(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        assert _post_login(client, demo.password).status_code == 302
        for _ in range(16):
            traveller.shift(timedelta(minutes=29, seconds=59))
            assert client.get(DASHBOARD).status_code == 200
        # 16 × 29:59 = 7 h 59 min 44 s
        traveller.shift(timedelta(seconds=15))  # 7 h 59 min 59 s
        assert client.get(DASHBOARD).status_code == 200
        traveller.shift(timedelta(seconds=1))
        assert client.get(DASHBOARD).status_code == 302


def test_signing_in_again_starts_a_new_8_hours(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        assert _post_login(client, demo.password).status_code == 302
        for _ in range(19):
            traveller.shift(timedelta(minutes=25))
            assert client.get(DASHBOARD).status_code == 200
        client.post("/accounts/logout/")
        assert _post_login(client, demo.password).status_code == 302
        traveller.shift(timedelta(minutes=25))  # 8 h 20 min after the first sign-in
        assert client.get(DASHBOARD).status_code == 200


# Deactivation ------------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_and_reactivation_does_not_bring_them_back(
    client, demo
):
    assert _post_login(client, demo.password, username="economy").status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    key = _token(APIClient(), demo.password, username="economy").json()["token"]
    assert _api(key).get(ME).status_code == 200

    economy = User.objects.get(username="economy")
    services.user_update(actor=demo.sysadmin, user=economy, is_active=False)
    assert client.get(DASHBOARD).status_code == 302
    assert _api(key).get(ME).status_code == 403
    assert not Token.objects.filter(user=economy).exists()

    services.user_update(actor=demo.sysadmin, user=economy, is_active=True)
    assert client.get(DASHBOARD).status_code == 302
    assert _api(key).get(ME).status_code == 403
    # The account itself signs in again as usual.
    assert _post_login(client, demo.password, username="economy").status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_other_account_changes_keep_the_sessions(client, demo):
    assert _post_login(client, demo.password, username="economy").status_code == 302
    economy = User.objects.get(username="economy")
    services.user_update(actor=demo.sysadmin, user=economy, full_name="经济发展局 统计")
    assert client.get(DASHBOARD).status_code == 200


# API tokens ---------------------------------------------------------------------------------


def test_an_api_sign_in_writes_one_audit_row(client, demo):
    before = AuditEntry.objects.count()
    assert _token(client, demo.password).status_code == 200
    assert AuditEntry.objects.count() == before + 1
    row = AuditEntry.objects.latest("seq")
    assert (row.action, row.actor_username, row.ip) == (AuditAction.LOGIN, "admin", "127.0.0.1")
    assert row.after == {"via": "api_token"}


def test_a_token_works_for_30_days_then_gets_401(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        key = _token(client, demo.password).json()["token"]
        traveller.shift(timedelta(days=30) - timedelta(seconds=1))
        assert _api(key).get(ME).status_code == 200
        traveller.shift(timedelta(seconds=1))
        response = _api(key).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": EXPIRED_EN}


def test_an_expired_token_is_replaced_by_a_new_one(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        first = _token(client, demo.password).json()["token"]
        traveller.shift(timedelta(days=10))
        assert _token(client, demo.password).json()["token"] == first  # still the same
        traveller.shift(timedelta(days=20))
        second = _token(client, demo.password).json()["token"]
        assert second != first
        assert _api(second).get(ME).status_code == 200
        # The old key is gone: an unknown token (DRF's 403 behind the session scheme).
        assert _api(first).get(ME).status_code == 403


# Lockout ------------------------------------------------------------------------------------


def test_a_lockout_says_when_to_retry(client, demo):
    responses = [_post_login(client, f"wrong-{i}") for i in range(5)]
    assert responses[-1].status_code == 429
    assert responses[-1]["Retry-After"] == "1800"
    api = _token(client, demo.password)
    assert api.status_code == 429
    assert api["Retry-After"] == "1800"


def test_the_lock_is_the_pair_account_and_address(client, demo):
    for i in range(5):
        _post_login(client, f"wrong-{i}", ip="203.0.113.9")
    assert _post_login(client, demo.password, ip="203.0.113.9").status_code == 429
    # Someone on the street does not lock the administrator out of the office.
    assert _post_login(client, demo.password, ip="10.0.0.5").status_code == 302


def _fail_from_many_addresses(client, count, username="admin"):
    # Four failures from each address: never the pair lock's five.
    statuses = []
    for i in range(count):
        statuses.append(
            _post_login(client, f"wrong-{i}", username, ip=f"198.51.100.{i // 4}").status_code
        )
    return statuses


def test_the_account_locks_from_every_address_past_20_failures_and_alerts(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        assert _fail_from_many_addresses(client, 20) == [200] * 20
        rows = AuditEntry.objects.filter(action=AuditAction.LOCKOUT, actor_username="admin")
        assert [r.after for r in rows] == [{"scope": "account"}]
        traveller.shift(timedelta(minutes=10))
        response = _post_login(client, demo.password, ip="10.0.0.5")
        assert response.status_code == 429
        assert response["Retry-After"] == str(20 * 60)
        api = _token(client, demo.password)
        assert (api.status_code, api["Retry-After"]) == (429, str(20 * 60))
        assert api.json() == {
            "detail": "登录失败次数过多，账户已被锁定。请20分钟后再试，或联系安全管理员解锁。"
        }
        # Another account is not touched.
        assert (
            _post_login(client, demo.password, username="leader", ip="10.0.0.6").status_code == 302
        )
        traveller.shift(timedelta(minutes=20))
        assert _post_login(client, demo.password, ip="10.0.0.5").status_code == 302


def test_the_security_page_shows_the_account_wide_lock_and_unlock_lifts_it(client, demo):
    _fail_from_many_addresses(client, 20)
    security = client.__class__()
    security.force_login(demo.secadmin)
    page = security.get("/backoffice/security/").content.decode()
    assert 'data-testid="account-locked"' in page
    assert security.post("/backoffice/security/unlock/", {"username": "admin"}).status_code == 302
    assert _post_login(client, demo.password, ip="10.0.0.5").status_code == 302
    page = security.get("/backoffice/security/").content.decode()
    assert 'data-testid="account-locked"' not in page


def test_19_failures_from_many_addresses_do_not_lock_the_account(client, demo):
    _fail_from_many_addresses(client, 19)
    assert _post_login(client, demo.password, ip="10.0.0.5").status_code == 302


def test_the_address_throttle_message(english_client, demo):
    with time_machine.travel(START, tick=False):
        for i in range(30):
            _post_login(english_client, "wrong", username=f"someone-{i}", ip="203.0.113.7")
        response = english_client.post(
            TOKEN, {"username": "admin", "password": demo.password}, REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert response.json() == {
        "detail": "Too many failed logins from your address. Try again in 15 minutes."
    }


def test_one_address_trying_many_accounts_is_slowed_past_30_failures(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        statuses = [
            _post_login(client, "wrong", username=f"someone-{i}", ip="203.0.113.7").status_code
            for i in range(31)
        ]
        assert statuses == [200] * 30 + [429]
        traveller.shift(timedelta(minutes=5))
        response = _post_login(client, demo.password, ip="203.0.113.7")
        assert response.status_code == 429
        assert response["Retry-After"] == str(10 * 60)
        # Another address is not slowed.
        assert _post_login(client, demo.password, ip="203.0.113.8").status_code == 302
        traveller.shift(timedelta(minutes=10))
        assert (
            _post_login(client, demo.password, username="leader", ip="203.0.113.7").status_code
            == 302
        )


# Token revocation ---------------------------------------------------------------------------


def test_the_owner_revokes_their_token_through_the_api(client, demo):
    key = _token(client, demo.password).json()["token"]
    response = _api(key).delete(TOKEN)
    assert response.status_code == 204
    assert not Token.objects.filter(user=demo.admin).exists()
    assert _api(key).get(ME).status_code == 403
    row = AuditEntry.objects.latest("seq")
    assert (row.action, row.actor_username, row.after) == (
        AuditAction.ACCOUNT_CHANGE,
        "admin",
        {"api_token": "revoked"},
    )


def test_revoking_needs_a_signed_in_caller(client, demo):
    assert APIClient().delete(TOKEN).status_code == 403


def test_the_security_administrator_revokes_a_token(client, demo, as_user):
    key = _token(client, demo.password, username="economy").json()["token"]
    security = as_user("secadmin")
    response = security.post(f"/backoffice/users/{demo.economy.pk}/token/revoke/")
    assert response.status_code == 302
    assert response.url == "/backoffice/security/"
    assert _api(key).get(ME).status_code == 403
    row = AuditEntry.objects.latest("seq")
    assert (row.actor_username, row.object_repr) == ("secadmin", f"user #{demo.economy.pk}")


def test_the_security_page_lists_the_working_tokens_with_their_revoke_button(
    demo, as_user, django_assert_num_queries
):
    with time_machine.travel(datetime(2026, 10, 1, 2, 0, tzinfo=UTC), tick=False):
        Token.objects.create(user=demo.leader)  # 30 days: expired by 3 November
    with time_machine.travel(datetime(2026, 11, 1, 2, 0, tzinfo=UTC), tick=False):
        Token.objects.create(user=demo.economy)
    security = as_user("secadmin")
    with time_machine.travel(datetime(2026, 11, 3, 2, 0, tzinfo=UTC), tick=False):
        from kaifaqu.core import selectors

        with django_assert_num_queries(1):
            tokens = selectors.api_tokens()
        assert [(t.user.username, t.expires) for t in tokens] == [
            ("economy", datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
        ]
        html = security.get("/backoffice/security/").content.decode()
    assert f'action="/backoffice/users/{demo.economy.pk}/token/revoke/"' in html
    assert f'action="/backoffice/users/{demo.leader.pk}/token/revoke/"' not in html


def test_only_the_security_administrator_or_the_owner_revokes(client, demo, as_user):
    key = _token(client, demo.password, username="economy").json()["token"]
    leader = as_user("leader")
    assert leader.post(f"/backoffice/users/{demo.economy.pk}/token/revoke/").status_code == 403
    assert _api(key).get(ME).status_code == 200


# No user enumeration ------------------------------------------------------------------------

BASE_USER = "django.contrib.auth.base_user"  # where User.set_password finds the hasher


def test_sign_in_answers_alike_for_unknown_inactive_and_wrong_password(english_client, demo):
    from unittest import mock

    from django.contrib.auth import hashers

    User.objects.filter(username="economy").update(is_active=False)
    attempts = {
        "unknown": ("nobody-at-all", demo.password),
        "inactive": ("economy", demo.password),
        "wrong password": ("leader", "Wrong-password-1"),
    }
    answers = {}
    for name, (username, password) in attempts.items():
        with (
            mock.patch(f"{BASE_USER}.make_password", wraps=hashers.make_password) as h,
            mock.patch(f"{BASE_USER}.check_password", wraps=hashers.check_password) as v,
        ):
            response = _post_login(english_client, password, username=username)
        # Timing shape: each runs the password hasher exactly once (Django hashes the
        # password given for an unknown account too).
        assert h.call_count + v.call_count == 1, name
        answers[name] = (response.status_code, response.context["form"].non_field_errors())
    # (The form's lazy message is read here, outside the request, in the site's Chinese.)
    expected = (200, ["请输入一个正确的用户名和密码。注意，两者都区分大小写。"])
    assert answers == dict.fromkeys(attempts, expected)


def test_the_token_endpoint_answers_alike_for_unknown_inactive_and_wrong_password(client, demo):
    User.objects.filter(username="economy").update(is_active=False)
    bodies = [
        _token(client, password, username=username).json()
        for username, password in [
            ("nobody-at-all", demo.password),
            ("economy", demo.password),
            ("leader", "Wrong-password-1"),
        ]
    ]
    assert bodies[0] == bodies[1] == bodies[2]
    assert list(bodies[0]) == ["non_field_errors"]


# Password age -------------------------------------------------------------------------------

PASSWORD_EXPIRED = "/accounts/password-expired/"
NEW_PASSWORD = "Brand-new-Pass-2025"


def _age_password(username, days):
    User.objects.filter(username=username).update(password_changed_at=START - timedelta(days=days))


def test_a_90_day_old_password_must_be_changed_before_anything_else(english_client, demo):
    _age_password("economy", 90)
    with time_machine.travel(START, tick=False):
        response = _post_login(english_client, demo.password, username="economy")
        assert response.status_code == 302
        assert english_client.get(DASHBOARD).url == PASSWORD_EXPIRED
        page = english_client.get(PASSWORD_EXPIRED)
        assert page.status_code == 200
        assert "Your password is more than 90 days old." in page.content.decode()
        response = english_client.post(
            PASSWORD_EXPIRED,
            {
                "old_password": demo.password,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert response.url == DASHBOARD
        assert english_client.get(DASHBOARD).status_code == 200  # still signed in
    economy = User.objects.get(username="economy")
    assert economy.password_changed_at == START
    assert economy.check_password(NEW_PASSWORD)


def test_a_89_day_old_password_is_still_fine(client, demo):
    _age_password("economy", 89)
    with time_machine.travel(START, tick=False):
        assert _post_login(client, demo.password, username="economy").status_code == 302
        assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_old_password_changes_nothing(english_client, demo):
    _age_password("economy", 100)
    with time_machine.travel(START, tick=False):
        _post_login(english_client, demo.password, username="economy")
        response = english_client.post(
            PASSWORD_EXPIRED,
            {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 200
        assert english_client.get(DASHBOARD).url == PASSWORD_EXPIRED
    assert User.objects.get(username="economy").check_password(demo.password)


def test_set_password_records_when(demo):
    with time_machine.travel(START, tick=False):
        services.user_set_password(actor=None, user=demo.economy, password=NEW_PASSWORD)
    assert User.objects.get(username="economy").password_changed_at == START


def test_the_pair_lock_says_the_time_left_not_the_whole_cool_off(client, demo):
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(5):
            _post_login(client, f"wrong-{i}")
        traveller.shift(timedelta(minutes=12))
        again = _post_login(client, demo.password)
        api = _token(client, demo.password)
    assert (again.status_code, again["Retry-After"]) == (429, str(18 * 60))
    assert "18" in again.content.decode()
    assert (api.status_code, api["Retry-After"]) == (429, str(18 * 60))


def test_behind_a_trusted_proxy_the_pair_is_the_clients_address(client, demo, settings):
    settings.KAIFAQU_TRUSTED_PROXIES = ["127.0.0.1"]
    for i in range(5):
        log_in(client, "admin", f"wrong-{i}", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = log_in(client, "admin", demo.password, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    other = log_in(client, "admin", demo.password, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302
