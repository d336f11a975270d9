"""Filters of the carrier lists, shared by the back-office pages and the API.

``org_unit`` takes a unit's code and keeps the carriers in that unit and every unit below it;
the area range is in 亩 for land and in m² for building units.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ListFilterSet
from kaifaqu.core.forms import BootstrapForm
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import orgunit_ids_below, zone_units

from .models import BuildingUnit, CarrierStatus, LandParcel, LandUse, UnitUse


def _zone_unit_choices():
    return [(unit.code, unit.name) for unit in zone_units()]


class _InUnit:
    org_field = "org_unit_id"

    def in_unit(self, queryset, name, value: str):
        unit = OrgUnit.objects.filter(code=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.org_field}__in": orgunit_ids_below(unit)})


class LandParcelFilter(_InUnit, ListFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="name_or_code")
    status = django_filters.ChoiceFilter(label=_("Occupancy"), choices=CarrierStatus.choices)
    land_use = django_filters.ChoiceFilter(label=_("Land use"), choices=LandUse.choices)
    org_unit = django_filters.ChoiceFilter(
        label=_("Org unit"), choices=_zone_unit_choices, method="in_unit"
    )
    area_min = django_filters.NumberFilter(
        label=_("Area from (mu)"), field_name="area_mu", lookup_expr="gte"
    )
    area_max = django_filters.NumberFilter(
        label=_("Area to (mu)"), field_name="area_mu", lookup_expr="lte"
    )

    class Meta:
        model = LandParcel
        fields = ["q", "status", "land_use", "org_unit", "area_min", "area_max"]
        form = BootstrapForm

    def name_or_code(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(code__icontains=value)


class BuildingUnitFilter(_InUnit, ListFilterSet):
    org_field = "building__org_unit_id"

    building = django_filters.CharFilter(label=_("Building (code)"), field_name="building__code")
    status = django_filters.ChoiceFilter(label=_("Occupancy"), choices=CarrierStatus.choices)
    use = django_filters.ChoiceFilter(label=_("Use"), choices=UnitUse.choices)
    org_unit = django_filters.ChoiceFilter(
        label=_("Org unit"), choices=_zone_unit_choices, method="in_unit"
    )
    area_min = django_filters.NumberFilter(
        label=_("Floor area from (m²)"), field_name="floor_area_m2", lookup_expr="gte"
    )
    area_max = django_filters.NumberFilter(
        label=_("Floor area to (m²)"), field_name="floor_area_m2", lookup_expr="lte"
    )

    class Meta:
        model = BuildingUnit
        fields = ["building", "status", "use", "org_unit", "area_min", "area_max"]
        form = BootstrapForm
