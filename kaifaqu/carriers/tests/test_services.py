"""The carriers' services: every status move allowed or refused, audited, permission-checked;
creation and changes validated, with optimistic locking."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kaifaqu.carriers import services
from kaifaqu.carriers.models import (
    BuildingUnit,
    CarrierStatus,
    CarrierStatusChange,
    LandParcel,
)
from kaifaqu.core.testing import audit_mark, audit_since
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError

from .conftest import CHANGHE, DECHENG, ZHAOHU

pytestmark = pytest.mark.usefixtures("english")

D = date(2017, 5, 1)


def moves(carrier) -> list[tuple]:
    return list(
        CarrierStatusChange.objects.filter(kind=carrier.carrier_kind, carrier_id=carrier.pk)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "at", "note")
    )


@pytest.fixture
def unit(building):
    return building.units.get(code="u1")  # idle, 1000 m²


def _in(carrier, status: str):
    """Put a carrier in a status through the services (dated before the moves tested)."""
    if status == "idle":
        return carrier
    if status == "reserved":
        return services.carrier_reserve(
            version=CURRENT, actor=None, carrier=carrier, at=date(2017, 1, 10)
        )
    return services.carrier_take(
        version=CURRENT, actor=None, carrier=carrier, how=status, at=date(2017, 1, 10)
    )


# --- the moves ------------------------------------------------------------------------------


def test_reserving_an_idle_unit_records_the_move_and_audits_it(blank_zone, unit):
    mark = audit_mark()
    result = services.carrier_reserve(
        version=CURRENT, actor=blank_zone.investment, carrier=unit, note="奥冠电池洽谈", at=D
    )
    assert result.status == CarrierStatus.RESERVED
    unit.refresh_from_db()
    assert (unit.status, unit.version) == ("reserved", 2)
    assert moves(unit) == [
        ("", "idle", date(2016, 1, 1), ""),
        ("idle", "reserved", D, "奥冠电池洽谈"),
    ]
    (entry,) = audit_since(mark)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "update",
        "carriers.buildingunit",
        str(unit.pk),
    )
    assert entry.actor_username == "investment"
    assert (entry.before["status"], entry.after["status"]) == ("idle", "reserved")
    assert entry.after["status_change"] == {
        "from": "idle",
        "to": "reserved",
        "at": "2017-05-01",
        "note": "奥冠电池洽谈",
    }
    change = CarrierStatusChange.objects.order_by("-pk").first()
    assert change.recorded_by == blank_zone.investment


def test_reserving_a_reserved_carrier_changes_nothing(blank_zone, unit):
    _in(unit, "reserved")
    mark = audit_mark()
    services.carrier_reserve(version=CURRENT, actor=blank_zone.investment, carrier=unit, at=D)
    assert audit_since(mark) == []
    assert len(moves(unit)) == 2


@pytest.mark.parametrize("status", ["let", "sold"])
def test_a_taken_unit_cannot_be_reserved(blank_zone, unit, status):
    _in(unit, status)
    mark = audit_mark()
    with pytest.raises(ValidationError) as caught:
        services.carrier_reserve(version=CURRENT, actor=blank_zone.investment, carrier=unit, at=D)
    assert caught.value.messages == [
        f"测试楼 u1 is {status}; only an idle carrier can be reserved."
    ]
    assert audit_since(mark) == []
    unit.refresh_from_db()
    assert unit.status == status


@pytest.mark.parametrize(
    ("start", "how"), [("idle", "let"), ("idle", "sold"), ("reserved", "let"), ("reserved", "sold")]
)
def test_an_idle_or_reserved_unit_is_taken(blank_zone, unit, start, how):
    _in(unit, start)
    services.carrier_take(version=CURRENT, actor=blank_zone.investment, carrier=unit, how=how, at=D)
    unit.refresh_from_db()
    assert unit.status == how
    assert moves(unit)[-1] == (start, how, D, "")


def test_a_unit_taken_without_saying_how_is_let(blank_zone, unit):
    services.carrier_take(version=CURRENT, actor=blank_zone.investment, carrier=unit, at=D)
    unit.refresh_from_db()
    assert unit.status == "let"


@pytest.mark.parametrize("status", ["let", "sold"])
def test_a_taken_unit_cannot_be_taken_again(blank_zone, unit, status):
    _in(unit, status)
    with pytest.raises(ValidationError) as caught:
        services.carrier_take(
            version=CURRENT, actor=blank_zone.investment, carrier=unit, how="let", at=D
        )
    assert caught.value.messages == [
        f"测试楼 u1 is {status} already; only an idle or reserved carrier can be taken."
    ]


def test_a_carrier_is_taken_only_let_or_sold(blank_zone, unit):
    with pytest.raises(ValidationError) as caught:
        services.carrier_take(
            version=CURRENT, actor=blank_zone.investment, carrier=unit, how="idle", at=D
        )
    assert caught.value.messages == ["A carrier is taken either let or sold."]


def test_land_is_sold_not_let(blank_zone, parcel):
    with pytest.raises(ValidationError) as caught:
        services.carrier_take(
            version=CURRENT, actor=blank_zone.investment, carrier=parcel, how="let", at=D
        )
    assert caught.value.messages == ["Land is sold, not let."]
    services.carrier_reserve(version=CURRENT, actor=blank_zone.investment, carrier=parcel, at=D)
    services.carrier_take(
        version=CURRENT, actor=blank_zone.investment, carrier=parcel, at=D
    )  # sold by default
    parcel.refresh_from_db()
    assert (parcel.status, parcel.version) == ("sold", 3)
    assert [m[:2] for m in moves(parcel)] == [
        ("", "idle"),
        ("idle", "reserved"),
        ("reserved", "sold"),
    ]


@pytest.mark.parametrize("start", ["reserved", "let"])
def test_a_reserved_or_let_unit_is_released(blank_zone, unit, start):
    _in(unit, start)
    mark = audit_mark()
    services.carrier_release(
        version=CURRENT, actor=blank_zone.investment, carrier=unit, note="项目退库", at=D
    )
    unit.refresh_from_db()
    assert unit.status == "idle"
    assert moves(unit)[-1] == (start, "idle", D, "项目退库")
    assert len(audit_since(mark)) == 1


def test_releasing_an_idle_unit_changes_nothing(blank_zone, unit):
    mark = audit_mark()
    services.carrier_release(version=CURRENT, actor=blank_zone.investment, carrier=unit, at=D)
    assert audit_since(mark) == []
    assert len(moves(unit)) == 1


def test_a_sold_carrier_cannot_be_released(blank_zone, parcel):
    services.carrier_take(version=CURRENT, actor=None, carrier=parcel, at=date(2017, 1, 10))
    with pytest.raises(ValidationError) as caught:
        services.carrier_release(version=CURRENT, actor=blank_zone.investment, carrier=parcel, at=D)
    assert caught.value.messages == ["测试地块 is sold; it cannot be released."]


def test_a_move_cannot_be_dated_before_the_last_one_or_in_the_future(blank_zone, unit):
    services.carrier_reserve(version=CURRENT, actor=None, carrier=unit, at=D)
    with pytest.raises(ValidationError) as caught:
        services.carrier_take(version=CURRENT, actor=None, carrier=unit, at=date(2017, 4, 30))
    assert caught.value.message_dict == {
        "at": [
            "The carrier's last status change is dated 2017-05-01; a new one cannot be dated "
            "earlier."
        ]
    }
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.carrier_take(version=CURRENT, actor=None, carrier=unit, at=tomorrow)
    assert caught.value.message_dict == {"at": ["A status change cannot be dated in the future."]}
    unit.refresh_from_db()
    assert unit.status == "reserved"


def test_a_move_without_a_date_is_dated_today(blank_zone, unit):
    services.carrier_reserve(version=CURRENT, actor=blank_zone.investment, carrier=unit)
    assert moves(unit)[-1][2] == timezone.localdate()


# --- who may move and change carriers -------------------------------------------------------


@pytest.mark.parametrize("username", ["investment", "twodept", "admin"])
def test_editors_of_the_keeping_department_and_zone_admins_move_carriers(
    blank_zone, unit, username
):
    services.carrier_reserve(version=CURRENT, actor=blank_zone.users[username], carrier=unit, at=D)
    unit.refresh_from_db()
    assert unit.status == "reserved"


@pytest.mark.parametrize("username", ["economy", "finance", "leader", "sysadmin", "auditadmin"])
@pytest.mark.parametrize("service", ["carrier_reserve", "carrier_take", "carrier_release"])
def test_others_cannot_move_carriers(blank_zone, unit, parcel, username, service):
    mark = audit_mark()
    for carrier in (unit, parcel):
        with pytest.raises(PermissionDenied) as caught:
            getattr(services, service)(
                version=CURRENT, actor=blank_zone.users[username], carrier=carrier, at=D
            )
        assert str(caught.value) == "Only editors of the owning department may change this."
    assert audit_since(mark) == []
    assert {
        BuildingUnit.objects.get(pk=unit.pk).status,
        LandParcel.objects.get(pk=parcel.pk).status,
    } == {"idle"}


def test_only_editors_of_a_department_create_carriers_for_it(blank_zone):
    with pytest.raises(PermissionDenied):
        services.land_parcel_create(
            actor=blank_zone.economy,
            code="x",
            name="x",
            org_unit=blank_zone.zone,
            area_mu=1,
            land_use="industrial",
            department=blank_zone.departments["investment"],
        )
    with pytest.raises(PermissionDenied):
        services.building_create(
            actor=blank_zone.finance,
            code="x",
            name="x",
            org_unit=blank_zone.zone,
            floors=1,
            department=blank_zone.departments["investment"],
        )
    assert not LandParcel.objects.exists()


# --- creating and changing ------------------------------------------------------------------


def test_creating_a_parcel_audits_it_and_starts_its_history(blank_zone):
    mark = audit_mark()
    parcel = services.land_parcel_create(
        actor=blank_zone.investment,
        code="p1",
        name="地块",
        org_unit=blank_zone.units[ZHAOHU],
        area_mu="12.5",
        land_use="industrial",
        department=blank_zone.departments["investment"],
        price_wan_per_mu="18",
        since=date(2017, 2, 1),
    )
    parcel.refresh_from_db()
    assert (parcel.area_mu, parcel.status, parcel.version) == (Decimal("12.50"), "idle", 1)
    assert moves(parcel) == [("", "idle", date(2017, 2, 1), "")]
    (entry,) = audit_since(mark)
    assert (entry.action, entry.object_type, entry.actor_username) == (
        "create",
        "carriers.landparcel",
        "investment",
    )
    assert entry.after["area_mu"] == "12.50"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"area_mu": "abc"}, {"area_mu": ["“abc” value must be a decimal number."]}),
        ({"area_mu": "0"}, {"area_mu": ["Ensure this value is greater than or equal to 0.01."]}),
        ({"land_use": "farm"}, {"land_use": ["Value 'farm' is not a valid choice."]}),
        ({"status": "let"}, {"status": ["Land is idle, reserved or sold; it is not let."]}),
        ({"code": "land-1"}, {"code": ["Land parcel with this Code already exists."]}),
    ],
)
def test_bad_input_for_a_parcel_is_refused_and_writes_nothing(blank_zone, changes, errors):
    args = {
        "code": "land-1",
        "name": "地块",
        "org_unit": blank_zone.units[ZHAOHU],
        "area_mu": "10",
        "land_use": "industrial",
        "department": blank_zone.departments["investment"],
    }
    if changes.get("code") == "land-1":
        services.land_parcel_create(actor=None, **args)
        args["code"] = "other"
    args.update(changes)
    mark, count = audit_mark(), LandParcel.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.land_parcel_create(actor=blank_zone.investment, **args)
    assert caught.value.message_dict == errors
    assert (audit_mark(), LandParcel.objects.count()) == (mark, count)


def test_a_carrier_lies_in_the_zone(blank_zone):
    with pytest.raises(ValidationError) as caught:
        services.building_create(
            actor=blank_zone.investment,
            code="b",
            name="楼",
            org_unit=blank_zone.units[DECHENG],
            floors=3,
            department=blank_zone.departments["investment"],
        )
    assert caught.value.message_dict == {"org_unit": ["德城区 is not in the zone."]}


def test_a_unit_is_on_one_of_the_building_s_floors_and_its_code_is_unique_there(
    blank_zone, building
):
    with pytest.raises(ValidationError) as caught:
        services.building_unit_create(
            actor=blank_zone.investment,
            building=building,
            code="u9",
            floor=4,
            floor_area_m2="100",
            use="office",
        )
    assert caught.value.message_dict == {
        "floor": ["The building has floors 1 to 3 (basements -1 to -5)."]
    }
    with pytest.raises(ValidationError) as caught:
        services.building_unit_create(
            actor=blank_zone.investment,
            building=building,
            code="u1",
            floor=1,
            floor_area_m2="100",
            use="office",
        )
    assert caught.value.messages == ["Building unit with this Building and Code already exists."]


def test_a_building_keeps_enough_floors_for_its_units(blank_zone, building):
    with pytest.raises(ValidationError) as caught:
        services.building_update(
            actor=blank_zone.investment, building=building, version=1, floors=2
        )
    assert caught.value.message_dict == {
        "floors": ["A unit is on floor 3; the building cannot have fewer floors."]
    }


def test_changing_a_unit_bumps_its_version_and_audits_before_and_after(blank_zone, unit):
    mark = audit_mark()
    changed = services.building_unit_update(
        actor=blank_zone.investment, unit=unit, version=1, rent_yuan_per_m2_month="12.5"
    )
    assert (changed.rent_yuan_per_m2_month, changed.version) == (Decimal("12.5"), 2)
    (entry,) = audit_since(mark)
    assert entry.action == "update"
    assert (entry.before["rent_yuan_per_m2_month"], entry.after["rent_yuan_per_m2_month"]) == (
        None,
        "12.50",
    )
    # The same values again change nothing and write nothing.
    services.building_unit_update(
        actor=blank_zone.investment, unit=unit, version=2, rent_yuan_per_m2_month="12.50"
    )
    assert len(audit_since(mark)) == 1


def test_a_concurrent_edit_is_refused_not_merged(blank_zone, parcel):
    first = LandParcel.objects.get(pk=parcel.pk)
    second = LandParcel.objects.get(pk=parcel.pk)  # both editors opened version 1
    services.land_parcel_update(
        actor=blank_zone.investment, parcel=first, version=first.version, price_wan_per_mu="20"
    )
    mark = audit_mark()
    with pytest.raises(ConcurrentEditError) as caught:
        services.land_parcel_update(
            actor=blank_zone.twodept, parcel=second, version=second.version, name="改名"
        )
    assert caught.value.messages == [
        "Someone else saved this record while you were editing it. Reload it to see their "
        "change, then make yours again."
    ]
    parcel.refresh_from_db()
    assert (parcel.name, parcel.price_wan_per_mu, parcel.version) == (
        "测试地块",
        Decimal("20.00"),
        2,
    )
    assert audit_since(mark) == []


def test_a_status_move_makes_an_open_edit_stale(blank_zone, unit):
    services.carrier_reserve(version=CURRENT, actor=blank_zone.investment, carrier=unit, at=D)
    with pytest.raises(ConcurrentEditError):
        services.building_unit_update(
            actor=blank_zone.investment, unit=unit, version=1, note="opened before the move"
        )


def test_codes_and_status_are_not_changed_by_the_update_services(blank_zone, parcel):
    with pytest.raises(ValueError, match="not editable"):
        services.land_parcel_update(actor=None, parcel=parcel, version=1, status="sold")
    with pytest.raises(ValueError, match="not editable"):
        services.land_parcel_update(actor=None, parcel=parcel, version=1, code="x")


def test_only_editors_of_the_owning_department_change_a_building(blank_zone, building):
    with pytest.raises(PermissionDenied):
        services.building_update(actor=blank_zone.economy, building=building, version=1, name="x")
    changed = services.building_update(
        actor=blank_zone.investment,
        building=building,
        version=1,
        name="新名",
        org_unit=blank_zone.units[CHANGHE],
    )
    assert (changed.name, changed.version) == ("新名", 2)
