"""Saving a statistics value through the API: the one service the entry page and the
workbook use (``services.value_save``), so a refused value is refused here too (400 with
the data check's message, 409 for a stale version, 403 without the right)."""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kaifaqu.core.api.permissions import DepartmentScoped
from kaifaqu.core.models import User
from kaifaqu.stats import selectors, services

from .serializers import ValueSerializer, ValueWriteSerializer


class ValuesView(APIView):
    """Enter or change one value (element, org unit, period)."""

    permission_classes = [DepartmentScoped]

    @extend_schema(request=ValueWriteSerializer, responses={200: ValueSerializer})
    def post(self, request: Request) -> Response:
        given = ValueWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        element, org = data.pop("element"), data.pop("org")
        row = services.value_save(
            actor=cast(User, request.user),  # DepartmentScoped lets only an account through
            element=element,
            org_unit=org,
            **data,
        )
        found = [
            v
            for v in selectors.violations_at(org, row.month_from, row.month_to)
            if v.rule.left_id == element.pk
        ]
        shown = ValueSerializer(row, context={"violations": found})
        return Response(shown.data, status=status.HTTP_200_OK)
