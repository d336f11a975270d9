"""An empty sign-in says what is missing, under each box, both at once; it counts no failure
and names no account (the lockout and the refusal's wording are test_auth's)."""

from __future__ import annotations

import re

import pytest

from kaifaqu.core.models import AuditEntry

LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"username": "Enter your username.", "password": "Enter your password."}),
        ({"username": "admin"}, {"password": "Enter your password."}),
        ({"password": "secret"}, {"username": "Enter your username."}),
    ],
)
def test_an_empty_box_is_named_under_it(english_client, demo, data, errors):
    before = AuditEntry.objects.count()
    response = english_client.post(LOGIN, {"username": "", "password": "", **data})
    assert response.status_code == 200
    html = response.content.decode()
    shown = dict(
        re.findall(
            r'<div class="invalid-feedback d-block" id="id_\w+_error" '
            r'data-error="(\w+)">([^<]*)</div>',
            html,
        )
    )
    assert shown == errors
    for name in errors:
        assert re.search(rf'class="form-control is-invalid" id="id_{name}"', html)
    assert 'role="alert"' not in html  # no refusal of the pair: nothing was tried
    assert AuditEntry.objects.count() == before  # no failed sign-in recorded


def test_an_empty_sign_in_in_chinese(client, demo):
    client.cookies["django_language"] = "zh-hans"
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert "请输入用户名。" in html
    assert "请输入密码。" in html
