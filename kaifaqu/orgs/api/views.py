from typing import cast

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.serializers import BaseSerializer

from kaifaqu.core.api.permissions import DepartmentScoped, ReadsBusiness
from kaifaqu.core.models import User
from kaifaqu.orgs import selectors, services
from kaifaqu.orgs.filters import OrgUnitFilter
from kaifaqu.orgs.models import Department, Honour, OrgUnit, ProfileFact

from .serializers import (
    DepartmentSerializer,
    HonourSerializer,
    OrgUnitSerializer,
    ProfileFactSerializer,
)


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet[OrgUnit]):
    """Org units with their parent and kind; filter by ``kind`` or ``parent`` (a code)."""

    serializer_class = OrgUnitSerializer
    permission_classes = [ReadsBusiness]
    lookup_field = "code"
    filterset_class = OrgUnitFilter

    def get_queryset(self) -> QuerySet[OrgUnit]:
        return selectors.orgunit_list()


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentSerializer
    permission_classes = [ReadsBusiness]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.departments()


class ProfileFactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[ProfileFact],
):
    """Profile facts the user's departments keep; editors of the owning department change them."""

    serializer_class = ProfileFactSerializer
    permission_classes = [DepartmentScoped]
    filterset_fields = {"org_unit__code": ["exact"], "key": ["exact"]}
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ProfileFact]:
        qs = ProfileFact.objects.select_related("org_unit", "department").order_by("pk")
        if self.action == "list":
            return selectors.scoped(self.request.user, qs)
        return qs

    def perform_update(self, serializer: BaseSerializer[ProfileFact]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ValidationError({"version": ["This field is required."]})
        # An update: UpdateModelMixin gave the serializer the fact it looked up.
        fact = cast(ProfileFact, serializer.instance)
        # DepartmentScoped lets only an account through (an anonymous visitor reads nothing).
        actor = cast(User, self.request.user)
        serializer.instance = services.profile_fact_update(
            actor=actor, fact=fact, version=version, **data
        )


class HonourViewSet(viewsets.ReadOnlyModelViewSet[Honour]):
    serializer_class = HonourSerializer
    permission_classes = [DepartmentScoped]

    def get_queryset(self) -> QuerySet[Honour]:
        return selectors.scoped(
            self.request.user, Honour.objects.select_related("org_unit").order_by("pk")
        )
