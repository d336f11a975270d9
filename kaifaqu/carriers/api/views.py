"""The carriers' API: business readers read what their departments keep, editors of the owning
department create and change (PATCH with the version; a stale one is 409), and move a
carrier's status through the same services as the back office.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kaifaqu.carriers import selectors, services
from kaifaqu.carriers.filters import BuildingUnitFilter, LandParcelFilter
from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.core import numbers
from kaifaqu.core.api.permissions import DepartmentScoped
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import home_zone

from .serializers import (
    BuildingSerializer,
    BuildingUnitSerializer,
    LandParcelSerializer,
    StatusChangeSerializer,
    StatusMoveSerializer,
    VacancySerializer,
)


def _version(data: dict) -> int:
    version = data.pop("version", None)
    if version is None:
        raise ValidationError({"version": ["This field is required."]})
    return version


class _CarrierViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [DepartmentScoped]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # Detail routes find any carrier, so that one of another department is 403, not 404.
        user = self.request.user if self.action == "list" else None
        return self.scoped(user)

    def _move(self, request, service, **extra):
        carrier = self.get_object()
        data = StatusMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = {k: v for k, v in data.validated_data.items() if k in ("at", "note", "version")}
        if service is services.carrier_take and "how" in data.validated_data:
            args["how"] = data.validated_data["how"]
        carrier = service(actor=request.user, carrier=carrier, **args)
        return Response(self.get_serializer(carrier).data)

    @extend_schema(request=StatusMoveSerializer)
    @action(detail=True, methods=["post"])
    def reserve(self, request, *args, **kwargs):
        """Reserve an idle carrier (idle → reserved; reserved stays reserved)."""
        return self._move(request, services.carrier_reserve)

    @extend_schema(request=StatusMoveSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, *args, **kwargs):
        """Take an idle or reserved carrier: let or sold (land is sold)."""
        return self._move(request, services.carrier_take)

    @extend_schema(request=StatusMoveSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, *args, **kwargs):
        """Release a reserved or let carrier (→ idle)."""
        return self._move(request, services.carrier_release)

    # The whole history as a list: neither paginated nor filtered like the carriers' list (the
    # schema said a page of them and the list's filters).
    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        carrier = self.get_object()
        rows = selectors.status_history(carrier)
        return Response(StatusChangeSerializer(rows, many=True).data)


class LandParcelViewSet(_CarrierViewSet):
    """Land parcels; filter by status, land_use, org_unit (a code; units below included) and
    area_min/area_max (亩)."""

    serializer_class = LandParcelSerializer
    filterset_class = LandParcelFilter
    lookup_field = "code"

    def scoped(self, user):
        if user is None:
            return LandParcel.objects.select_related("org_unit", "department").order_by("code")
        return selectors.land_parcels_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.land_parcel_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = _version(data)
        for fixed in ("code", "department"):
            data.pop(fixed, None)
        serializer.instance = services.land_parcel_update(
            actor=self.request.user, parcel=serializer.instance, version=version, **data
        )


class BuildingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Buildings with their floor area, idle area and units (vacancy), by code."""

    serializer_class = BuildingSerializer
    permission_classes = [DepartmentScoped]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "code"

    def get_queryset(self):
        if self.action == "list":
            return selectors.buildings_for(self.request.user)
        return selectors.buildings_with_vacancy()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        building = services.building_create(actor=self.request.user, **data)
        serializer.instance = selectors.buildings_with_vacancy().get(pk=building.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = _version(data)
        for fixed in ("code", "department"):
            data.pop(fixed, None)
        building = services.building_update(
            actor=self.request.user, building=serializer.instance, version=version, **data
        )
        serializer.instance = selectors.buildings_with_vacancy().get(pk=building.pk)

    @extend_schema(
        parameters=[OpenApiParameter("org_unit", str, description="an org unit's code")],
        responses=VacancySerializer,
    )
    @action(detail=False, methods=["get"])
    def vacancy(self, request):
        """Idle floor area over floor area of the buildings read, in a unit and below
        (default: the zone)."""
        code = request.query_params.get("org_unit")
        unit = get_object_or_404(OrgUnit, code=code) if code else home_zone()
        v = selectors.vacancy(request.user, unit)
        pct = None if v.pct is None else numbers.round_half_up(v.pct, 2)
        data = {
            "org_unit": unit.code if unit else "",
            "total_area_m2": v.total_area_m2,
            "idle_area_m2": v.idle_area_m2,
            "vacancy_pct": pct,
            "unit_count": v.unit_count,
            "idle_units": v.idle_units,
        }
        return Response(VacancySerializer(data).data, status=status.HTTP_200_OK)


class BuildingUnitViewSet(_CarrierViewSet):
    """Units of buildings; filter by building (code), status, use, org_unit (a code; units
    below included) and area_min/area_max (m²)."""

    serializer_class = BuildingUnitSerializer
    filterset_class = BuildingUnitFilter

    def scoped(self, user):
        if user is None:
            return BuildingUnit.objects.select_related("building").order_by("pk")
        return selectors.building_units_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.building_unit_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = _version(data)
        for fixed in ("code", "building"):
            data.pop(fixed, None)
        serializer.instance = services.building_unit_update(
            actor=self.request.user, unit=serializer.instance, version=version, **data
        )
