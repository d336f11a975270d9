import json
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kaifaqu.core import access, audit, services, signin
from kaifaqu.core.context import client_ip
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.signin import refusal, token_expired


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        write_only=True,
        help_text="The second factor, for accounts that need one: the code of the "
        "authenticator app or a recovery code.",
    )


def _second_factor_refusal(request: Request, user: User) -> Response | None:
    """None when the account needs no second factor or gave a right one; else the 400."""
    if not signin.needs_second_factor(user):
        return None
    if signin.confirmed_totp(user) is None:
        detail = _(
            "This account needs a second factor: log in on the web site once to set up an "
            "authenticator app, then ask for a token again."
        )
        return Response({"otp": [detail]}, status=400)
    data = request.data if isinstance(request.data, dict) else {}
    code = str(data.get("otp", "") or "")
    if not code.strip():
        detail = _(
            "This account needs a second factor: send the code of the authenticator app "
            "(or a recovery code) in the field otp."
        )
        return Response({"otp": [detail]}, status=400)
    device = signin.match_code(user, code)
    if device is None:
        signin.count_code_failure(request._request, user)
        return Response({"otp": [_("That code is not right.")]}, status=400)
    signin.recovery_codes_left(user, device, via="api_token", ip=client_ip(request._request))
    return None


class TokenView(ObtainAuthToken):
    """Exchange a username and password (and, for accounts with write or administrative
    rights, a second-factor code) for an API token (failed attempts count to lockout)."""

    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username", ""))[:150]
        refused = refusal(request._request, username, client_ip(request._request))
        if refused is not None:
            return Response(
                json.loads(refused.content),
                status=429,
                headers={"Retry-After": refused["Retry-After"]},
            )
        try:
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            user = serializer.validated_data["user"]
            second_factor = _second_factor_refusal(request, user)
            if second_factor is not None:
                return second_factor
            with transaction.atomic():
                token = Token.objects.select_for_update().filter(user=user).first()
                if token is not None and token_expired(token):
                    # An expired token is never handed out again: a new key, a new age.
                    token.delete()
                    token = None
                if token is None:
                    token = Token.objects.create(user=user)
                audit.record(
                    AuditAction.LOGIN,
                    actor=user,
                    obj=user,
                    after={"via": "api_token"},
                    ip=client_ip(request._request),
                )
            return Response({"token": token.key})
        finally:
            # django-axes flags the request that authenticate() was given, here DRF's wrapper;
            # its middleware reads the Django request beneath, so hand the flags down or a
            # locked account gets a plain 400 instead of the lockout response. (The stubs do
            # not know the attributes django-axes adds to a request.)
            if getattr(request, "axes_locked_out", False):
                request._request.axes_locked_out = True  # type: ignore[attr-defined]
                request._request.axes_credentials = getattr(  # type: ignore[attr-defined]
                    request, "axes_credentials", None
                )

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revoke the caller's own token (signed in by it or by a session)."""
        user = request.user
        if not isinstance(user, User):
            raise NotAuthenticated
        services.token_revoke(actor=user, user=user)
        return Response(status=204)


class MeSerializer(serializers.Serializer[object]):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    departments = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated lets only an account through
        return Response(
            {
                "username": user.username,
                "full_name": user.full_name,
                "roles": sorted(access.global_roles(user)),
                "departments": {
                    str(dept): sorted(roles)
                    for dept, roles in access.department_roles(user).items()
                },
            }
        )
