"""Fixtures shared by every package's tests and the browser tests."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from kaifaqu.orgs.demo import demo_password


@pytest.fixture
def demo(db):
    """The demo zone, departments and accounts, loaded through the services."""
    call_command("load_demo", stdout=io.StringIO())
    from kaifaqu.core.models import User
    from kaifaqu.orgs.models import Department, OrgUnit

    users = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(
        password=demo_password(),
        users=users,
        zone=OrgUnit.objects.get(code="371471"),
        city=OrgUnit.objects.get(code="371400"),
        departments={d.code: d for d in Department.objects.all()},
        **users,
    )


@pytest.fixture
def login(client, demo):
    """Log the test client in as a demo account by username; returns the client."""

    def _login(username: str):
        client.force_login(demo.users[username])
        return client

    return _login


@pytest.fixture
def api(demo):
    """An API client authenticated as a demo account by username (token authentication)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def _api(username: str | None):
        client = APIClient()
        if username is not None:
            token, _ = Token.objects.get_or_create(user=demo.users[username])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _api


@pytest.fixture
def area(demo):
    """A profile fact of the zone, kept by 经济发展局."""
    from kaifaqu.orgs.models import ProfileFact, ProfileFactKey

    return ProfileFact.objects.get(org_unit=demo.zone, key=ProfileFactKey.AREA)


@pytest.fixture
def finance_fact(demo):
    """A fact kept by 财政局, which the demo does not have: 赵虎镇's households."""
    from datetime import date
    from decimal import Decimal

    from kaifaqu.orgs import services
    from kaifaqu.orgs.models import OrgUnit, ProfileFactKey

    return services.profile_fact_create(
        actor=None,
        org_unit=OrgUnit.objects.get(code="371471101"),
        key=ProfileFactKey.HOUSEHOLDS,
        value=Decimal("4200"),
        as_of=date(2017, 9, 30),
        source="illustrative",
        department=demo.departments["finance"],
    )
