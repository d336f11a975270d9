"""A staff member's own account page: the password's age and its change, the second factor,
and the revocation of their own API token."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from rest_framework.authtoken.models import Token

from kaifaqu.core import selectors
from kaifaqu.core.models import AuditAction, AuditEntry

PAGE = "/backoffice/account/"


def test_the_page_shows_the_password_age_the_second_factor_and_the_token(
    demo, as_user, django_assert_num_queries
):
    user = demo.economy
    user.password_changed_at = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    user.save(update_fields=["password_changed_at"])
    with time_machine.travel(datetime(2026, 11, 2, 2, 0, tzinfo=UTC), tick=False):
        Token.objects.create(user=user)
    client = as_user("economy")
    with time_machine.travel(datetime(2026, 11, 3, 2, 0, tzinfo=UTC), tick=False):
        with django_assert_num_queries(3):
            account = selectors.own_account(user)
        assert (account.password_expires, account.token and account.token.expires) == (
            datetime(2027, 1, 30, 2, 0, tzinfo=UTC),
            datetime(2026, 12, 2, 2, 0, tzinfo=UTC),
        )
        html = client.get(PAGE).content.decode()
    assert "to be changed by 01/30/2027" in html
    assert 'action="/backoffice/account/token/revoke/"' in html


def test_the_owner_revokes_their_own_token_from_the_page(demo, as_user):
    Token.objects.create(user=demo.economy)
    client = as_user("economy")
    response = client.post("/backoffice/account/token/revoke/")
    assert (response.status_code, response.url) == (302, PAGE)
    assert not Token.objects.filter(user=demo.economy).exists()
    row = AuditEntry.objects.latest("seq")
    assert (row.action, row.actor_username, row.after) == (
        AuditAction.ACCOUNT_CHANGE,
        "economy",
        {"api_token": "revoked"},
    )
    page = client.get(PAGE).content.decode()
    assert "You hold no API token." in page


def test_revoking_touches_only_the_callers_own_token(demo, as_user):
    Token.objects.create(user=demo.leader)
    as_user("economy").post("/backoffice/account/token/revoke/")
    assert Token.objects.filter(user=demo.leader).exists()


def test_a_wrong_current_password_changes_nothing_and_says_so(demo, as_user):
    client = as_user("economy")
    before = demo.economy.password
    response = client.post(
        "/backoffice/account/password/",
        {
            "old_password": "not-it",
            "new_password1": "Another-Long-Pass-42",
            "new_password2": "Another-Long-Pass-42",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    demo.economy.refresh_from_db()
    assert demo.economy.password == before


def test_the_owner_changes_their_password_from_the_page(demo, as_user):
    client = as_user("economy")
    response = client.post(
        "/backoffice/account/password/",
        {
            "old_password": demo.password,
            "new_password1": "Another-Long-Pass-42",
            "new_password2": "Another-Long-Pass-42",
        },
    )
    assert (response.status_code, response.url) == (302, PAGE)
    demo.economy.refresh_from_db()
    assert demo.economy.check_password("Another-Long-Pass-42")
    assert client.get(PAGE).status_code == 200  # still signed in


def test_anonymous_callers_are_sent_to_sign_in(client, demo):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
