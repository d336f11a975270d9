"""The public API: anonymous reads of published policies and carriers on offer."""

from __future__ import annotations

import pytest

from kaifaqu.carriers.models import BuildingUnit, CarrierStatus, LandParcel
from kaifaqu.core.versioning import CURRENT
from kaifaqu.portal import services
from kaifaqu.portal.models import Policy, PolicyStatus

pytestmark = pytest.mark.django_db


def test_policies_list_filter_and_detail(api, demo):
    client = api(None)
    listed = client.get("/api/v1/portal/policies/").json()
    assert listed["count"] == 7
    land = client.get("/api/v1/portal/policies/", {"category": "land_buildings"}).json()
    assert {p["category"] for p in land["results"]} == {"land_buildings"}
    assert land["count"] == 2
    first = listed["results"][0]
    detail = client.get(f"/api/v1/portal/policies/{first['id']}/").json()
    assert detail["title"] == first["title"]
    assert detail["body"].startswith(Policy.objects.get(pk=first["id"]).body[:10])


def test_withdrawn_and_drafts_are_not_in_the_api(api, demo):
    policy = Policy.objects.filter(status=PolicyStatus.PUBLISHED).first()
    services.policy_withdraw(version=CURRENT, actor=None, policy=policy, reason="到期")
    client = api(None)
    assert client.get(f"/api/v1/portal/policies/{policy.pk}/").status_code == 404
    assert client.get("/api/v1/portal/policies/").json()["count"] == 6


def test_the_api_is_read_only(api, demo):
    assert api("admin").post("/api/v1/portal/policies/", {"title": "x"}).status_code == 405


def test_carriers_on_offer(api, demo):
    client = api(None)
    data = client.get("/api/v1/portal/carriers/", {"limit": 500}).json()
    idle = LandParcel.objects.filter(status=CarrierStatus.IDLE).count()
    idle += BuildingUnit.objects.filter(status=CarrierStatus.IDLE).count()
    assert data["count"] == idle
    one = data["results"][0]
    detail = client.get(f"/api/v1/portal/carriers/{one['kind']}-{one['id']}/").json()
    assert detail == one
    taken = LandParcel.objects.exclude(status=CarrierStatus.IDLE).first()
    assert client.get(f"/api/v1/portal/carriers/land-{taken.pk}/").status_code == 404
    assert client.get("/api/v1/portal/carriers/moon-1/").status_code == 404
