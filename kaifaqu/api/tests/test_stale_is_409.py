"""A stale version answers 409 with the same message in every API that changes a record:
the profile facts (orgs), the carriers' fields and their status moves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.core.models import AuditEntry
from kaifaqu.orgs.models import ProfileFact

STALE = {
    "detail": "Someone else saved this record while you were editing it. Reload it to see "
    "their change, then make yours again.",
    "code": "concurrent_edit",
}


@pytest.fixture
def as_api(api):
    def _as(username: str):
        client = api(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def _unit() -> BuildingUnit:
    return BuildingUnit.objects.get(building__code="zhongyuan-park", code="w102")


def _parcel() -> LandParcel:
    return LandParcel.objects.get(code="land-zh-03")


CHANGES = {
    "orgs: a profile fact": (
        "economy",
        lambda: ProfileFact.objects.filter(department__code="economy").order_by("pk").first(),
        lambda row: (f"/api/v1/profile-facts/{row.pk}/", {"source": "改"}),
    ),
    "carriers: a parcel": (
        "investment",
        _parcel,
        lambda row: ("/api/v1/land-parcels/land-zh-03/", {"note": "改"}),
    ),
    "carriers: a unit": (
        "investment",
        _unit,
        lambda row: (f"/api/v1/building-units/{row.pk}/", {"note": "改"}),
    ),
}

MOVES: dict[str, tuple[Callable[[], BuildingUnit | LandParcel], str, str]] = {
    "reserve a unit": (_unit, "building-units", "reserve"),
    "take a unit": (_unit, "building-units", "take"),
    "reserve a parcel": (_parcel, "land-parcels", "reserve"),
}


def _key(row) -> str:
    return row.code if isinstance(row, LandParcel) else str(row.pk)


@pytest.mark.parametrize("area", CHANGES)
def test_a_stale_change_is_409_and_writes_nothing(as_api, area):
    username, load, request = CHANGES[area]
    row = load()
    assert row is not None
    url, data = request(row)
    count = AuditEntry.objects.count()
    response = as_api(username).patch(url, {**data, "version": row.version + 1}, format="json")
    assert (response.status_code, response.json()) == (409, STALE)
    assert AuditEntry.objects.count() == count
    assert type(row)._default_manager.get(pk=row.pk).version == row.version


@pytest.mark.parametrize("move", MOVES)
def test_a_stale_status_move_is_409_and_writes_nothing(as_api, move):
    load, route, action = MOVES[move]
    row = load()
    count = AuditEntry.objects.count()
    response = as_api("investment").post(
        f"/api/v1/{route}/{_key(row)}/{action}/", {"version": row.version + 1}, format="json"
    )
    assert (response.status_code, response.json()) == (409, STALE)
    assert AuditEntry.objects.count() == count
    row.refresh_from_db()
    assert (row.status, row.version) == ("idle", load().version)


def test_a_status_move_without_the_version_is_refused(as_api):
    row = _unit()
    response = as_api("investment").post(
        f"/api/v1/building-units/{row.pk}/reserve/", {}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"version": ["This field is required."]},
    )
    row.refresh_from_db()
    assert row.status == "idle"
