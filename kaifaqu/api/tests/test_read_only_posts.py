"""Every read-only role is refused every write (issue 12): each POST route of the project,
from the root URLconf, for the leader, a department viewer, the audit administrator and a
public visitor, is refused (403/404/405, or the login page) and changes no row.

The exceptions are listed below with their reasons; nothing else may answer otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kaifaqu.consultations.tests.test_views_support import submit
from kaifaqu.core.models import AuditEntry

READ_ONLY = ["leader", "finance", "auditadmin", "visitor"]

#: Routes anyone may POST to, staff or not, and why (a refusal there would be a bug).
EVERYONE_MAY = {
    "/accounts/login/": "signing in (an empty form answers the form again)",
    "/accounts/logout/": "signing out",
    "/i18n/setlang/": "choosing the language",
    "/accounts/password-expired/": "changing one's own expired password (the form again)",
    "/accounts/second-factor/": "giving one's own second factor (needed by none: onwards)",
    "/accounts/second-factor/enrol/": "setting up one's own second factor (ditto)",
    "/backoffice/account/password/": "changing one's own password (checked against the old one)",
    "/backoffice/account/token/revoke/": "withdrawing one's own API token",
    "/consult/": "the public consultation form (an empty one answers the form with its errors)",
    "/space/sign-in/": "asking for a sign-in link (an empty one answers the form again)",
    "/space/sign-in/x/": "following a sign-in link (an unknown one is refused on its page)",
    "/api/v1/auth/token/": "getting an API token (400 without credentials)",
    "/api/v1/consultations/": "the mini-program's consultation form (400 when empty)",
    "/api/v1/consultations/sign-in/": "the mini-program's sign-in link request (400 when empty)",
}
#: The visitor's own personal-space actions (on their own data only).
VISITOR_MAY = {
    "/space/contact/": "the visitor changes their own contact details",
    "/space/saved/": "the visitor saves a policy or a carrier to their own space",
    "/space/delete/": "the visitor deletes their own personal space",
    "/space/sign-out/": "the visitor signs out",
}

REFUSED = {401, 403, 404, 405}
DUMMY = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every route of the root URLconf, its converters filled with dummy values."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, text)
        else:
            if "drf_format_suffix" in text:  # the same view as the route without ".json"
                continue
            text = re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY[m.group(1) or "str"], text)
            text = text.lstrip("^").rstrip("$").replace("\\", "")
            if re.search(r"[()\[\]?*+]", text):  # a regex route (the router's format suffixes)
                continue
            yield "/" + text


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model is not Session and model._meta.managed and not model._meta.proxy
    }


def client_for(username: str, as_user, asked) -> Client:
    if username == "visitor":
        client = Client()
        client.force_login(asked.visitor.user)
        return client
    return as_user(username)


@pytest.fixture
def asked(demo, media):
    return submit()


@pytest.mark.parametrize("username", READ_ONLY)
def test_every_post_route_refuses_a_read_only_role(as_user, asked, username):
    client = client_for(username, as_user, asked)
    allowed = EVERYONE_MAY | (VISITOR_MAY if username == "visitor" else {})
    paths = sorted(set(routes()))
    assert len(paths) > 50
    before, audited = row_counts(), AuditEntry.objects.count()
    answered = {}
    for path in paths:
        if path in allowed:
            continue
        response = client.post(path, {})
        status = response.status_code
        to_login = status == 302 and response["Location"].startswith("/accounts/login/")
        if status not in REFUSED and not to_login:
            answered[path] = status
    assert answered == {}
    assert AuditEntry.objects.count() == audited
    assert row_counts() == before


def test_the_exceptions_name_existing_routes():
    paths = set(routes())
    assert set(EVERYONE_MAY) - paths == set()
    assert set(VISITOR_MAY) - paths == set()
