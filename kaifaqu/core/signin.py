"""Sign-in controls beyond Django's: the absolute session limit and expiring API tokens."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException

#: The session key holding when (epoch seconds) the session's user signed in.
SIGNED_IN_AT = "kaifaqu_signed_in_at"


def mark_signed_in(request: HttpRequest) -> None:
    """Called on every login: the absolute limit counts from here."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = time.time()


class AbsoluteSessionLimitMiddleware:
    """Ends a session ``KAIFAQU_SESSION_MAX_HOURS`` after its sign-in, however busy it is.

    The idle limit (SESSION_COOKIE_AGE, pushed on by every request) alone would let a session
    that makes a request every 25 minutes live for ever.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            limit = settings.KAIFAQU_SESSION_MAX_HOURS * 3600
            if not isinstance(signed_in_at, int | float) or time.time() - signed_in_at >= limit:
                # No stamp: a session from before the limit came; it too ends now.
                logout(request)
        return self.get_response(request)


def token_expired(token: Token) -> bool:
    age: timedelta = timezone.now() - token.created
    return age >= timedelta(days=settings.KAIFAQU_API_TOKEN_DAYS)


class TokenExpired(APIException):
    """Always a 401 naming the scheme. (DRF turns an AuthenticationFailed into a 403 when the
    first authentication class, here the session's, names no scheme; this one it leaves.)"""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("This API token has expired. Ask for a new one at the token endpoint.")
    default_code = "token_expired"
    auth_header = "Token"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than ``KAIFAQU_API_TOKEN_DAYS``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise TokenExpired
        return user, token
