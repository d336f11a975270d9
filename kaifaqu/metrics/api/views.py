from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kaifaqu.core.api.permissions import ReadsBusiness
from kaifaqu.metrics.selectors import figures

MAX_METRICS = 200


class FiguresView(APIView):
    """Figures of metrics for an org unit and a period, with every comparison and provenance."""

    permission_classes = [ReadsBusiness]

    @extend_schema(
        parameters=[
            OpenApiParameter("org", OpenApiTypes.STR, required=True, description="org unit code"),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                description=(
                    "a period as written in docs/architecture.md: a year (YYYY), a half "
                    "(YYYYH1), a quarter (YYYYQ3), a month (YYYY-MM) or months from January "
                    "(YYYY-01/YYYY-MM)"
                ),
            ),
            OpenApiParameter(
                "metrics",
                OpenApiTypes.STR,
                required=True,
                description="comma-separated metric codes",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = {k: request.query_params.get(k, "").strip() for k in ("org", "period", "metrics")}
        missing = [k for k, v in params.items() if not v]
        if missing:
            raise ValidationError({k: ["This parameter is required."] for k in missing})
        codes = [c.strip() for c in params["metrics"].split(",") if c.strip()]
        if len(codes) > MAX_METRICS:
            raise ValidationError({"metrics": [f"At most {MAX_METRICS} metrics at once."]})
        result = figures(params["org"], params["period"], codes)
        return Response({"figures": [f.as_json() for f in result]})
