"""Writes to the carriers: atomic, permission-checked against the owning department, validated,
audited. Status moves go only through ``carrier_reserve``, ``carrier_take`` and
``carrier_release``, each of which writes a dated row of the carrier's status history.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction
from kaifaqu.core.uploads import IMAGES, CheckedUpload, checked_upload
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.orgs.selectors import zone_unit_ids
from kaifaqu.orgs.services import ConcurrentEditError

from .models import (
    LAND_STATUSES,
    Building,
    BuildingUnit,
    CarrierPhoto,
    CarrierStatus,
    CarrierStatusChange,
    LandParcel,
)

Carrier = LandParcel | BuildingUnit

#: What the update services may change. Codes are identities (projects link to carriers by
#: them) and the status moves only through the status services.
LAND_PARCEL_EDITABLE = (
    "name", "org_unit", "location", "area_mu", "land_use", "price_wan_per_mu", "note",
)  # fmt: skip
BUILDING_EDITABLE = ("name", "org_unit", "location", "floors", "note")
BUILDING_UNIT_EDITABLE = (
    "floor", "floor_area_m2", "use", "rent_yuan_per_m2_month", "sale_price_yuan_per_m2", "note",
)  # fmt: skip


def _require_change(actor, department_id: int | None) -> None:
    if actor is not None and not access.can_change_department(actor, department_id):
        raise PermissionDenied(_("Only editors of the owning department may change this."))


def _require_in_zone(org_unit: OrgUnit | None) -> None:
    """Carriers lie in the zone: its own unit or one below it."""
    if org_unit is not None and org_unit.pk not in zone_unit_ids():
        raise ValidationError(
            {"org_unit": _("%(unit)s is not in the zone.") % {"unit": org_unit.name}}
        )


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _history(actor, carrier: Carrier, from_status: str, to_status: str, at: date, note: str):
    change = CarrierStatusChange(
        kind=carrier.carrier_kind,
        carrier_id=carrier.pk,
        from_status=from_status,
        to_status=to_status,
        at=at,
        note=note,
        recorded_by=_user(actor),
    )
    change.full_clean()
    change.save()
    return change


def _unchanged(before: dict, after: dict, fields) -> bool:
    return all(before.get(f) == after.get(f) for f in fields)


def _attnames(model, fields) -> list[str]:
    return [model._meta.get_field(f).attname for f in fields]


# -- land parcels ----------------------------------------------------------------------------


@transaction.atomic
def land_parcel_create(
    *,
    actor,
    code: str,
    name: str,
    org_unit: OrgUnit,
    area_mu,
    land_use: str,
    department: Department,
    location: str = "",
    status: str = CarrierStatus.IDLE,
    price_wan_per_mu=None,
    note: str = "",
    since: date | None = None,
) -> LandParcel:
    """Enter a parcel; ``since`` dates its entry in the status history (default: today)."""
    _require_change(actor, department.pk)
    parcel = LandParcel(
        code=code, name=name, org_unit=org_unit, area_mu=area_mu, land_use=land_use,
        department=department, location=location, status=status,
        price_wan_per_mu=price_wan_per_mu, note=note,
    )  # fmt: skip
    parcel.full_clean()
    _require_in_zone(org_unit)
    parcel.save()
    _history(actor, parcel, "", parcel.status, since or timezone.localdate(), "")
    audit.record(AuditAction.CREATE, actor=actor, obj=parcel, after=audit.snapshot(parcel))
    return parcel


@transaction.atomic
def land_parcel_update(*, actor, parcel: LandParcel, version: int, **changes) -> LandParcel:
    """Change a parcel; ``version`` is the one the editor started from (optimistic locking)."""
    unknown = set(changes) - set(LAND_PARCEL_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    parcel = LandParcel.objects.select_for_update().get(pk=parcel.pk)
    _require_change(actor, parcel.department_id)
    if parcel.version != version:
        raise ConcurrentEditError
    before = audit.snapshot(parcel)
    for name, value in changes.items():
        setattr(parcel, name, value)
    parcel.full_clean()
    if _unchanged(before, audit.snapshot(parcel), _attnames(LandParcel, LAND_PARCEL_EDITABLE)):
        return parcel
    if "org_unit" in changes:
        _require_in_zone(parcel.org_unit)
    parcel.version += 1
    parcel.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=parcel, before=before, after=audit.snapshot(parcel)
    )
    return parcel


# -- buildings and their units ---------------------------------------------------------------


@transaction.atomic
def building_create(
    *,
    actor,
    code: str,
    name: str,
    org_unit: OrgUnit,
    floors: int,
    department: Department,
    location: str = "",
    note: str = "",
) -> Building:
    _require_change(actor, department.pk)
    building = Building(
        code=code, name=name, org_unit=org_unit, floors=floors, department=department,
        location=location, note=note,
    )  # fmt: skip
    building.full_clean()
    _require_in_zone(org_unit)
    building.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=building, after=audit.snapshot(building))
    return building


@transaction.atomic
def building_update(*, actor, building: Building, version: int, **changes) -> Building:
    unknown = set(changes) - set(BUILDING_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    building = Building.objects.select_for_update().get(pk=building.pk)
    _require_change(actor, building.department_id)
    if building.version != version:
        raise ConcurrentEditError
    before = audit.snapshot(building)
    for name, value in changes.items():
        setattr(building, name, value)
    building.full_clean()
    if _unchanged(before, audit.snapshot(building), _attnames(Building, BUILDING_EDITABLE)):
        return building
    if "org_unit" in changes:
        _require_in_zone(building.org_unit)
    if "floors" in changes:
        highest = building.units.order_by("-floor").values_list("floor", flat=True).first()
        if highest is not None and highest > building.floors:
            raise ValidationError(
                {"floors": _("A unit is on floor %(floor)s; the building cannot have fewer floors.")
                 % {"floor": highest}}
            )  # fmt: skip
    building.version += 1
    building.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=building, before=before, after=audit.snapshot(building)
    )
    return building


@transaction.atomic
def building_unit_create(
    *,
    actor,
    building: Building,
    code: str,
    floor: int,
    floor_area_m2,
    use: str,
    status: str = CarrierStatus.IDLE,
    rent_yuan_per_m2_month=None,
    sale_price_yuan_per_m2=None,
    note: str = "",
    since: date | None = None,
) -> BuildingUnit:
    """Enter a unit of a building; ``since`` dates its entry in the status history."""
    _require_change(actor, building.department_id)
    unit = BuildingUnit(
        building=building, code=code, floor=floor, floor_area_m2=floor_area_m2, use=use,
        status=status, rent_yuan_per_m2_month=rent_yuan_per_m2_month,
        sale_price_yuan_per_m2=sale_price_yuan_per_m2, note=note,
    )  # fmt: skip
    unit.full_clean()
    unit.save()
    _history(actor, unit, "", unit.status, since or timezone.localdate(), "")
    audit.record(AuditAction.CREATE, actor=actor, obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def building_unit_update(*, actor, unit: BuildingUnit, version: int, **changes) -> BuildingUnit:
    unknown = set(changes) - set(BUILDING_UNIT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    unit = BuildingUnit.objects.select_for_update().select_related("building").get(pk=unit.pk)
    _require_change(actor, unit.building.department_id)
    if unit.version != version:
        raise ConcurrentEditError
    before = audit.snapshot(unit)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.full_clean()
    if _unchanged(before, audit.snapshot(unit), _attnames(BuildingUnit, BUILDING_UNIT_EDITABLE)):
        return unit
    unit.version += 1
    unit.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=unit, before=before, after=audit.snapshot(unit)
    )
    return unit


# -- status moves ----------------------------------------------------------------------------


def _locked(carrier: Carrier) -> Carrier:
    if isinstance(carrier, LandParcel):
        return LandParcel.objects.select_for_update().get(pk=carrier.pk)
    if isinstance(carrier, BuildingUnit):
        return (
            BuildingUnit.objects.select_for_update().select_related("building").get(pk=carrier.pk)
        )
    raise TypeError(f"not a carrier: {type(carrier).__name__}")


def _status_label(status: str) -> str:
    return str(CarrierStatus(status).label).lower()


def _refuse(carrier: Carrier, message: str) -> ValidationError:
    return ValidationError(
        message % {"carrier": str(carrier), "status": _status_label(carrier.status)},
        code="carrier_status",
    )


def _move(actor, carrier: Carrier, to_status: str, note: str, at: date | None) -> Carrier:
    """Write the move, its history row and its audit row; ``carrier`` is locked."""
    at = at or timezone.localdate()
    if at > timezone.localdate():
        raise ValidationError({"at": _("A status change cannot be dated in the future.")})
    last = (
        CarrierStatusChange.objects.filter(kind=carrier.carrier_kind, carrier_id=carrier.pk)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and at < last:
        raise ValidationError(
            {"at": _("The carrier's last status change is dated %(date)s; a new one cannot be "
                     "dated earlier.") % {"date": last.isoformat()}}
        )  # fmt: skip
    before = audit.snapshot(carrier)
    from_status = carrier.status
    carrier.status = to_status
    carrier.version += 1
    carrier.full_clean()
    carrier.save(update_fields=["status", "version"])
    _history(actor, carrier, from_status, to_status, at, note)
    after = audit.snapshot(carrier)
    after["status_change"] = {"from": from_status, "to": to_status, "at": at.isoformat(),
                              "note": note}  # fmt: skip
    audit.record(AuditAction.UPDATE, actor=actor, obj=carrier, before=before, after=after)
    return carrier


@transaction.atomic
def carrier_reserve(*, actor, carrier: Carrier, note: str = "", at: date | None = None) -> Carrier:
    """Reserve an idle carrier for a project (洽谈); reserving a reserved one changes nothing."""
    carrier = _locked(carrier)
    _require_change(actor, carrier.department_id)
    if carrier.status == CarrierStatus.RESERVED:
        return carrier
    if carrier.status != CarrierStatus.IDLE:
        raise _refuse(
            carrier, _("%(carrier)s is %(status)s; only an idle carrier can be reserved.")
        )
    return _move(actor, carrier, CarrierStatus.RESERVED, note, at)


@transaction.atomic
def carrier_take(
    *, actor, carrier: Carrier, how: str | None = None, note: str = "", at: date | None = None
) -> Carrier:
    """A project takes an idle or reserved carrier (签约): a unit is let or sold, land is sold.

    ``how`` is "let" or "sold"; left out, a unit is let and land is sold.
    """
    carrier = _locked(carrier)
    _require_change(actor, carrier.department_id)
    is_land = isinstance(carrier, LandParcel)
    how = how or (CarrierStatus.SOLD if is_land else CarrierStatus.LET)
    if how not in (CarrierStatus.LET, CarrierStatus.SOLD):
        raise ValidationError(_("A carrier is taken either let or sold."), code="carrier_status")
    if is_land and how not in LAND_STATUSES:
        raise ValidationError(_("Land is sold, not let."), code="carrier_status")
    if carrier.status not in (CarrierStatus.IDLE, CarrierStatus.RESERVED):
        raise _refuse(
            carrier, _("%(carrier)s is %(status)s already; only an idle or reserved carrier "
                       "can be taken.")
        )  # fmt: skip
    return _move(actor, carrier, how, note, at)


@transaction.atomic
def carrier_release(*, actor, carrier: Carrier, note: str = "", at: date | None = None) -> Carrier:
    """A reservation lapses or a lease ends: the carrier is idle again.

    Releasing an idle carrier changes nothing; a sold one is no longer the zone's to offer.
    """
    carrier = _locked(carrier)
    _require_change(actor, carrier.department_id)
    if carrier.status == CarrierStatus.IDLE:
        return carrier
    if carrier.status == CarrierStatus.SOLD:
        raise _refuse(carrier, _("%(carrier)s is sold; it cannot be released."))
    return _move(actor, carrier, CarrierStatus.IDLE, note, at)


# -- photos ----------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _checked_photo(upload) -> CheckedUpload:
    """Name, content type (read from the content, not the name) and size of a photo."""
    return checked_upload(upload, kinds=IMAGES, max_bytes=MAX_PHOTO_BYTES, field="image",
                          by_content=True)  # fmt: skip


@transaction.atomic
def carrier_photo_add(
    *, actor, carrier: LandParcel | Building, image, caption: str = ""
) -> CarrierPhoto:
    """A photo of a parcel or a building (a unit's photos are its building's)."""
    if isinstance(carrier, BuildingUnit):
        carrier = carrier.building
    if not isinstance(carrier, LandParcel | Building):
        raise TypeError(f"not a parcel or building: {type(carrier).__name__}")
    _require_change(actor, carrier.department_id)
    name, content_type, size = _checked_photo(image)
    photo = CarrierPhoto(
        land_parcel=carrier if isinstance(carrier, LandParcel) else None,
        building=carrier if isinstance(carrier, Building) else None,
        caption=(caption or "").strip(), content_type=content_type, size=size,
        uploaded_by=_user(actor),
    )  # fmt: skip
    photo.image.save(name, image, save=False)
    photo.full_clean()
    photo.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=photo,
        after=audit.snapshot(photo, ["land_parcel", "building", "caption", "content_type", "size"]),
    )
    return photo


@transaction.atomic
def carrier_photo_remove(*, actor, photo: CarrierPhoto) -> None:
    _require_change(actor, photo.department_id)
    before = audit.snapshot(photo, ["land_parcel", "building", "caption", "content_type", "size"])
    audit.record(AuditAction.DELETE, actor=actor, obj=photo, before=before)
    stored, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(stored))
