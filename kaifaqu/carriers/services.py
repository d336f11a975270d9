"""Writes to the carriers: atomic, permission-checked against the owning department, validated,
audited. Status moves go only through ``carrier_reserve``, ``carrier_take`` and
``carrier_release``, each of which writes a dated row of the carrier's status history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.uploads import IMAGES, CheckedUpload, checked_upload
from kaifaqu.core.versioning import Version, versioned_update
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.orgs.selectors import zone_unit_ids

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
    "name",
    "org_unit",
    "location",
    "area_mu",
    "land_use",
    "price_wan_per_mu",
    "note",
)
BUILDING_EDITABLE = ("name", "org_unit", "location", "floors", "note")
BUILDING_UNIT_EDITABLE = (
    "floor",
    "floor_area_m2",
    "use",
    "rent_yuan_per_m2_month",
    "sale_price_yuan_per_m2",
    "note",
)


def _require_in_zone(org_unit: OrgUnit | None) -> None:
    """Carriers lie in the zone: its own unit or one below it."""
    if org_unit is not None and org_unit.pk not in zone_unit_ids():
        raise ValidationError(
            {"org_unit": _("%(unit)s is not in the zone.") % {"unit": org_unit.name}}
        )


def _history(actor, carrier: Carrier, from_status: str, to_status: str, at: date, note: str):
    change = CarrierStatusChange(
        kind=carrier.carrier_kind,
        carrier_id=carrier.pk,
        from_status=from_status,
        to_status=to_status,
        at=at,
        note=note,
        recorded_by=acting_user(actor),
    )
    change.full_clean()
    change.save()
    return change


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
    require_change(actor, department.pk)
    parcel = LandParcel(
        code=code,
        name=name,
        org_unit=org_unit,
        area_mu=area_mu,
        land_use=land_use,
        department=department,
        location=location,
        status=status,
        price_wan_per_mu=price_wan_per_mu,
        note=note,
    )
    parcel.full_clean()
    _require_in_zone(org_unit)
    parcel.save()
    _history(actor, parcel, "", parcel.status, since or timezone.localdate(), "")
    audit.record(AuditAction.CREATE, actor=actor, obj=parcel, after=audit.snapshot(parcel))
    return parcel


@transaction.atomic
def land_parcel_update(
    *, actor: User | None, parcel: LandParcel, version: Version, **changes
) -> LandParcel:
    """Change a parcel; ``version`` is the one the editor started from (optimistic locking)."""
    return versioned_update(
        parcel,
        actor=actor,
        version=version,
        changes=changes,
        editable=LAND_PARCEL_EDITABLE,
        require=lambda row: require_change(actor, row.department_id),
        before_save=lambda row: _require_in_zone(row.org_unit) if "org_unit" in changes else None,
    )


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
    require_change(actor, department.pk)
    building = Building(
        code=code,
        name=name,
        org_unit=org_unit,
        floors=floors,
        department=department,
        location=location,
        note=note,
    )
    building.full_clean()
    _require_in_zone(org_unit)
    building.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=building, after=audit.snapshot(building))
    return building


def _check_building(building: Building, changes: dict) -> None:
    if "org_unit" in changes:
        _require_in_zone(building.org_unit)
    if "floors" in changes:
        highest = building.units.order_by("-floor").values_list("floor", flat=True).first()
        if highest is not None and highest > building.floors:
            raise ValidationError(
                {
                    "floors": _(
                        "A unit is on floor %(floor)s; the building cannot have fewer floors."
                    )
                    % {"floor": highest}
                }
            )


@transaction.atomic
def building_update(
    *, actor: User | None, building: Building, version: Version, **changes
) -> Building:
    return versioned_update(
        building,
        actor=actor,
        version=version,
        changes=changes,
        editable=BUILDING_EDITABLE,
        require=lambda row: require_change(actor, row.department_id),
        before_save=lambda row: _check_building(row, changes),
    )


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
    require_change(actor, building.department_id)
    unit = BuildingUnit(
        building=building,
        code=code,
        floor=floor,
        floor_area_m2=floor_area_m2,
        use=use,
        status=status,
        rent_yuan_per_m2_month=rent_yuan_per_m2_month,
        sale_price_yuan_per_m2=sale_price_yuan_per_m2,
        note=note,
    )
    unit.full_clean()
    unit.save()
    _history(actor, unit, "", unit.status, since or timezone.localdate(), "")
    audit.record(AuditAction.CREATE, actor=actor, obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def building_unit_update(
    *, actor: User | None, unit: BuildingUnit, version: Version, **changes
) -> BuildingUnit:
    return versioned_update(
        unit,
        actor=actor,
        version=version,
        changes=changes,
        editable=BUILDING_UNIT_EDITABLE,
        queryset=BuildingUnit.objects.select_related("building"),
        require=lambda row: require_change(actor, row.building.department_id),
    )


# -- status moves ----------------------------------------------------------------------------


def _rows(carrier: Carrier):
    """Where a carrier is locked from (a unit's rights are its building's)."""
    if isinstance(carrier, LandParcel):
        return LandParcel.objects.all()
    if isinstance(carrier, BuildingUnit):
        return BuildingUnit.objects.select_related("building")
    raise TypeError(f"not a carrier: {type(carrier).__name__}")


def _status_label(status: str) -> str:
    return str(CarrierStatus(status).label).lower()


def _refuse(carrier: Carrier, message: str) -> ValidationError:
    return ValidationError(
        message % {"carrier": str(carrier), "status": _status_label(carrier.status)},
        code="carrier_status",
    )


def _check_date(carrier: Carrier, at: date) -> None:
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
            {
                "at": _(
                    "The carrier's last status change is dated %(date)s; a new one cannot be "
                    "dated earlier."
                )
                % {"date": last.isoformat()}
            }
        )


def _move(
    actor: User | None,
    carrier: Carrier,
    version: Version,
    to_status: Callable[[Carrier], str | None],
    note: str,
    at: date | None,
) -> Carrier:
    """Move the carrier to ``to_status(carrier as stored)`` (None: it is there already, and
    nothing is written), with a row of its status history and the move in the audit row."""
    when = at or timezone.localdate()
    move: dict[str, str] = {}

    def apply(row: Carrier) -> None:
        target = to_status(row)
        if target is None:
            return
        _check_date(row, when)
        move.update({"from": row.status, "to": target, "at": when.isoformat(), "note": note})
        row.status = target

    return versioned_update(
        carrier,
        actor=actor,
        version=version,
        queryset=_rows(carrier),
        require=lambda row: require_change(actor, row.department_id),
        apply=apply,
        update_fields=["status"],
        before_save=lambda row: _history(actor, row, move["from"], move["to"], when, note),
        note=lambda row: {"status_change": move},
    )


@transaction.atomic
def carrier_reserve(
    *,
    actor: User | None,
    carrier: Carrier,
    version: Version,
    note: str = "",
    at: date | None = None,
) -> Carrier:
    """Reserve an idle carrier for a project (洽谈); reserving a reserved one changes nothing."""

    def to_status(row: Carrier) -> str | None:
        if row.status == CarrierStatus.RESERVED:
            return None
        if row.status != CarrierStatus.IDLE:
            raise _refuse(
                row, _("%(carrier)s is %(status)s; only an idle carrier can be reserved.")
            )
        return CarrierStatus.RESERVED

    return _move(actor, carrier, version, to_status, note, at)


@transaction.atomic
def carrier_take(
    *,
    actor: User | None,
    carrier: Carrier,
    version: Version,
    how: str | None = None,
    note: str = "",
    at: date | None = None,
) -> Carrier:
    """A project takes an idle or reserved carrier (签约): a unit is let or sold, land is sold.

    ``how`` is "let" or "sold"; left out, a unit is let and land is sold.
    """

    def to_status(row: Carrier) -> str:
        is_land = isinstance(row, LandParcel)
        taken = how or (CarrierStatus.SOLD if is_land else CarrierStatus.LET)
        if taken not in (CarrierStatus.LET, CarrierStatus.SOLD):
            raise ValidationError(
                _("A carrier is taken either let or sold."), code="carrier_status"
            )
        if is_land and taken not in LAND_STATUSES:
            raise ValidationError(_("Land is sold, not let."), code="carrier_status")
        if row.status not in (CarrierStatus.IDLE, CarrierStatus.RESERVED):
            raise _refuse(
                row,
                _(
                    "%(carrier)s is %(status)s already; only an idle or reserved carrier "
                    "can be taken."
                ),
            )
        return taken

    return _move(actor, carrier, version, to_status, note, at)


@transaction.atomic
def carrier_release(
    *,
    actor: User | None,
    carrier: Carrier,
    version: Version,
    note: str = "",
    at: date | None = None,
) -> Carrier:
    """A reservation lapses or a lease ends: the carrier is idle again.

    Releasing an idle carrier changes nothing; a sold one is no longer the zone's to offer.
    """

    def to_status(row: Carrier) -> str | None:
        if row.status == CarrierStatus.IDLE:
            return None
        if row.status == CarrierStatus.SOLD:
            raise _refuse(row, _("%(carrier)s is sold; it cannot be released."))
        return CarrierStatus.IDLE

    return _move(actor, carrier, version, to_status, note, at)


# -- photos ----------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _checked_photo(upload) -> CheckedUpload:
    """Name, content type (read from the content, not the name) and size of a photo."""
    return checked_upload(
        upload, kinds=IMAGES, max_bytes=MAX_PHOTO_BYTES, field="image", by_content=True
    )


@transaction.atomic
def carrier_photo_add(
    *, actor, carrier: LandParcel | Building, image, caption: str = ""
) -> CarrierPhoto:
    """A photo of a parcel or a building (a unit's photos are its building's)."""
    if isinstance(carrier, BuildingUnit):
        carrier = carrier.building
    if not isinstance(carrier, LandParcel | Building):
        raise TypeError(f"not a parcel or building: {type(carrier).__name__}")
    require_change(actor, carrier.department_id)
    name, content_type, size = _checked_photo(image)
    photo = CarrierPhoto(
        land_parcel=carrier if isinstance(carrier, LandParcel) else None,
        building=carrier if isinstance(carrier, Building) else None,
        caption=(caption or "").strip(),
        content_type=content_type,
        size=size,
        uploaded_by=acting_user(actor),
    )
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
    require_change(actor, photo.department_id)
    before = audit.snapshot(photo, ["land_parcel", "building", "caption", "content_type", "size"])
    audit.record(AuditAction.DELETE, actor=actor, obj=photo, before=before)
    stored, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(stored))
