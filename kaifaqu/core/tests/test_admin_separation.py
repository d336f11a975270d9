"""三员 no one person can undo: no administrator changes or resets another administrator's
(or a zone administrator's) account; only the server command resets their passwords."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError
from django.urls import reverse

from kaifaqu.core import services
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.testing import audit_mark, audit_since, run_command

NEW_PASSWORD = "Kaifaqu#Staff2017"
PROTECTED = ["secadmin", "auditadmin", "admin"]


def test_the_takeover_by_the_system_administrator_is_refused_at_its_first_step(as_user, demo):
    """The issue's story: the system administrator resets the security administrator's
    password, signs in as them, grants a new account the zone administrator's role and reads
    the log as the audit administrator. The first step is refused; nothing changes."""
    client = as_user("sysadmin")
    mark = audit_mark()
    reset = client.post(
        reverse("core:user_password", args=[demo.secadmin.pk]), {"password": NEW_PASSWORD}
    )
    assert reset.status_code == 403
    demo.secadmin.refresh_from_db()
    assert demo.secadmin.check_password(demo.password)
    assert not demo.secadmin.check_password(NEW_PASSWORD)
    # Refusals write no audit row in this project (a 403 is not an event of the log).
    assert audit_since(mark) == []
    # So the second step, signing in as the security administrator, fails.
    client.logout()
    signed_in = client.post(
        reverse("core:login"), {"username": "secadmin", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("chinese")
def test_the_service_refuses_the_reset_in_chinese(demo):
    with pytest.raises(PermissionDenied) as refused:
        services.user_set_password(actor=demo.sysadmin, user=demo.secadmin, password=NEW_PASSWORD)
    assert str(refused.value) == (
        "secadmin 担任安全管理员：任何管理员都不能修改或重置该账号。请在服务器上运行 "
        "kaifaqu reset_admin_password。"
    )


@pytest.mark.parametrize("target", PROTECTED)
def test_no_administrator_resets_or_changes_another_administrators_account(as_user, demo, target):
    account = demo.users[target]
    client = as_user("sysadmin")
    mark = audit_mark()
    reset = client.post(
        reverse("core:user_password", args=[account.pk]), {"password": NEW_PASSWORD}
    )
    changed = client.post(
        reverse("core:user_update", args=[account.pk]),
        {"full_name": "改名", "email": "", "phone": "", "is_active": ""},
    )
    assert (reset.status_code, changed.status_code) == (403, 403)
    account.refresh_from_db()
    assert (account.full_name, account.is_active) == (demo.users[target].full_name, True)
    assert account.check_password(demo.password)
    assert audit_since(mark) == []


@pytest.mark.parametrize("target", PROTECTED)
def test_the_service_refuses_every_change_of_an_administrators_account(demo, target):
    account = demo.users[target]
    with pytest.raises(PermissionDenied):
        services.user_update(actor=demo.sysadmin, user=account, is_active=False)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=demo.sysadmin, user=account, password=NEW_PASSWORD)
    account.refresh_from_db()
    assert account.is_active


def test_a_staff_account_is_still_reset_by_the_system_administrator(demo):
    services.user_set_password(actor=demo.sysadmin, user=demo.finance, password=NEW_PASSWORD)
    demo.finance.refresh_from_db()
    assert demo.finance.check_password(NEW_PASSWORD)


def test_an_administrator_changes_their_own_password(demo):
    services.user_set_password(actor=demo.secadmin, user=demo.secadmin, password=NEW_PASSWORD)
    demo.secadmin.refresh_from_db()
    assert demo.secadmin.check_password(NEW_PASSWORD)


def test_the_server_command_resets_it_from_stdin_and_is_audited(demo, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    mark = audit_mark()
    out = run_command("reset_admin_password", "secadmin")
    assert out == "Password of secadmin reset.\n"
    demo.secadmin.refresh_from_db()
    assert demo.secadmin.check_password(NEW_PASSWORD)
    [row] = audit_since(mark)
    assert (row.action, row.actor_id, row.actor_username, row.object_id, row.after) == (
        AuditAction.ACCOUNT_CHANGE,
        None,
        "system:reset_admin_password",
        str(demo.secadmin.pk),
        {"password": "changed"},
    )


@pytest.mark.usefixtures("english")
def test_the_server_command_enforces_the_password_policy(demo, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("alllowercase\n"))
    mark = audit_mark()
    with pytest.raises(CommandError) as refused:
        run_command("reset_admin_password", "secadmin")
    assert "Your password must mix at least 3 kinds of characters" in str(refused.value)
    demo.secadmin.refresh_from_db()
    assert demo.secadmin.check_password(demo.password)
    assert audit_since(mark) == []


def test_the_server_command_takes_no_password_on_its_command_line(demo):
    with pytest.raises(CommandError):
        run_command("reset_admin_password", "secadmin", NEW_PASSWORD)
    with pytest.raises(CommandError) as unknown:
        run_command("reset_admin_password", "nobody")
    assert str(unknown.value) == "No account 'nobody'; nothing was changed."
    assert not User.objects.get(username="secadmin").check_password(NEW_PASSWORD)


# --- an administrator's role is taken away on the server only -----------------------------


@pytest.mark.parametrize(
    ("username", "role", "label"),
    [("admin", "zone_admin", "开发区管理员"), ("auditadmin", "audit_admin", "审计管理员")],
)
def test_no_security_administrator_takes_an_administrators_role_away(
    as_user, demo, username, role, label
):
    user = User.objects.get(username=username)
    client = as_user("secadmin")
    mark = audit_mark()
    with pytest.raises(PermissionDenied) as refused:
        services.role_revoke(actor=demo.secadmin, user=user, role=role)
    assert str(refused.value) == (
        f"{username} 担任{label}：任何管理员都不能撤销该角色。请在服务器上运行 "
        "kaifaqu revoke_admin_role。"
    )
    page = client.post(
        reverse("orgs:access"), {"action": "revoke_role", "user": user.pk, "role": role}
    )
    assert page.status_code == 403
    assert user.role_grants.filter(role=role).exists()
    assert audit_since(mark) == []


def test_the_server_command_takes_an_administrators_role_away_and_is_audited(demo):
    mark = audit_mark()
    out = run_command("revoke_admin_role", "auditadmin", "audit_admin")
    assert out == "Role audit_admin taken from auditadmin.\n"
    assert not demo.auditadmin.role_grants.exists()
    [row] = audit_since(mark)
    assert (row.action, row.actor_id, row.actor_username, row.before, row.after) == (
        AuditAction.PERMISSION_CHANGE,
        None,
        "system:revoke_admin_role",
        {"granted": "audit_admin"},
        None,
    )
    with pytest.raises(CommandError) as unknown:
        run_command("revoke_admin_role", "nobody", "leader")
    assert str(unknown.value) == "No account 'nobody'; nothing was changed."
