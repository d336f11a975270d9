"""The account and role services run as the system (``actor=None``) as well as for a user."""

from __future__ import annotations

import pytest

from kaifaqu.core import access, services
from kaifaqu.core.models import AuditAction, AuditEntry, RoleGrant
from kaifaqu.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_system_revokes_a_role_it_granted():
    # role_revoke compared the actor's pk with the user's before checking there was an actor,
    # so the system (a command) passed the role check and then failed with AttributeError.
    user = services.user_create(actor=None, username="newcomer", password="Kaifaqu#Staff2017")
    services.role_grant(actor=None, user=user, role=Role.LEADER)
    assert access.has_role(user, Role.LEADER)

    services.role_revoke(actor=None, user=user, role=Role.LEADER)

    assert not RoleGrant.objects.filter(user=user).exists()
    assert not access.has_role(user, Role.LEADER)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        AuditAction.PERMISSION_CHANGE,
        None,
        {"granted": "leader"},
        None,
    )
