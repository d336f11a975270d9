"""API errors: a service's refusal becomes the HTTP status a client can act on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kaifaqu.core.versioning import ConcurrentEditError


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return Response(
            {"detail": exc.messages[0], "code": "concurrent_edit"},
            status=status.HTTP_409_CONFLICT,
        )
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, DjangoValidationError) and isinstance(retry_after, int):
        # A rate limit (consultations.limits.RateLimited): 429 with the seconds to wait.
        return Response(
            {"detail": exc.messages[0], "code": "rate_limited"},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(retry_after)},
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    # DRF's own throttles (Throttled) get Retry-After from DRF's handler, rounded up.
    return drf_exception_handler(exc, context)
