"""Public visitors never get staff roles, and their sessions reach the personal space only
(issue 12): the roles page never offers their accounts, the grant services refuse them, the
back office and the API's schema and documentation refuse their sessions, and a grant made
to one before this was refused is listed on the roles page and revocable there."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaifaqu.core import services as core_services
from kaifaqu.core.models import RoleGrant
from kaifaqu.core.roles import DepartmentRole, Role
from kaifaqu.core.testing import audit_mark, audit_since
from kaifaqu.orgs import services as orgs_services
from kaifaqu.orgs.models import Membership

from .test_views_support import asked, visitor_client  # noqa: F401  (fixtures)

STAFF = [
    "admin",
    "leader",
    "economy",
    "investment",
    "finance",
    "twodept",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
BACKOFFICE = [
    "/backoffice/",
    "/backoffice/users/",
    "/backoffice/security/",
    "/backoffice/orgs/access/",
    "/backoffice/audit/",
    "/backoffice/consultations/",
    "/backoffice/stats/",
    "/backoffice/investment/",
]


def test_the_roles_page_never_offers_a_visitors_account(as_user, asked):  # noqa: F811
    page = as_user("secadmin").get(reverse("orgs:access"))
    assert page.status_code == 200
    for name in ("role_form", "membership_form"):
        offered = set(page.context[name].fields["user"].queryset)
        assert asked.visitor.user not in offered


def test_a_grant_posted_for_a_visitor_is_refused_by_the_form(as_user, asked):  # noqa: F811
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"),
        {"action": "grant_role", "user": asked.visitor.user.pk, "role": Role.ZONE_ADMIN},
    )
    assert response.status_code == 200
    assert list(response.context["role_form"].errors) == ["user"]
    assert not RoleGrant.objects.filter(user=asked.visitor.user).exists()
    assert audit_since(mark) == []


@pytest.mark.usefixtures("english")
def test_the_grant_services_refuse_a_visitors_account(demo, asked):  # noqa: F811
    user = asked.visitor.user
    expected = [
        f"{user.username} is a visitor's account, not a staff account: it cannot hold a role."
    ]
    with pytest.raises(ValidationError) as refused:
        core_services.role_grant(actor=demo.secadmin, user=user, role=Role.ZONE_ADMIN)
    assert refused.value.messages == expected
    with pytest.raises(ValidationError) as refused:
        orgs_services.membership_grant(
            actor=demo.secadmin,
            user=user,
            department=demo.departments["investment"],
            role=DepartmentRole.EDITOR,
        )
    assert refused.value.messages == expected
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize("path", BACKOFFICE)
def test_a_visitors_session_is_refused_the_back_office_even_with_a_role(
    visitor_client,  # noqa: F811
    asked,  # noqa: F811
    path,
):
    # A grant made before grants to visitors were refused.
    RoleGrant.objects.create(user=asked.visitor.user, role=Role.ZONE_ADMIN)
    assert visitor_client.get(path).status_code == 403
    assert visitor_client.get("/space/").status_code == 200


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_a_visitors_session_is_refused_the_api_schema_and_docs(visitor_client, path):  # noqa: F811
    assert visitor_client.get(path).status_code == 403


@pytest.mark.parametrize("username", STAFF)
def test_every_staff_role_opens_the_api_docs(as_user, username):
    assert as_user(username).get("/api/docs/").status_code == 200


def test_a_staff_account_reads_the_api_schema(as_user):
    assert as_user("leader").get("/api/schema/").status_code == 200


def test_a_visitors_old_grant_is_listed_and_revoked_on_the_roles_page(as_user, asked, demo):  # noqa: F811
    user = asked.visitor.user
    RoleGrant.objects.create(user=user, role=Role.ZONE_ADMIN)
    Membership.objects.create(
        user=user, department=demo.departments["investment"], role=DepartmentRole.EDITOR
    )
    client = as_user("secadmin")
    page = client.get(reverse("orgs:access"))
    assert user in list(page.context["users"])
    assert f'data-user="{user.username}"' in page.content.decode()
    membership = Membership.objects.get(user=user)
    for data in (
        {"action": "revoke_role", "user": user.pk, "role": Role.ZONE_ADMIN},
        {"action": "revoke_membership", "membership": membership.pk},
    ):
        assert client.post(reverse("orgs:access"), data).status_code == 302
    assert not RoleGrant.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_a_visitor_without_a_role_is_not_listed_on_the_roles_page(as_user, asked):  # noqa: F811
    page = as_user("secadmin").get(reverse("orgs:access"))
    assert asked.visitor.user not in list(page.context["users"])


def test_a_visitor_refused_the_back_office_is_told_why_in_the_public_frame(visitor_client):  # noqa: F811
    response = visitor_client.get("/backoffice/")
    assert response.status_code == 403
    body = response.content.decode()
    assert (
        "The back office is for the zone&#x27;s staff; your account is a personal space."
    ) in body
    assert 'data-testid="public-footer"' in body  # the public site's frame, not the staff's
    assert 'data-testid="current-user"' not in body
    assert 'href="/" data-testid="error-start">To the home page</a>' in body
