from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from kaifaqu.core.api.permissions import DepartmentScoped, ReadsBusiness
from kaifaqu.orgs import selectors, services
from kaifaqu.orgs.filters import OrgUnitFilter
from kaifaqu.orgs.models import Honour, ProfileFact

from .serializers import (
    DepartmentSerializer,
    HonourSerializer,
    OrgUnitSerializer,
    ProfileFactSerializer,
)


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Org units with their parent and kind; filter by ``kind`` or ``parent`` (a code)."""

    serializer_class = OrgUnitSerializer
    permission_classes = [ReadsBusiness]
    lookup_field = "code"
    filterset_class = OrgUnitFilter

    def get_queryset(self):
        return selectors.orgunit_list()


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [ReadsBusiness]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return selectors.departments()


class ProfileFactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Profile facts the user's departments keep; editors of the owning department change them."""

    serializer_class = ProfileFactSerializer
    permission_classes = [DepartmentScoped]
    filterset_fields = {"org_unit__code": ["exact"], "key": ["exact"]}
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = ProfileFact.objects.select_related("org_unit", "department").order_by("pk")
        if self.action == "list":
            return selectors.scoped(self.request.user, qs)
        return qs

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ValidationError({"version": ["This field is required."]})
        serializer.instance = services.profile_fact_update(
            actor=self.request.user, fact=serializer.instance, version=version, **data
        )


class HonourViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HonourSerializer
    permission_classes = [DepartmentScoped]

    def get_queryset(self):
        return selectors.scoped(
            self.request.user, Honour.objects.select_related("org_unit").order_by("pk")
        )
