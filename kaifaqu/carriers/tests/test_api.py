"""The carriers' API: business readers read what their departments keep; 招商局's editors
create, change (PATCH with the version; stale → 409) and move carriers; others get 403."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kaifaqu.carriers.models import BuildingUnit, CarrierStatusChange, LandParcel
from kaifaqu.core.models import AuditEntry

from .conftest import CHANGHE, ZHAOHU

STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their "
    "change, then make yours again."
)


@pytest.fixture
def as_api(zone):
    def _as(username: str | None):
        client = APIClient()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if username is not None:
            token, _ = Token.objects.get_or_create(user=zone.users[username])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _as


def unit_of(building: str, code: str) -> BuildingUnit:
    return BuildingUnit.objects.get(building__code=building, code=code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/land-parcels/",
        "/api/v1/buildings/",
        "/api/v1/building-units/",
        "/api/v1/land-parcels/land-zh-03/",
        "/api/v1/buildings/vacancy/",
    ],
)
def test_anonymous_clients_are_refused(as_api, url):
    assert as_api(None).get(url).status_code == 403


@pytest.mark.parametrize(
    ("username", "count"),
    [("admin", 9), ("leader", 9), ("investment", 9), ("economy", 0), ("finance", 0)],
)
def test_business_readers_list_what_their_departments_keep(as_api, username, count):
    response = as_api(username).get("/api/v1/land-parcels/")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize("username", ["sysadmin", "secadmin", "auditadmin"])
def test_the_three_administrators_are_refused(as_api, username):
    assert as_api(username).get("/api/v1/building-units/").status_code == 403


def test_a_parcel_reads_with_its_status_and_price(as_api):
    data = as_api("leader").get("/api/v1/land-parcels/land-zh-02/").json()
    assert {
        k: data[k]
        for k in (
            "code",
            "org_unit",
            "area_mu",
            "land_use",
            "status",
            "price_wan_per_mu",
            "department",
            "version",
        )
    } == {
        "code": "land-zh-02",
        "org_unit": ZHAOHU,
        "area_mu": "95.00",
        "land_use": "industrial",
        "status": "reserved",
        "price_wan_per_mu": "18.00",
        "department": "investment",
        "version": 2,
    }


def test_another_department_s_reader_is_refused_a_parcel(as_api):
    assert as_api("finance").get("/api/v1/land-parcels/land-zh-02/").status_code == 403


def test_lists_filter_like_the_pages(as_api):
    client = as_api("leader")
    codes = [
        u["code"]
        for u in client.get(
            "/api/v1/building-units/", {"org_unit": CHANGHE, "status": "idle", "use": "factory"}
        ).json()["results"]
    ]
    assert codes == ["w101", "w102"]
    land = client.get("/api/v1/land-parcels/", {"area_min": 90, "land_use": "industrial"}).json()
    assert [p["code"] for p in land["results"]] == ["land-yq-01", "land-zh-01", "land-zh-02"]


def test_buildings_carry_their_vacancy_and_the_zone_s(as_api):
    client = as_api("leader")
    data = client.get("/api/v1/buildings/zhongyuan-park/").json()
    assert {k: data[k] for k in ("total_area_m2", "idle_area_m2", "unit_count", "idle_units")} == {
        "total_area_m2": "12000.00",
        "idle_area_m2": "7600.00",
        "unit_count": 8,
        "idle_units": 5,
    }
    assert client.get("/api/v1/buildings/vacancy/").json() == {
        "org_unit": "371471",
        "total_area_m2": "36200.00",
        "idle_area_m2": "19800.00",
        "vacancy_pct": "54.70",
        "unit_count": 23,
        "idle_units": 13,
    }
    changhe = client.get("/api/v1/buildings/vacancy/", {"org_unit": CHANGHE}).json()
    assert (changhe["vacancy_pct"], changhe["idle_units"]) == ("63.33", 5)


def test_an_editor_patches_with_the_version_and_a_stale_one_is_409(as_api):
    client = as_api("investment")
    url = "/api/v1/land-parcels/land-zh-03/"
    response = client.patch(url, {"price_wan_per_mu": "19.00", "version": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["price_wan_per_mu"], response.json()["version"]) == ("19.00", 2)
    count = AuditEntry.objects.count()
    response = client.patch(url, {"name": "改名", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": STALE, "code": "concurrent_edit"}
    assert AuditEntry.objects.count() == count
    assert LandParcel.objects.get(code="land-zh-03").name == "赵虎镇工业地块三号"


def test_a_patch_without_the_version_is_refused(as_api):
    response = as_api("investment").patch(
        "/api/v1/land-parcels/land-zh-03/", {"name": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}


@pytest.mark.parametrize("username", ["leader", "economy", "finance"])
def test_non_editors_cannot_change_or_move(as_api, username):
    client = as_api(username)
    count = AuditEntry.objects.count()
    assert (
        client.patch(
            "/api/v1/land-parcels/land-zh-03/", {"name": "x", "version": 1}, format="json"
        ).status_code
        == 403
    )
    assert client.post("/api/v1/land-parcels/land-zh-03/reserve/", {}).status_code == 403
    unit = unit_of("zhongyuan-park", "w102")
    assert client.post(f"/api/v1/building-units/{unit.pk}/take/", {}).status_code == 403
    assert AuditEntry.objects.count() == count


def test_an_editor_moves_a_unit_through_its_statuses(as_api):
    client = as_api("investment")
    unit = unit_of("zhongyuan-park", "w102")
    url = f"/api/v1/building-units/{unit.pk}/"
    move = {"at": "2017-10-01", "note": "洽谈", "version": unit.version}
    response = client.post(url + "reserve/", move, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "reserved")
    move = {"how": "let", "at": "2017-10-20", "version": unit.version + 1}
    response = client.post(url + "take/", move, format="json")
    assert response.json()["status"] == "let"
    response = client.post(url + "reserve/", {"version": unit.version + 2}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["中元科技创新创业园 w102 is let; only an idle carrier can be reserved."]
    }
    history = client.get(url + "history/").json()
    assert [(h["from_status"], h["to_status"], h["at"]) for h in history] == [
        ("", "idle", "2016-01-01"),
        ("idle", "reserved", "2017-10-01"),
        ("reserved", "let", "2017-10-20"),
    ]
    assert CarrierStatusChange.objects.filter(carrier_id=unit.pk, kind="building_unit").count() == 3


def test_an_editor_creates_carriers_and_bad_input_is_400(as_api, zone):
    client = as_api("investment")
    response = client.post(
        "/api/v1/land-parcels/",
        {
            "code": "land-new",
            "name": "新地块",
            "org_unit": ZHAOHU,
            "area_mu": "20",
            "land_use": "industrial",
            "department": "investment",
        },
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["version"]) == ("idle", 1)
    response = client.post(
        "/api/v1/building-units/",
        {
            "building": "zhongyuan-park",
            "code": "w101",
            "floor": 1,
            "floor_area_m2": "10",
            "use": "office",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "__all__": ["Building unit with this Building and Code already exists."]
    }
    response = client.post(
        "/api/v1/building-units/",
        {
            "building": "zhongyuan-park",
            "code": "o402",
            "floor": 4,
            "floor_area_m2": "500",
            "use": "office",
        },
        format="json",
    )
    assert response.status_code == 201
    assert unit_of("zhongyuan-park", "o402").floor_area_m2 == Decimal("500.00")


def test_creating_for_another_department_is_403(as_api):
    response = as_api("economy").post(
        "/api/v1/buildings/",
        {
            "code": "b-x",
            "name": "x",
            "org_unit": ZHAOHU,
            "floors": 1,
            "department": "investment",
        },
        format="json",
    )
    assert response.status_code == 403
