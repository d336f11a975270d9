"""Reads of the carriers: lists scoped to what the user may read, vacancy in SQL aggregates,
the status history, and what is on offer to investors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from kaifaqu.core import access
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import orgunit_ids_below

from .models import (
    Building,
    BuildingUnit,
    CarrierKind,
    CarrierPhoto,
    CarrierStatus,
    CarrierStatusChange,
    LandParcel,
    LandUse,
    UnitUse,
)

HUNDRED = Decimal(100)
_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
_IDLE = Q(units__status=CarrierStatus.IDLE)


# -- lists -----------------------------------------------------------------------------------


def _scoped(user, qs: QuerySet, field: str = "department_id") -> QuerySet:
    ids = access.readable_department_ids(user)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def land_parcels_for(user) -> QuerySet[LandParcel]:
    qs = LandParcel.objects.select_related("org_unit", "department").order_by("code")
    return _scoped(user, qs)


def buildings_with_vacancy() -> QuerySet[Building]:
    """Buildings with their floor area, idle area and unit counts, summed in SQL."""
    return (
        Building.objects.select_related("org_unit", "department")
        .annotate(
            total_area=Coalesce(Sum("units__floor_area_m2"), _ZERO),
            idle_area=Coalesce(Sum("units__floor_area_m2", filter=_IDLE), _ZERO),
            unit_count=Count("units"),
            idle_units=Count("units", filter=_IDLE),
        )
        .order_by("code")
    )


def buildings_for(user) -> QuerySet[Building]:
    return _scoped(user, buildings_with_vacancy())


def building_units_for(user) -> QuerySet[BuildingUnit]:
    qs = BuildingUnit.objects.select_related(
        "building", "building__org_unit", "building__department"
    ).order_by("building__code", "floor", "code")
    return _scoped(user, qs, "building__department_id")


def units_of(building: Building) -> QuerySet[BuildingUnit]:
    return building.units.order_by("floor", "code")


def vacancy_pct(idle_area: Decimal | None, total_area: Decimal | None) -> Decimal | None:
    """Idle floor area as a share of the floor area, unrounded; None for no floor area."""
    if not total_area:
        return None
    return Decimal(idle_area or 0) / Decimal(total_area) * HUNDRED


@dataclass(frozen=True)
class Vacancy:
    total_area_m2: Decimal
    idle_area_m2: Decimal
    unit_count: int
    idle_units: int

    @property
    def pct(self) -> Decimal | None:
        return vacancy_pct(self.idle_area_m2, self.total_area_m2)


def vacancy(user, org_unit: OrgUnit | None = None) -> Vacancy:
    """The vacancy of the buildings the user reads, in the unit and below (default: all), in
    one aggregate query (plus one for the tree when a unit is given)."""
    qs = building_units_for(user)
    if org_unit is not None:
        qs = qs.filter(building__org_unit_id__in=orgunit_ids_below(org_unit))
    idle = Q(status=CarrierStatus.IDLE)
    row = qs.aggregate(
        total=Coalesce(Sum("floor_area_m2"), _ZERO),
        idle=Coalesce(Sum("floor_area_m2", filter=idle), _ZERO),
        units=Count("pk"),
        idle_units=Count("pk", filter=idle),
    )
    return Vacancy(row["total"], row["idle"], row["units"], row["idle_units"])


def status_history(carrier) -> QuerySet[CarrierStatusChange]:
    """A carrier's status moves, oldest first."""
    return (
        CarrierStatusChange.objects.filter(kind=carrier.carrier_kind, carrier_id=carrier.pk)
        .select_related("recorded_by")
        .order_by("at", "pk")
    )


def building_history(building: Building) -> QuerySet[CarrierStatusChange]:
    """The status moves of every unit of a building, oldest first."""
    return (
        CarrierStatusChange.objects.filter(
            kind=CarrierKind.BUILDING_UNIT,
            carrier_id__in=building.units.values("pk"),
        )
        .select_related("recorded_by")
        .order_by("at", "pk")
    )


# -- on offer (the public portal) ------------------------------------------------------------


def _in_units(qs: QuerySet, field: str, org_unit: OrgUnit | None) -> QuerySet:
    return qs if org_unit is None else qs.filter(**{f"{field}__in": orgunit_ids_below(org_unit)})


def _area_between(qs: QuerySet, field: str, low: Decimal | None, high: Decimal | None):
    if low is not None:
        qs = qs.filter(**{f"{field}__gte": low})
    if high is not None:
        qs = qs.filter(**{f"{field}__lte": high})
    return qs


def land_on_offer(
    *,
    land_use: str = "",
    org_unit: OrgUnit | None = None,
    min_area: Decimal | None = None,
    max_area: Decimal | None = None,
) -> QuerySet[LandParcel]:
    """Idle parcels, whoever keeps them: everything idle is on offer to investors. Area in 亩;
    ``org_unit`` includes the units below it. Photos prefetched."""
    qs = LandParcel.objects.filter(status=CarrierStatus.IDLE).select_related("org_unit")
    if land_use:
        qs = qs.filter(land_use=land_use)
    qs = _area_between(_in_units(qs, "org_unit_id", org_unit), "area_mu", min_area, max_area)
    return qs.prefetch_related("photos").order_by("org_unit__order", "code")


def units_on_offer(
    *,
    use: str = "",
    org_unit: OrgUnit | None = None,
    min_area: Decimal | None = None,
    max_area: Decimal | None = None,
) -> QuerySet[BuildingUnit]:
    """Idle building units (area in m²), with their building's photos prefetched."""
    qs = BuildingUnit.objects.filter(status=CarrierStatus.IDLE).select_related(
        "building", "building__org_unit"
    )
    if use:
        qs = qs.filter(use=use)
    qs = _area_between(
        _in_units(qs, "building__org_unit_id", org_unit), "floor_area_m2", min_area, max_area
    )
    return qs.prefetch_related("building__photos").order_by(
        "building__org_unit__order", "building__code", "floor", "code"
    )


def photos_of(carrier: LandParcel | Building | BuildingUnit) -> QuerySet[CarrierPhoto]:
    """A parcel's or a building's photos; a unit shows its building's."""
    if isinstance(carrier, LandParcel):
        return CarrierPhoto.objects.filter(land_parcel=carrier)
    building_id = carrier.building_id if isinstance(carrier, BuildingUnit) else carrier.pk
    return CarrierPhoto.objects.filter(building_id=building_id)


def photo_on_offer(pk: int) -> CarrierPhoto | None:
    """A photo the public may see: of an idle parcel or of a building with an idle unit."""
    return (
        CarrierPhoto.objects.filter(pk=pk)
        .filter(
            Q(land_parcel__status=CarrierStatus.IDLE)
            | Q(building__units__status=CarrierStatus.IDLE)
        )
        .distinct()
        .first()
    )


@dataclass(frozen=True)
class AreaByStatus:
    """Area per use and status: m² of building floor area, or 亩 of land."""

    use: str
    label: str
    by_status: dict[str, Decimal]

    def of(self, status: str) -> Decimal:
        return self.by_status.get(status, Decimal(0))


def _by_use_and_status(rows, choices) -> list[AreaByStatus]:
    sums: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        sums.setdefault(row["use"], {})[row["status"]] = row["area"] or Decimal(0)
    return [
        AreaByStatus(value, str(label), sums[value]) for value, label in choices if value in sums
    ]


def unit_area_by_use(user) -> list[AreaByStatus]:
    """The floor area (m²) of the building units the user reads, per use and status, in the
    uses' order; one query."""
    rows = (
        building_units_for(user)
        .order_by()
        .values("use", "status")
        .annotate(area=Sum("floor_area_m2"))
    )
    return _by_use_and_status(rows, UnitUse.choices)


def land_area_by_use(user) -> list[AreaByStatus]:
    """The area (亩) of the land parcels the user reads, per land use and status; one query."""
    rows = (
        land_parcels_for(user)
        .order_by()
        .annotate(use=F("land_use"))
        .values("use", "status")
        .annotate(area=Sum("area_mu"))
    )
    return _by_use_and_status(rows, LandUse.choices)
