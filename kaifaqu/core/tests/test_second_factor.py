"""Issue 12, item 5: the second factor (TOTP) of every account with write or administrative
rights, enrolled at first sign-in, with recovery codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaifaqu.core import signin
from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.core.testing import (
    audit_mark,
    audit_since,
    force_login_password_only,
    in_english,
    log_in,
    messages_of,
    run_command,
    totp_code_for,
)

LOGIN = "/accounts/login/"
STEP = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"
CODES = "/accounts/second-factor/recovery-codes/"
DASHBOARD = "/backoffice/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WRONG_ZH = "验证码不正确。请核对手机上的时间后重试。"


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _password(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _unenrolled(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return user


def _enrol(client, user, password):
    """Sign in for the first time and enrol; returns the recovery codes shown."""
    assert _password(client, user.username, password).status_code == 302
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": signin.totp_code(device), "next": DASHBOARD})
    assert response.status_code == 302
    assert response.url == f"{CODES}?next=%2Fbackoffice%2F"
    return client.get(CODES).context["codes"]


# The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "needs"),
    [
        ("admin", True),
        ("sysadmin", True),
        ("secadmin", True),
        ("auditadmin", True),
        ("economy", True),
        ("twodept", True),
        ("leader", False),
        ("finance", False),
    ],
)
def test_who_needs_the_second_factor(demo, username, needs):
    assert signin.needs_second_factor(demo.users[username]) is needs


def test_a_visitor_needs_no_second_factor_and_reaches_the_personal_space(client, demo):
    visitor = next(u for name, u in demo.users.items() if name.startswith("visitor-"))
    assert signin.needs_second_factor(visitor) is False
    force_login_password_only(client, visitor)
    assert client.get("/space/").status_code == 200


def test_the_demo_loader_gives_the_accounts_that_need_it_the_demo_authenticator(demo):
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    needing = ["admin", "economy", "investment", "twodept", "sysadmin", "secadmin", "auditadmin"]
    assert keys == dict.fromkeys(needing, signin.DEMO_TOTP_KEY)
    assert TOTPDevice.objects.filter(confirmed=True).count() == 7


# Enrolment ------------------------------------------------------------------------------


def test_the_first_sign_in_enrols_and_the_back_office_waits_until_then(client, demo, traveller):
    economy = _unenrolled(demo.economy)
    mark = audit_mark()
    assert _password(client, "economy", demo.password).status_code == 302
    response = client.get(DASHBOARD)
    assert (response.status_code, response.url) == (302, f"{ENROL}?next=%2Fbackoffice%2F")
    assert client.get("/backoffice/stats/").status_code == 302
    api = client.get(ME)
    assert api.status_code == 403
    assert api.json() == {"detail": "请先在登录页完成第二重验证。"}

    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=economy)
    assert device.confirmed is False
    body = page.content.decode()
    assert "<svg" in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None  # CSP: no inline script
    assert page.context["secret"] == "".join(page.context["secret"].split())
    assert len(page.context["secret"]) == 32
    # A reload keeps the same secret.
    assert client.get(ENROL).context["secret"] == page.context["secret"]
    assert TOTPDevice.objects.filter(user=economy).count() == 1

    codes = _enrol(client, economy, demo.password)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = StaticToken.objects.filter(device__user=economy).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    # Shown once.
    again = client.get(CODES)
    assert (again.status_code, again.url) == (302, DASHBOARD)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(ME).status_code == 200
    assert TOTPDevice.objects.get(user=economy).confirmed is True
    enrolled = [e for e in audit_since(mark) if e.action == AuditAction.ACCOUNT_CHANGE]
    assert [(e.actor_username, e.after) for e in enrolled] == [
        ("economy", {"second_factor": "enrolled", "recovery_codes": 10})
    ]


def test_a_wrong_code_at_enrolment_is_refused_in_chinese_and_counted(client, demo, traveller):
    economy = _unenrolled(demo.economy)
    _password(client, "economy", demo.password)
    client.get(ENROL)
    mark = audit_mark()
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [WRONG_ZH]}
    assert TOTPDevice.objects.get(user=economy).confirmed is False
    assert StaticDevice.objects.filter(user=economy).exists() is False
    assert [(e.action, e.actor_username) for e in audit_since(mark)] == [
        (AuditAction.LOGIN_FAILED, "economy")
    ]
    assert client.get(DASHBOARD).status_code == 302


# Later sign-ins -------------------------------------------------------------------------


def test_the_next_sign_in_asks_for_the_code(client, demo, traveller):
    assert _password(client, "economy", demo.password).status_code == 302
    response = client.get(DASHBOARD)
    assert (response.status_code, response.url) == (302, f"{STEP}?next=%2Fbackoffice%2F")
    page = client.get(f"{STEP}?next=%2Fbackoffice%2F")
    assert page.status_code == 200
    answer = client.post(STEP, {"code": totp_code_for(demo.economy), "next": DASHBOARD})
    assert (answer.status_code, answer.url) == (302, DASHBOARD)
    assert client.get(DASHBOARD).status_code == 200


def test_a_code_works_once(client, demo, traveller):
    code = totp_code_for(demo.economy)
    log_in(client, "economy", demo.password)
    client.post("/accounts/logout/")
    _password(client, "economy", demo.password)
    response = client.post(STEP, {"code": code})
    assert response.context["form"].errors == {"code": [WRONG_ZH]}


def test_a_wrong_code_is_refused_counted_and_five_lock_the_account(client, demo, traveller):
    _password(client, "economy", demo.password)
    mark = audit_mark()
    responses = [client.post(STEP, {"code": f"12345{i}"}) for i in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert responses[0].context["form"].errors == {"code": [WRONG_ZH]}
    assert AccessAttempt.objects.get(username="economy").failures_since_start == 5
    failed = [e for e in audit_since(mark) if e.action == AuditAction.LOGIN_FAILED]
    assert len(failed) == 5
    # Locked: even the right code is refused now, and the half-made session ends.
    locked = client.post(STEP, {"code": totp_code_for(demo.economy)})
    assert locked.status_code == 429
    assert client.get(DASHBOARD).url.startswith(LOGIN)


def test_the_leader_is_not_asked(client, demo, traveller):
    assert _password(client, "leader", demo.password).status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_a_session_signed_in_by_password_only_is_sent_to_the_step(client, demo):
    force_login_password_only(client, demo.admin)
    response = client.get(DASHBOARD)
    assert (response.status_code, response.url) == (302, f"{STEP}?next=%2Fbackoffice%2F")


def test_the_demo_shows_its_code_only_with_the_sign_in_links(client, demo, settings, traveller):
    _password(client, "economy", demo.password)
    page = client.get(STEP)
    assert page.context["demo_code"] == totp_code_for(demo.economy)
    assert 'data-testid="demo-code"' in page.content.decode()
    settings.KAIFAQU_SHOW_SIGN_IN_LINKS = False
    assert client.get(STEP).context["demo_code"] is None


# Recovery codes -------------------------------------------------------------------------


def test_a_recovery_code_works_once(client, demo, traveller):
    economy = _unenrolled(demo.economy)
    codes = _enrol(client, economy, demo.password)
    client.post("/accounts/logout/")
    traveller.shift(timedelta(minutes=5))
    _password(client, "economy", demo.password)
    mark = audit_mark()
    response = client.post(STEP, {"code": codes[3].upper(), "next": DASHBOARD})
    assert (response.status_code, response.url) == (302, DASHBOARD)
    assert messages_of(response) == [
        "您使用了一个恢复码登录；还剩 9 个。如果手机丢失，请让安全管理员重置您的第二重验证。"
    ]
    rows = [(e.action, e.after) for e in audit_since(mark)]
    assert rows == [
        (AuditAction.LOGIN, {"via": "web", "recovery_code": True, "recovery_codes_left": 9})
    ]
    assert client.get(DASHBOARD).status_code == 200
    client.post("/accounts/logout/")
    _password(client, "economy", demo.password)
    again = client.post(STEP, {"code": codes[3]})
    assert again.context["form"].errors == {"code": [WRONG_ZH]}


# The API token endpoint ----------------------------------------------------------------


def test_the_token_endpoint_needs_the_code_of_accounts_that_need_it(client, demo, traveller):
    english = in_english(client)
    credentials = {"username": "economy", "password": demo.password}
    without = english.post(TOKEN, credentials)
    assert without.status_code == 400
    assert without.json() == {
        "otp": [
            "This account needs a second factor: send the code of the authenticator app "
            "(or a recovery code) in the field otp."
        ]
    }
    mark = audit_mark()
    wrong = english.post(TOKEN, {**credentials, "otp": "000000"})
    assert (wrong.status_code, wrong.json()) == (400, {"otp": ["That code is not right."]})
    assert [e.action for e in audit_since(mark)] == [AuditAction.LOGIN_FAILED]
    right = english.post(TOKEN, {**credentials, "otp": totp_code_for(demo.economy)})
    assert right.status_code == 200
    assert len(right.json()["token"]) == 40


def test_the_token_endpoint_takes_a_recovery_code_once(client, demo, traveller):
    economy = _unenrolled(demo.economy)
    codes = _enrol(client, economy, demo.password)
    credentials = {"username": "economy", "password": demo.password, "otp": codes[0]}
    assert client.post(TOKEN, credentials).status_code == 200
    assert client.post(TOKEN, credentials).status_code == 400


def test_the_token_endpoint_sends_an_unenrolled_account_to_the_web(client, demo):
    _unenrolled(demo.economy)
    response = in_english(client).post(
        TOKEN, {"username": "economy", "password": demo.password, "otp": "123456"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "otp": [
            "This account needs a second factor: log in on the web site once to set up an "
            "authenticator app, then ask for a token again."
        ]
    }


def test_the_token_endpoint_asks_the_leader_for_no_code(client, demo):
    response = client.post(TOKEN, {"username": "leader", "password": demo.password})
    assert response.status_code == 200


# The security administrator's reset -----------------------------------------------------


def test_the_security_administrator_resets_a_second_factor(client, as_user, demo, traveller):
    economy = _unenrolled(demo.economy)
    phone = Client()
    _enrol(phone, economy, demo.password)
    assert phone.get(DASHBOARD).status_code == 200
    security = as_user("secadmin")
    mark = audit_mark()
    response = security.post("/backoffice/security/second-factor/reset/", {"username": "economy"})
    assert (response.status_code, response.url) == (302, "/backoffice/security/")
    assert messages_of(response) == [
        "Second factor of 经济发展局统计员 reset: it sets one up at its next login."
    ]
    assert TOTPDevice.objects.filter(user=economy).exists() is False
    assert StaticDevice.objects.filter(user=economy).exists() is False
    # The session of whoever holds the lost phone ends with it.
    assert phone.get(DASHBOARD)["Location"] == f"{LOGIN}?next=/backoffice/"
    rows = [(e.action, e.actor_username, e.object_id, e.after) for e in audit_since(mark)]
    assert rows == [
        (AuditAction.ACCOUNT_CHANGE, "secadmin", str(economy.pk), {"second_factor": "reset"})
    ]
    security.post("/accounts/logout/")
    _password(client, "economy", demo.password)
    assert client.get(DASHBOARD).url == f"{ENROL}?next=%2Fbackoffice%2F"


def test_the_reset_spares_administrators_and_is_the_security_administrators(as_user, demo):
    security = as_user("secadmin")
    response = security.post("/backoffice/security/second-factor/reset/", {"username": "admin"})
    assert messages_of(response) == [
        "admin holds the role Zone administrator: no administrator may change or reset that "
        "account. Run kaifaqu reset_admin_password on the server."
    ]
    assert TOTPDevice.objects.filter(user=demo.admin).count() == 1
    unknown = security.post("/backoffice/security/second-factor/reset/", {"username": "nobody"})
    assert messages_of(unknown)[-1] == "No account is called nobody."
    system = as_user("sysadmin")
    refused = system.post("/backoffice/security/second-factor/reset/", {"username": "economy"})
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=demo.economy).count() == 1
    assert AuditEntry.objects.filter(after__second_factor="reset").exists() is False


def test_the_server_command_resets_an_administrators_second_factor(demo):
    out = run_command("reset_second_factor", "admin")
    assert out == "Second factor of admin reset.\n"
    assert TOTPDevice.objects.filter(user=demo.admin).exists() is False
    row = AuditEntry.objects.latest("seq")
    assert (row.action, row.actor_username, row.after) == (
        AuditAction.ACCOUNT_CHANGE,
        "system:reset_second_factor",
        {"second_factor": "reset"},
    )
    again = run_command("reset_second_factor", "admin")
    assert again == "admin has no second factor set up; nothing was changed.\n"
    with pytest.raises(CommandError, match=re.escape("No account 'nobody'; nothing was changed.")):
        run_command("reset_second_factor", "nobody")
