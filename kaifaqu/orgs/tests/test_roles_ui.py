"""Who reads and changes what in the org pages of the back office (issue 2, through the UI).

Profile facts of the demo zone are kept by 经济发展局 (``economy``), its honours by 党政办公室
(``office``). Department rights hold within the department's own data only.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.core import access
from kaifaqu.core import services as core_services
from kaifaqu.core.demo import SEED
from kaifaqu.core.models import AuditEntry, RoleGrant
from kaifaqu.core.testing import audit_mark, audit_since, messages_of
from kaifaqu.orgs import services
from kaifaqu.orgs.demo import HONOURS
from kaifaqu.orgs.models import Membership, OrgUnit, ProfileFact, ProfileFactKey

BUSINESS_READERS = ["admin", "leader", "economy", "investment", "finance", "twodept"]
SEPARATED_ADMINS = ["sysadmin", "secadmin", "auditadmin"]
EVERYONE = BUSINESS_READERS + SEPARATED_ADMINS
TOWN = "371471101"  # 赵虎镇
EDIT_LINK = re.compile(r'href="/backoffice/orgs/facts/\d+/edit/"')


def fact_form(fact: ProfileFact, value: str = "325.00", version: int | None = None) -> dict:
    return {
        "value": value,
        "as_of": fact.as_of.isoformat(),
        "source": fact.source,
        "version": fact.version if version is None else version,
    }


def fact_edit_url(fact: ProfileFact) -> str:
    return reverse("orgs:fact_edit", args=[fact.pk])


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [(u, 200) for u in BUSINESS_READERS] + [(u, 403) for u in SEPARATED_ADMINS],
)
def test_the_org_tree_is_for_business_readers_only(as_user, username, status):
    response = as_user(username).get(reverse("orgs:tree"))
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count("<code>") == OrgUnit.objects.count() == 24


@pytest.mark.parametrize(
    ("username", "facts", "edit_links", "honours"),
    [
        ("admin", 10, 10, 12),  # reads and changes everything
        ("leader", 10, 0, 12),  # reads everything, changes nothing
        ("economy", 10, 10, 0),  # its own facts; the honours are 党政办公室's
        ("investment", 0, 0, 0),
        ("finance", 0, 0, 0),
        ("twodept", 0, 0, 0),
    ],
)
def test_the_zone_page_shows_each_reader_its_own_data_and_edit_links(
    as_user, demo, username, facts, edit_links, honours
):
    response = as_user(username).get(reverse("orgs:unit", args=[demo.zone.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-fact="') == facts
    assert len(EDIT_LINK.findall(html)) == edit_links
    assert sum(name in html for name, _level in HONOURS) == honours
    # The units below are not department data: every business reader sees them.
    assert "赵虎镇" in html


@pytest.mark.parametrize("username", SEPARATED_ADMINS)
def test_the_three_administrators_read_no_business_data(as_user, demo, area, username):
    client = as_user(username)
    assert client.get(reverse("orgs:tree")).status_code == 403
    assert client.get(reverse("orgs:unit", args=[demo.zone.code])).status_code == 403
    assert client.get(fact_edit_url(area)).status_code == 403


@pytest.mark.parametrize(
    ("username", "rows", "edit_links"),
    [
        ("finance", 1, 0),  # a viewer reads its department's fact and cannot change it
        ("twodept", 1, 1),  # editor in 财政局 as well as 招商局
        ("admin", 1, 1),
        ("leader", 1, 0),
        ("economy", 0, 0),
        ("investment", 0, 0),
    ],
)
def test_a_town_page_shows_the_finance_fact_to_finance_members_only(
    as_user, finance_fact, username, rows, edit_links
):
    html = as_user(username).get(reverse("orgs:unit", args=[TOWN])).content.decode()
    assert html.count('data-fact="households"') == rows
    assert len(EDIT_LINK.findall(html)) == edit_links


# --- changing profile facts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("economy", 200)]
    + [(u, 403) for u in EVERYONE if u not in ("admin", "economy")],
)
def test_only_zone_admins_and_the_owning_department_open_the_edit_form(
    as_user, area, username, status
):
    response = as_user(username).get(fact_edit_url(area))
    assert response.status_code == status
    if status == 200:
        assert response.context["form"]["version"].value() == 1


@pytest.mark.parametrize("username", ["admin", "economy"])
def test_an_allowed_edit_saves_and_writes_one_audit_row_with_before_and_after(
    as_user, demo, area, username
):
    client = as_user(username)
    mark = audit_mark()
    response = client.post(fact_edit_url(area), fact_form(area))
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit", args=[demo.zone.code])
    assert messages_of(response) == ["Saved."]
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("325.00"), 2)
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_type, row.object_id) == (
        "update",
        username,
        "orgs.profilefact",
        str(area.pk),
    )
    assert row.before.keys() == row.after.keys()
    changed = {k: (row.before[k], row.after[k]) for k in row.after if row.before[k] != row.after[k]}
    assert changed == {"value": ("320.00", "325.00"), "version": (1, 2)}
    assert {k: row.after[k] for k in ("id", "department_id", "org_unit_id", "as_of", "source")} == {
        "id": area.pk,
        "department_id": demo.departments["economy"].pk,
        "org_unit_id": demo.zone.pk,
        "as_of": "2017-09-30",
        "source": SEED,
    }


@pytest.mark.parametrize("username", [u for u in EVERYONE if u not in ("admin", "economy")])
def test_a_refused_edit_changes_nothing_and_writes_no_audit_row(as_user, area, username):
    client = as_user(username)
    mark = audit_mark()
    response = client.post(fact_edit_url(area), fact_form(area))
    assert response.status_code == 403
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("320.00"), 1)
    assert audit_since(mark) == []


@pytest.mark.parametrize(
    ("username", "status"),
    [("twodept", 302), ("admin", 302), ("finance", 403), ("investment", 403), ("economy", 403)],
)
def test_the_finance_fact_is_changed_by_finance_editors_and_zone_admins(
    as_user, finance_fact, username, status
):
    client = as_user(username)
    mark = audit_mark()
    response = client.post(fact_edit_url(finance_fact), fact_form(finance_fact, "4300.00"))
    assert response.status_code == status
    finance_fact.refresh_from_db()
    if status == 302:
        assert (finance_fact.value, finance_fact.version) == (Decimal("4300.00"), 2)
        (row,) = audit_since(mark)
        assert (row.actor_username, row.before["value"], row.after["value"]) == (
            username,
            "4200.00",
            "4300.00",
        )
    else:
        assert (finance_fact.value, finance_fact.version) == (Decimal("4200.00"), 1)
        assert audit_since(mark) == []


def test_a_user_in_two_departments_cannot_change_a_third_departments_fact(as_user, area):
    client = as_user("twodept")
    assert client.get(fact_edit_url(area)).status_code == 403
    assert client.post(fact_edit_url(area), fact_form(area)).status_code == 403
    area.refresh_from_db()
    assert area.value == Decimal("320.00")


def test_the_form_shows_a_concurrent_edit_and_keeps_the_other_change(as_user, demo, area):
    client = as_user("economy")
    assert client.get(fact_edit_url(area)).status_code == 200  # the form starts at version 1
    # Meanwhile the zone administrator saves the same fact.
    services.profile_fact_update(actor=demo.admin, fact=area, version=1, value=Decimal("321"))
    mark = audit_mark()
    response = client.post(fact_edit_url(area), fact_form(area, "325.00", version=1))
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this record while you were editing it. Reload it to see their "
        "change, then make yours again."
    ]
    assert "Someone else saved this record while you were editing it." in response.content.decode()
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("321.00"), 2)
    assert audit_since(mark) == []


# --- zone administrators change honours too (no UI for them yet: through the services) -----


@pytest.mark.parametrize(("username", "allowed"), [("admin", True), ("economy", False)])
def test_honours_of_the_general_office_are_changed_by_zone_admins_only(demo, username, allowed):
    from django.core.exceptions import PermissionDenied

    honour = demo.zone.honours.get(name="中国太阳城")
    actor = demo.users[username]
    mark = audit_mark()
    if allowed:
        services.honour_delete(actor=actor, honour=honour)
        (row,) = audit_since(mark)
        assert (row.action, row.actor_username, row.before["name"], row.after) == (
            "delete",
            "admin",
            "中国太阳城",
            None,
        )
        assert not demo.zone.honours.filter(name="中国太阳城").exists()
    else:
        with pytest.raises(PermissionDenied):
            services.honour_delete(actor=actor, honour=honour)
        assert demo.zone.honours.filter(name="中国太阳城").exists()
        assert audit_since(mark) == []


# --- the security administrator grants and revokes roles ------------------------------------


@pytest.fixture
def newcomer(demo):
    """An account the system administrator opened, holding no role yet."""
    return core_services.user_create(
        actor=None, username="newcomer", password="Kaifaqu#Staff2017", full_name="新同事"
    )


@pytest.mark.parametrize(
    ("username", "status"), [("secadmin", 200)] + [(u, 403) for u in EVERYONE if u != "secadmin"]
)
def test_only_the_security_administrator_opens_the_roles_page(as_user, username, status):
    assert as_user(username).get(reverse("orgs:access")).status_code == status


@pytest.mark.parametrize("username", [u for u in EVERYONE if u != "secadmin"])
def test_no_one_else_can_grant_a_role(as_user, demo, username):
    client = as_user(username)
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"),
        {"action": "grant_role", "user": demo.economy.pk, "role": "zone_admin"},
    )
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=demo.economy).exists()
    assert audit_since(mark) == []


def test_the_roles_page_lists_every_account_with_its_roles(as_user):
    html = as_user("secadmin").get(reverse("orgs:access")).content.decode()
    assert re.findall(r'data-user="([^"]+)"', html) == [
        "admin",
        "auditadmin",
        "economy",
        "finance",
        "investment",
        "leader",
        "secadmin",
        "sysadmin",
        "twodept",
    ]


def test_granting_a_global_role_takes_effect_and_is_audited(as_user, newcomer):
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"), {"action": "grant_role", "user": newcomer.pk, "role": "leader"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Roles updated."]
    assert access.global_roles(newcomer) == {"leader"}
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_type, row.object_id) == (
        "permission_change",
        "secadmin",
        "core.user",
        str(newcomer.pk),
    )
    assert (row.before, row.after) == (None, {"granted": "leader"})
    # The new leader now reads the business pages.
    assert as_user(newcomer).get(reverse("orgs:tree")).status_code == 200


def test_granting_a_department_role_takes_effect_and_is_audited(as_user, demo, newcomer):
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"),
        {
            "action": "grant_membership",
            "user": newcomer.pk,
            "department": demo.departments["economy"].pk,
            "role": "editor",
        },
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Roles updated."]
    assert Membership.objects.filter(user=newcomer).get().department.code == "economy"
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_id) == (
        "permission_change",
        "secadmin",
        str(newcomer.pk),
    )
    assert (row.before, row.after) == (None, {"granted": "editor", "department": "economy"})
    area = ProfileFact.objects.get(org_unit=demo.zone, key=ProfileFactKey.AREA)
    assert as_user(newcomer).get(fact_edit_url(area)).status_code == 200


def test_revoking_a_global_role_takes_effect_and_is_audited(as_user, demo):
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"), {"action": "revoke_role", "user": demo.leader.pk, "role": "leader"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Roles updated."]
    assert not RoleGrant.objects.filter(user=demo.leader).exists()
    (row,) = audit_since(mark)
    assert (row.action, row.object_id, row.before, row.after) == (
        "permission_change",
        str(demo.leader.pk),
        {"granted": "leader"},
        None,
    )
    assert as_user("leader").get(reverse("orgs:tree")).status_code == 403


def test_revoking_a_department_role_takes_effect_and_is_audited(as_user, demo):
    membership = Membership.objects.get(user=demo.economy)
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(
        reverse("orgs:access"), {"action": "revoke_membership", "membership": membership.pk}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Roles updated."]
    assert not Membership.objects.filter(user=demo.economy).exists()
    (row,) = audit_since(mark)
    assert (row.action, row.object_id, row.before, row.after) == (
        "permission_change",
        str(demo.economy.pk),
        {"granted": "editor", "department": "economy"},
        None,
    )
    assert as_user("economy").get(reverse("orgs:tree")).status_code == 403


SYSTEM = "System administrator"
SECURITY = "Security administrator"
AUDIT = "Audit administrator"


@pytest.mark.parametrize(
    ("target", "post", "message"),
    [
        # Nothing else is added to one of the three administrators...
        (
            "sysadmin",
            {"action": "grant_role", "role": "leader"},
            f"This user holds the role {SYSTEM}, which cannot be combined with any other role.",
        ),
        (
            "auditadmin",
            {"action": "grant_role", "role": "zone_admin"},
            f"This user holds the role {AUDIT}, which cannot be combined with any other role.",
        ),
        (
            "sysadmin",
            {"action": "grant_role", "role": "security_admin"},
            f"{SECURITY} cannot be combined with any other role.",
        ),
        (
            "auditadmin",
            {"action": "grant_membership", "department": "finance", "role": "viewer"},
            f"This user holds the role {AUDIT}, which cannot be combined with any other role.",
        ),
        # ...and no administrator role goes to someone who holds another role.
        (
            "leader",
            {"action": "grant_role", "role": "audit_admin"},
            f"{AUDIT} cannot be combined with any other role.",
        ),
        (
            "admin",
            {"action": "grant_role", "role": "system_admin"},
            f"{SYSTEM} cannot be combined with any other role.",
        ),
        (
            "economy",
            {"action": "grant_role", "role": "security_admin"},
            f"{SECURITY} cannot be combined with any other role.",
        ),
        # Nor does the security administrator change their own roles.
        (
            "secadmin",
            {"action": "grant_role", "role": "leader"},
            "You cannot change your own roles.",
        ),
        (
            "secadmin",
            {"action": "grant_membership", "department": "economy", "role": "viewer"},
            "You cannot change your own roles.",
        ),
        ("leader", {"action": "grant_role", "role": "leader"}, "The user already holds this role."),
        (
            "economy",
            {"action": "grant_membership", "department": "economy", "role": "editor"},
            "The user already holds this role in this department.",
        ),
    ],
)
def test_a_refused_grant_says_why_and_changes_nothing(as_user, demo, target, post, message):
    user = demo.users[target]
    roles_before = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    memberships_before = set(Membership.objects.filter(user=user).values_list("pk", flat=True))
    data = {**post, "user": user.pk}
    if "department" in data:
        data["department"] = demo.departments[data["department"]].pk
    client = as_user("secadmin")
    mark = audit_mark()
    response = client.post(reverse("orgs:access"), data, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]
    assert message in response.content.decode()
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == roles_before
    assert set(Membership.objects.filter(user=user).values_list("pk", flat=True)) == (
        memberships_before
    )
    assert audit_since(mark) == []


def test_an_administrator_role_goes_to_an_account_without_other_roles(as_user, newcomer):
    client = as_user("secadmin")
    response = client.post(
        reverse("orgs:access"),
        {"action": "grant_role", "user": newcomer.pk, "role": "audit_admin"},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Roles updated."]
    assert access.global_roles(newcomer) == {"audit_admin"}
    assert as_user(newcomer).get(reverse("core:audit_list")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["orgs:tree", "orgs:access"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={url}"


def test_anonymous_visitors_cannot_open_a_unit_or_a_fact(client, demo, area):
    for url in (reverse("orgs:unit", args=[demo.zone.code]), fact_edit_url(area)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('core:login')}?next={url}"
    response = client.post(fact_edit_url(area), fact_form(area))
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.value == Decimal("320.00")


@pytest.mark.parametrize(
    "data",
    [
        {"action": "revoke_role", "user": "abc", "role": "leader"},
        {"action": "revoke_role", "role": "leader"},
        {"action": "revoke_role", "user": "1"},
        {"action": "revoke_membership", "membership": "not-a-number"},
        {"action": "revoke_membership", "membership": "999999"},
    ],
)
def test_a_malformed_request_on_the_roles_page_changes_nothing(demo, client, data):
    client.force_login(demo.secadmin)
    client.cookies["django_language"] = "en"
    before = AuditEntry.objects.count()
    response = client.post(reverse("orgs:access"), data, follow=True)
    assert response.status_code == 200
    assert "The request was incomplete; nothing was changed." in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_a_profile_fact_change_names_the_fact_in_the_audit_row(demo):
    fact = ProfileFact.objects.get(org_unit=demo.zone, key="households")
    services.profile_fact_update(actor=demo.economy, fact=fact, version=1, value=Decimal("1"))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.before["key"] == "households"
    assert entry.after["key"] == "households"
