"""The portal's read-only public API (for the zone's mini-program): published policies and
carriers on offer. Anonymous callers are welcome; nothing here is department-scoped."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from kaifaqu.carriers import selectors as carriers
from kaifaqu.core.api.pagination import Pagination
from kaifaqu.portal import selectors
from kaifaqu.portal.categories import Category
from kaifaqu.portal.views.public import OnOffer, _on_offer

from .serializers import CarrierOnOfferSerializer, PolicyDetailSerializer, PolicySerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search in title, text and issuing body"),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("in_force", bool, description="Only policies in force today"),
        ]
    )
)
class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = []

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.public_policies().prefetch_related("attachments")
        params = self.request.query_params
        category = params.get("category", "")
        return selectors.public_policies(
            q=params.get("q", "")[:100],
            category=category if category in Category.values else "",
            in_force_only=params.get("in_force") in ("1", "true", "True"),
        )

    def get_serializer_class(self):
        return PolicyDetailSerializer if self.action == "retrieve" else PolicySerializer


class CarrierOnOfferViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = CarrierOnOfferSerializer
    # A plain ViewSet: naming its pagination lets the schema show the paginated list.
    pagination_class = Pagination
    lookup_field = "id"
    lookup_value_regex = "(land|unit)-[0-9]+"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=["land", "unit"]),
            OpenApiParameter("use", str),
            OpenApiParameter("town", str, description="Org unit code of a town or subdistrict"),
            OpenApiParameter("min_area", float, description="mu for land, m² for units"),
            OpenApiParameter("max_area", float),
        ],
        responses=CarrierOnOfferSerializer(many=True),
    )
    def list(self, request):
        items, _chosen = _on_offer(request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        data = CarrierOnOfferSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", str, OpenApiParameter.PATH, description="Kind and id: land-12, unit-7"
            )
        ],
        responses=CarrierOnOfferSerializer,
    )
    def retrieve(self, request, id=None):
        """``pk`` is the kind and id: land-12, unit-7."""
        kind, _, number = (id or "").partition("-")
        qs = {"land": carriers.land_on_offer, "unit": carriers.units_on_offer}.get(kind)
        found = qs().filter(pk=number).first() if qs and number.isdigit() else None
        if found is None:
            raise Http404
        return Response(CarrierOnOfferSerializer(OnOffer(found), context={"request": request}).data)
