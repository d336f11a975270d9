"""Who reads and changes what through /api/v1/ (issue 2): the same rules as the back office.

Profile facts of the demo zone are kept by 经济发展局 (``economy``), its honours by 党政办公室
(``office``). A refusal is 403 and changes nothing; a stale version is 409.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.core.models import AuditEntry
from kaifaqu.orgs import services
from kaifaqu.orgs.models import OrgUnit, OrgUnitKind, ProfileFact, ProfileFactKey

BUSINESS_READERS = ["admin", "leader", "economy", "investment", "finance", "twodept"]
SEPARATED_ADMINS = ["sysadmin", "secadmin", "auditadmin"]
EVERYONE = BUSINESS_READERS + SEPARATED_ADMINS
TOWN = "371471101"  # 赵虎镇
LIST_ENDPOINTS = [
    "/api/v1/orgunits/",
    "/api/v1/departments/",
    "/api/v1/profile-facts/",
    "/api/v1/honours/",
]
STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their "
    "change, then make yours again."
)


@pytest.fixture
def as_api(api):
    """An API client for a demo account (None: anonymous), with English messages."""

    def _as(username: str | None):
        client = api(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def audit_count() -> int:
    return AuditEntry.objects.count()


def fact_url(fact: ProfileFact) -> str:
    return f"/api/v1/profile-facts/{fact.pk}/"


# --- anonymous ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LIST_ENDPOINTS, "/api/v1/me/", "/api/v1/orgunits/371471/"])
def test_anonymous_clients_are_refused(as_api, demo, url):
    response = as_api(None).get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_wrong_token_is_refused(as_api, demo):
    client = as_api(None)
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/orgunits/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid token."}


def test_anonymous_clients_change_nothing(as_api, area):
    count = audit_count()
    response = as_api(None).patch(fact_url(area), {"value": "1.00", "version": 1}, format="json")
    assert response.status_code == 403
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("320.00"), 1)
    assert audit_count() == count


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
@pytest.mark.parametrize("username", SEPARATED_ADMINS)
def test_the_three_administrators_read_no_business_data(as_api, username, url):
    response = as_api(username).get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}


@pytest.mark.parametrize("username", SEPARATED_ADMINS)
def test_the_three_administrators_read_no_single_record_either(as_api, demo, area, username):
    client = as_api(username)
    assert client.get(f"/api/v1/orgunits/{demo.zone.code}/").status_code == 403
    assert client.get(fact_url(area)).status_code == 403
    honour = demo.zone.honours.first()
    assert client.get(f"/api/v1/honours/{honour.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("username", "facts", "honours"),
    [
        ("admin", 10, 12),
        ("leader", 10, 12),
        ("economy", 10, 0),  # its own facts; the honours are 党政办公室's
        ("investment", 0, 0),
        ("finance", 0, 0),
        ("twodept", 0, 0),
    ],
)
def test_each_business_reader_lists_the_data_it_may_read(as_api, username, facts, honours):
    client = as_api(username)
    assert client.get("/api/v1/orgunits/").json()["count"] == 24
    assert [d["code"] for d in client.get("/api/v1/departments/").json()] == [
        "office",
        "economy",
        "investment",
        "finance",
        "construction",
        "social_affairs",
        "party",
    ]
    assert client.get("/api/v1/profile-facts/").json()["count"] == facts
    assert client.get("/api/v1/honours/").json()["count"] == honours


@pytest.mark.parametrize(
    ("username", "codes"),
    [
        ("finance", ["finance"]),  # a viewer reads its own department's data only
        ("twodept", ["finance"]),  # 招商局 keeps no facts yet; 财政局's are its too
        ("leader", ["economy"] * 10 + ["finance"]),
        ("economy", ["economy"] * 10),
        ("investment", []),
    ],
)
def test_department_members_list_their_departments_facts_only(
    as_api, finance_fact, username, codes
):
    results = as_api(username).get("/api/v1/profile-facts/").json()["results"]
    assert [r["department"] for r in results] == codes


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("leader", 200), ("economy", 200)]
    + [(u, 403) for u in ("investment", "finance", "twodept")],
)
def test_a_fact_of_another_department_is_not_read(as_api, area, username, status):
    response = as_api(username).get(fact_url(area))
    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "id": area.pk,
            "org_unit": "371471",
            "key": "area_km2",
            "value": "320.00",
            "unit": "平方公里",
            "approximate": False,
            "as_of": "2017-09-30",
            "source": area.source,
            "department": "economy",
            "version": 1,
        }


def test_a_viewer_reads_a_fact_of_its_own_department(as_api, finance_fact):
    response = as_api("finance").get(fact_url(finance_fact))
    assert response.status_code == 200
    assert (response.json()["department"], response.json()["value"]) == ("finance", "4200.00")


# --- org units -------------------------------------------------------------------------------


def test_org_units_come_with_their_parent_code_and_kind(as_api):
    results = as_api("finance").get("/api/v1/orgunits/").json()["results"]
    by_code = {u["code"]: u for u in results}
    assert len(by_code) == 24
    assert by_code["371400"] == {
        "code": "371400",
        "name": "德州市",
        "name_en": "Dezhou City",
        "kind": "city",
        "parent": None,
        "order": 0,
    }
    assert by_code["371471"] == {
        "code": "371471",
        "name": "德州经济技术开发区",
        "name_en": "Dezhou Economic and Technological Development Zone",
        "kind": "zone",
        "parent": "371400",
        "order": 12,
    }
    assert by_code["371471002201"]["parent"] == "371471002"
    assert by_code["371471002201"]["kind"] == "community"


def test_org_units_filter_by_kind(as_api):
    response = as_api("leader").get("/api/v1/orgunits/", {"kind": "town"})
    assert response.status_code == 200
    assert [(u["code"], u["name"], u["parent"]) for u in response.json()["results"]] == [
        ("371471101", "赵虎镇", "371471"),
        ("371471102", "袁桥镇", "371471"),
        ("371471103", "抬头寺镇", "371471"),
    ]


def test_org_units_filter_by_parent_code(as_api):
    response = as_api("leader").get("/api/v1/orgunits/", {"parent": "371471"})
    assert response.status_code == 200
    assert [u["name"] for u in response.json()["results"]] == [
        "赵虎镇",
        "袁桥镇",
        "抬头寺镇",
        "宋官屯街道",
        "长河街道",
    ]


def test_an_unknown_kind_is_a_clear_400(as_api):
    response = as_api("leader").get("/api/v1/orgunits/", {"kind": "province"})
    assert response.status_code == 400
    assert response.json() == {
        "kind": ["Select a valid choice. province is not one of the available choices."]
    }


def test_one_org_unit_by_code(as_api):
    response = as_api("economy").get("/api/v1/orgunits/371471103/")
    assert response.status_code == 200
    assert response.json()["name"] == "抬头寺镇"


def _add_grids(count: int) -> None:
    community = OrgUnit.objects.get(code="371471002201")
    for i in range(count):
        services.orgunit_create(
            actor=None,
            code=f"371471002201{i:03}",
            name=f"第{i + 1}网格",
            kind=OrgUnitKind.GRID,
            parent=community,
        )


@pytest.mark.parametrize("username", ["leader", "twodept"])
def test_the_org_unit_list_does_not_grow_in_queries_with_the_units(
    as_api, username, django_assert_max_num_queries
):
    client = as_api(username)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/orgunits/").json()["count"] == 24
    _add_grids(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/orgunits/")
    assert response.json()["count"] == 64
    assert {u["parent"] for u in response.json()["results"] if u["kind"] == "grid"} == {
        "371471002201"
    }
    with django_assert_max_num_queries(5):
        client.get("/api/v1/orgunits/")


def test_the_fact_list_does_not_grow_in_queries_with_the_facts(
    as_api, demo, django_assert_max_num_queries
):
    client = as_api("economy")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/profile-facts/").json()["count"] == 10
    for town in OrgUnit.objects.filter(kind=OrgUnitKind.TOWN):
        for key, value in ((ProfileFactKey.AREA, "40"), (ProfileFactKey.HOUSEHOLDS, "9000")):
            services.profile_fact_create(
                actor=None,
                org_unit=town,
                key=key,
                value=Decimal(value),
                as_of=date(2017, 9, 30),
                source="illustrative",
                department=demo.departments["economy"],
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/profile-facts/").json()["count"] == 16
    with django_assert_max_num_queries(5):
        client.get("/api/v1/honours/")


# --- changing --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "economy"])
def test_an_allowed_patch_saves_and_writes_one_audit_row(as_api, area, username):
    count = audit_count()
    response = as_api(username).patch(
        fact_url(area), {"value": "325.00", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["value"], response.json()["version"]) == ("325.00", 2)
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("325.00"), 2)
    assert audit_count() == count + 1
    row = AuditEntry.objects.order_by("-seq").first()
    assert (row.action, row.actor_username, row.object_type, row.object_id) == (
        "update",
        username,
        "orgs.profilefact",
        str(area.pk),
    )
    changed = {k: (row.before[k], row.after[k]) for k in row.after if row.before[k] != row.after[k]}
    assert changed == {"value": ("320.00", "325.00"), "version": (1, 2)}


@pytest.mark.parametrize("username", [u for u in EVERYONE if u not in ("admin", "economy")])
def test_a_refused_patch_is_403_changes_nothing_and_writes_no_audit_row(as_api, area, username):
    count = audit_count()
    response = as_api(username).patch(
        fact_url(area), {"value": "325.00", "version": 1}, format="json"
    )
    assert response.status_code == 403
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("320.00"), 1)
    assert audit_count() == count


@pytest.mark.parametrize(
    ("username", "status"),
    [("twodept", 200), ("admin", 200), ("finance", 403), ("investment", 403), ("economy", 403)],
)
def test_the_finance_fact_is_changed_by_finance_editors_only(
    as_api, finance_fact, username, status
):
    count = audit_count()
    response = as_api(username).patch(
        fact_url(finance_fact), {"value": "4300.00", "version": 1}, format="json"
    )
    assert response.status_code == status
    finance_fact.refresh_from_db()
    if status == 200:
        assert (finance_fact.value, finance_fact.version) == (Decimal("4300.00"), 2)
        assert audit_count() == count + 1
    else:
        assert (finance_fact.value, finance_fact.version) == (Decimal("4200.00"), 1)
        assert audit_count() == count


def test_a_user_in_two_departments_has_no_rights_in_a_third(as_api, area):
    response = as_api("twodept").patch(
        fact_url(area), {"value": "325.00", "version": 1}, format="json"
    )
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.value == Decimal("320.00")


def test_a_stale_version_is_409_with_a_clear_message_and_changes_nothing(as_api, demo, area):
    services.profile_fact_update(actor=demo.admin, fact=area, version=1, value=Decimal("321"))
    count = audit_count()
    response = as_api("economy").patch(
        fact_url(area), {"value": "325.00", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": STALE, "code": "concurrent_edit"}
    area.refresh_from_db()
    assert (area.value, area.version) == (Decimal("321.00"), 2)
    assert audit_count() == count


def test_a_patch_without_a_version_is_400_and_changes_nothing(as_api, area):
    count = audit_count()
    response = as_api("economy").patch(fact_url(area), {"value": "325.00"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}
    area.refresh_from_db()
    assert area.value == Decimal("320.00")
    assert audit_count() == count


@pytest.mark.parametrize("method", ["put", "delete"])
def test_facts_are_neither_replaced_nor_deleted(as_api, area, method):
    response = getattr(as_api("admin"), method)(
        fact_url(area), {"value": "325.00", "version": 1}, format="json"
    )
    assert response.status_code == 405
    assert ProfileFact.objects.get(pk=area.pk).value == Decimal("320.00")


@pytest.mark.parametrize(
    ("username", "status"),
    # Those who change nothing are refused before the method is looked at.
    [("admin", 405), ("economy", 405), ("leader", 403), ("finance", 403), ("auditadmin", 403)],
)
def test_honours_are_read_only_in_the_api(as_api, demo, username, status):
    honour = demo.zone.honours.first()
    response = as_api(username).patch(
        f"/api/v1/honours/{honour.pk}/", {"name": "改名"}, format="json"
    )
    assert response.status_code == status
    honour.refresh_from_db()
    assert honour.name == "全国文明单位"


@pytest.mark.parametrize("username", BUSINESS_READERS)
def test_the_org_tree_is_read_only_in_the_api(as_api, username):
    response = as_api(username).patch("/api/v1/orgunits/371471/", {"name": "改名"}, format="json")
    assert response.status_code == 405
    assert OrgUnit.objects.get(code="371471").name == "德州经济技术开发区"


# --- who am I -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "roles", "departments"),
    [
        ("admin", ["zone_admin"], {}),
        ("leader", ["leader"], {}),
        ("economy", [], {"economy": ["editor"]}),
        ("finance", [], {"finance": ["viewer"]}),
        ("twodept", [], {"investment": ["editor"], "finance": ["editor"]}),
        ("sysadmin", ["system_admin"], {}),
        ("secadmin", ["security_admin"], {}),
        ("auditadmin", ["audit_admin"], {}),
    ],
)
def test_me_tells_each_account_its_roles(as_api, demo, username, roles, departments):
    response = as_api(username).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["roles"]) == (username, roles)
    by_id = {str(d.pk): code for code, d in demo.departments.items()}
    assert {by_id[k]: v for k, v in body["departments"].items()} == departments


def test_the_department_ids_in_me_are_those_the_department_list_gives(as_api, demo):
    client = as_api("twodept")
    ids = {str(d["id"]): d["code"] for d in client.get("/api/v1/departments/").json()}
    assert sorted(ids[k] for k in client.get("/api/v1/me/").json()["departments"]) == [
        "finance",
        "investment",
    ]
