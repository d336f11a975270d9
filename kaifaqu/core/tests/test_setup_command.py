"""``kaifaqu setup``: the first accounts of a real zone, without a shell or the demo."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kaifaqu.core import access
from kaifaqu.core.models import AuditEntry, RoleGrant, User

GOOD = {
    "KAIFAQU_SETUP_ZONE_ADMIN_PASSWORD": "Zone-Admin-Pass-2031",
    "KAIFAQU_SETUP_SYSTEM_ADMIN_PASSWORD": "System-Admin-Pass-2031",
    "KAIFAQU_SETUP_SECURITY_ADMIN_PASSWORD": "Security-Admin-Pass-2031",
    "KAIFAQU_SETUP_AUDIT_ADMIN_PASSWORD": "Audit-Admin-Pass-2031",
}


@pytest.fixture
def passwords(monkeypatch):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)


def _roles() -> list[tuple[str, str]]:
    return sorted(RoleGrant.objects.values_list("user__username", "role"))


@pytest.mark.django_db
def test_an_empty_installation_gets_its_four_administrators(passwords, capsys):
    call_command("setup", "--no-input", "--zone-admin", "wang")
    assert _roles() == [
        ("auditadmin", "audit_admin"),
        ("secadmin", "security_admin"),
        ("sysadmin", "system_admin"),
        ("wang", "zone_admin"),
    ]
    wang = User.objects.get(username="wang")
    assert wang.check_password("Zone-Admin-Pass-2031")
    assert access.reads_all_business(wang)
    assert {e.actor_username for e in AuditEntry.objects.all()} == {"system:setup"}
    assert "Set up. Sign in at /accounts/login/" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_weak_password_creates_no_account_at_all(passwords, monkeypatch):
    monkeypatch.setenv("KAIFAQU_SETUP_AUDIT_ADMIN_PASSWORD", "12345678")
    with pytest.raises(
        CommandError, match=r"^The audit administrator auditadmin: .*Nothing was created\.$"
    ):
        call_command("setup", "--no-input")
    assert (User.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_missing_password_without_a_terminal_is_refused(monkeypatch):
    monkeypatch.delenv("KAIFAQU_SETUP_ZONE_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="set KAIFAQU_SETUP_ZONE_ADMIN_PASSWORD"):
        call_command("setup", "--no-input")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_one_person_cannot_hold_two_seats(passwords):
    with pytest.raises(CommandError, match="三员 separation"):
        call_command("setup", "--no-input", "--security-admin", "sysadmin")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_second_run_is_refused_and_if_empty_does_nothing(passwords, capsys):
    call_command("setup", "--no-input")
    with pytest.raises(CommandError, match="set up already"):
        call_command("setup", "--no-input", "--zone-admin", "li")
    call_command("setup", "--no-input", "--if-empty")
    assert "nothing to set up" in capsys.readouterr().out
    assert User.objects.count() == 4
