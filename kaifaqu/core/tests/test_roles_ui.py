"""Who may use the accounts, security and audit pages of the back office (issue 2, UI).

The three separated administrators (三员) each have their own pages and nothing else: the
system administrator the accounts, the security administrator the security policy (and the
roles page in orgs), the audit administrator the audit log.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifaqu.core import access, audit, spreadsheets
from kaifaqu.core.models import AuditEntry, User
from kaifaqu.core.testing import (
    audit_mark,
    audit_since,
    in_english,
    messages_of,
    xlsx_cell_quoted,
    xlsx_sheet,
)

EVERYONE = [
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
NEW_PASSWORD = "Kaifaqu#Staff2017"


def others_than(*usernames: str) -> list[str]:
    return [u for u in EVERYONE if u not in usernames]


# --- anonymous visitors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("core:dashboard", []),
        ("core:user_list", []),
        ("core:user_create", []),
        ("core:user_update", [1]),
        ("core:user_update", [999999]),  # no such account: still the login page, not a 404
        ("core:security", []),
        ("core:audit_list", []),
        ("core:audit_export", []),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo, url_name, args):
    url = reverse(url_name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={url}"


# --- the back office shows each role its own modules ------------------------------------------


#: The statistics modules an editor of some department sees, and a reader.
EDITOR_NAV = ["dashboard", "orgs", "stats", "stats_entry", "stats_checks", "figures", "reports"]
READER_NAV = ["dashboard", "orgs", "stats_checks", "figures", "reports"]


@pytest.mark.parametrize(
    ("username", "modules"),
    [
        (
            "admin",
            [*EDITOR_NAV, "investment", "consultations", "carriers", "policies", "api_docs"],
        ),
        (
            "leader",
            [*READER_NAV, "investment", "consultations", "carriers", "policies"],
        ),
        ("economy", [*EDITOR_NAV, "investment", "carriers", "policies"]),
        ("finance", [*READER_NAV, "investment", "carriers", "policies"]),
        ("twodept", [*EDITOR_NAV, "investment", "consultations", "carriers", "policies"]),
        ("investment", [*EDITOR_NAV, "investment", "consultations", "carriers", "policies"]),
        ("sysadmin", ["dashboard", "users", "api_docs"]),
        # The API's documentation only for the administrators, who connect systems to it.
        ("secadmin", ["dashboard", "access", "security"]),
        ("auditadmin", ["dashboard", "audit"]),
    ],
)
def test_the_navigation_offers_each_role_its_own_modules(as_user, username, modules):
    response = as_user(username).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert [e.key for e in response.context["nav_entries"]] == modules


# --- the system administrator manages accounts ----------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"), [("sysadmin", 200)] + [(u, 403) for u in others_than("sysadmin")]
)
@pytest.mark.parametrize("page", ["user_list", "user_create", "user_update"])
def test_only_the_system_administrator_opens_the_account_pages(
    as_user, demo, page, username, status
):
    args = [demo.economy.pk] if page == "user_update" else []
    assert as_user(username).get(reverse(f"core:{page}", args=args)).status_code == status


@pytest.mark.parametrize(("username", "status"), [("sysadmin", 404), ("auditadmin", 403)])
def test_an_unknown_account_is_not_found_only_by_the_system_administrator(
    as_user, username, status
):
    url = reverse("core:user_update", args=[999999])
    assert as_user(username).get(url).status_code == status


def test_the_account_list_shows_every_account_in_a_bounded_number_of_queries(
    as_user, django_assert_max_num_queries
):
    client = as_user("sysadmin")
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("core:user_list"))
    assert [u.username for u in response.context["users"]] == sorted(EVERYONE)
    for i in range(20):
        User.objects.create_user(username=f"staff{i:02}", password=NEW_PASSWORD)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:user_list"))
    assert len(response.context["users"]) == 29


def test_the_system_administrator_opens_an_account_with_no_role(as_user):
    client = as_user("sysadmin")
    mark = audit_mark()
    response = client.post(
        reverse("core:user_create"),
        {"username": "zhangsan", "full_name": "张三", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_list")
    assert messages_of(response) == ["Account zhangsan created."]
    user = User.objects.get(username="zhangsan")
    assert user.check_password(NEW_PASSWORD)
    assert access.global_roles(user) == frozenset()
    assert access.department_roles(user) == {}
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_type, row.object_id) == (
        "create",
        "sysadmin",
        "core.user",
        str(user.pk),
    )
    assert row.before is None
    # The holder's name and contact details stay out of the row (User.audit_exclude).
    assert row.after == {"username": "zhangsan", "is_active": True}


def test_a_taken_username_is_refused_by_the_username_field(as_user):
    response = as_user("sysadmin").post(
        reverse("core:user_create"),
        {"username": "economy", "full_name": "重名", "password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    message = "A user with that username already exists."
    assert response.context["form"].errors == {"username": [message]}
    page = response.content.decode()
    assert page.index('name="username"') < page.index(f'data-error="username">{message}<')
    assert User.objects.filter(username="economy").count() == 1


def test_the_system_administrator_changes_an_account_with_one_audit_row(as_user, demo):
    client = as_user("sysadmin")
    mark = audit_mark()
    response = client.post(
        reverse("core:user_update", args=[demo.economy.pk]),
        {"full_name": "经济发展局统计员", "email": "", "phone": "0534-1234567", "is_active": "on"},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Account saved."]
    demo.economy.refresh_from_db()
    assert demo.economy.phone == "0534-1234567"
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_id) == (
        "account_change",
        "sysadmin",
        str(demo.economy.pk),
    )
    # The change is said by the field's name: no row holds the holder's contact details.
    assert (row.before, row.after) == (
        {"username": "economy", "is_active": True},
        {"username": "economy", "is_active": True, "personal_data_changed": ["phone"]},
    )
    assert "0534-1234567" not in str(row.after)


@pytest.mark.parametrize("username", others_than("sysadmin"))
def test_no_one_else_opens_changes_or_resets_an_account(as_user, demo, username):
    client = as_user(username)
    mark = audit_mark()
    created = client.post(
        reverse("core:user_create"),
        {"username": "zhangsan", "full_name": "张三", "password": NEW_PASSWORD},
    )
    changed = client.post(
        reverse("core:user_update", args=[demo.finance.pk]),
        {"full_name": "改名", "email": "", "phone": "", "is_active": ""},
    )
    reset = client.post(
        reverse("core:user_password", args=[demo.finance.pk]), {"password": NEW_PASSWORD}
    )
    assert (created.status_code, changed.status_code, reset.status_code) == (403, 403, 403)
    assert not User.objects.filter(username="zhangsan").exists()
    demo.finance.refresh_from_db()
    assert (demo.finance.full_name, demo.finance.is_active) == ("财政局查询员", True)
    assert demo.finance.check_password(demo.password)
    assert audit_since(mark) == []


# --- the security administrator: the security page ------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"), [("secadmin", 200)] + [(u, 403) for u in others_than("secadmin")]
)
def test_only_the_security_administrator_opens_the_security_page(as_user, username, status):
    assert as_user(username).get(reverse("core:security")).status_code == status


# --- the audit administrator reads the log ---------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"), [("auditadmin", 200)] + [(u, 403) for u in others_than("auditadmin")]
)
@pytest.mark.parametrize("page", ["audit_list", "audit_export"])
def test_only_the_audit_administrator_reads_or_exports_the_log(as_user, page, username, status):
    client = as_user(username)
    mark = audit_mark()
    assert client.get(reverse(f"core:{page}")).status_code == status
    if status == 403:
        assert audit_since(mark) == []


def _sign_in_around(demo, *usernames: str) -> None:
    for username in usernames:
        Client().force_login(demo.users[username])


def test_the_log_filters_by_action(as_user, demo):
    _sign_in_around(demo, "economy", "leader")
    client = as_user("auditadmin")
    response = client.get(reverse("core:audit_list"), {"action": "login"})
    assert response.status_code == 200
    logins = list(
        AuditEntry.objects.filter(action="login").order_by("-seq").values_list("seq", flat=True)
    )
    assert [e.seq for e in response.context["entries"]] == logins
    assert [e.actor_username for e in response.context["entries"]] == [
        "auditadmin",
        "leader",
        "economy",
    ]
    html = response.content.decode()
    assert [f'data-seq="{seq}"' in html for seq in logins] == [True] * 3


def test_the_log_filters_by_user_and_action_together(as_user, demo):
    _sign_in_around(demo, "economy", "leader", "economy")
    response = as_user("auditadmin").get(
        reverse("core:audit_list"), {"action": "login", "user": "econ"}
    )
    assert [(e.action, e.actor_username) for e in response.context["entries"]] == [
        ("login", "economy"),
        ("login", "economy"),
    ]


def test_the_log_page_takes_a_bounded_number_of_queries(as_user, django_assert_max_num_queries):
    client = as_user("auditadmin")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:audit_list"))
    for i in range(120):
        audit.record("create", actor_label="loader", object_repr=f"row {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:audit_list"))
    assert len(response.context["entries"]) == 50


def test_the_export_holds_the_filtered_rows_and_is_itself_audited(as_user, demo, english):
    _sign_in_around(demo, "economy")
    client = in_english(as_user("auditadmin"))
    logins = list(AuditEntry.objects.filter(action="login").order_by("seq"))
    mark = audit_mark()
    response = client.get(reverse("core:audit_export"), {"action": "login", "sort": "seq"})
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="audit.xlsx"'
    header, *rows = xlsx_sheet(response)
    assert header == [
        "#",
        "Time",
        "User",
        "IP address",
        "Action",
        "Kind of record",
        "Record",
        "Changes",
        "Hash",
    ]
    assert [(r[0], r[2], r[4], r[8]) for r in rows] == [
        (e.seq, e.actor_username, "Login", e.hash) for e in logins
    ]
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_type, row.object_repr) == (
        "export",
        "auditadmin",
        "core.auditentry",
        "Audit log",
    )
    assert row.after == {
        "list": "audit",
        "filters": {"action": "login"},
        "sort": ["seq"],
        "columns": header,
        "rows": 2,
    }


@pytest.mark.parametrize("username", ['=HYPERLINK("http://x.example")', "+1+2", "-2+3", "@SUM(1)"])
def test_a_cell_a_spreadsheet_would_run_is_exported_as_text(as_user, demo, username):
    # Anyone can put text into the log: a failed login records the name that was typed.
    failed = Client().post(reverse("core:login"), {"username": username, "password": "wrong"})
    assert failed.status_code == 200
    response = as_user("auditadmin").get(reverse("core:audit_export"), {"action": "login_failed"})
    _header, row = xlsx_sheet(response)
    assert (row[2], row[6]) == (username, username)
    assert xlsx_cell_quoted(response, 2, 3)
    assert xlsx_cell_quoted(response, 2, 7)
