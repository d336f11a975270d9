"""The account pages say every problem on its box: an empty or refused password reset is
said under the password box, on the account's page, and changes nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kaifaqu.core.testing import audit_mark, audit_since


def _under(html: str, name: str) -> list[str]:
    return re.findall(
        rf'<div class="invalid-feedback d-block" data-error="{name}">([^<]*)</div>', html
    )


@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("", ["This field is required."]),
        ("short", None),  # the password policy's messages, each under the box
    ],
)
def test_a_refused_password_reset_is_said_under_its_box(as_user, demo, password, errors):
    client = as_user("sysadmin")
    account = demo.users["finance"]
    mark = audit_mark()
    response = client.post(reverse("core:user_password", args=[account.pk]), {"password": password})
    assert response.status_code == 200
    html = response.content.decode()
    shown = _under(html, "password")
    if errors is None:
        assert shown
        assert "This password is too short. It must contain at least 12 characters." in shown
    else:
        assert shown == errors
    assert 'name="full_name"' in html  # the account's page, its own form unbound
    account.refresh_from_db()
    assert account.check_password(demo.password)
    assert audit_since(mark) == []


def test_a_password_reset_still_resets(as_user, demo):
    client = as_user("sysadmin")
    account = demo.users["finance"]
    response = client.post(
        reverse("core:user_password", args=[account.pk]), {"password": "Kaifaqu#Staff2031x"}
    )
    assert response["Location"] == reverse("core:user_update", args=[account.pk])
    account.refresh_from_db()
    assert account.check_password("Kaifaqu#Staff2031x")
