"""Sign-in controls beyond Django's: the absolute session limit and expiring API tokens."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException

if TYPE_CHECKING:
    from .models import User

#: The session key holding when (epoch seconds) the session's user signed in.
SIGNED_IN_AT = "kaifaqu_signed_in_at"


def mark_signed_in(request: HttpRequest, user: User) -> None:
    """Called on every login: the absolute limit counts from here, and an expired password
    must be changed first."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = time.time()
        if password_expired(user):
            session[PASSWORD_EXPIRED] = True


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


# Failed sign-ins beyond django-axes's pair lock -------------------------------------------
#
# Axes locks the pair account + address. Two counts in the cache add what it cannot: the
# account from every address past KAIFAQU_ACCOUNT_FAILURE_LIMIT failures within the cool-off
# (the security administrator is alerted), and an address trying many accounts, slowed past
# KAIFAQU_ADDRESS_FAILURE_LIMIT failures within KAIFAQU_ADDRESS_FAILURE_WINDOW seconds. Each
# is a fixed window starting at its first failure; counting is best effort under concurrency.

_ACCOUNT_KEY = "kaifaqu:signin:account:{}"
_ADDRESS_KEY = "kaifaqu:signin:address:{}"


def _account_key(username: str) -> str:
    return _ACCOUNT_KEY.format(salted_hmac("signin", username.lower()).hexdigest())


def _address_key(ip: str) -> str:
    return _ADDRESS_KEY.format(ip)


def _bump(key: str, window: int) -> int:
    now = time.time()
    entry = cache.get(key)
    if not isinstance(entry, dict) or now - entry["start"] >= window:
        entry = {"count": 0, "start": now}
    entry["count"] += 1
    cache.set(key, entry, timeout=max(1, int(entry["start"] + window - now) + 1))
    count: int = entry["count"]
    return count


def _wait(key: str, limit: int, window: int) -> int | None:
    """Seconds until the window of ``key`` closes if it has reached ``limit``, else None."""
    entry = cache.get(key)
    if not isinstance(entry, dict) or entry["count"] < limit:
        return None
    remaining = entry["start"] + window - time.time()
    return math.ceil(remaining) if remaining > 0 else None


def _account_window() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def count_failure(username: str, ip: str | None) -> bool:
    """Count one failed sign-in; True when it just locked the account from every address."""
    if ip:
        _bump(_address_key(ip), settings.KAIFAQU_ADDRESS_FAILURE_WINDOW)
    if not username:
        return False
    count = _bump(_account_key(username), _account_window())
    return bool(count == settings.KAIFAQU_ACCOUNT_FAILURE_LIMIT)


def account_locked_for(username: str) -> int | None:
    limit = settings.KAIFAQU_ACCOUNT_FAILURE_LIMIT
    return _wait(_account_key(username), limit, _account_window()) if username else None


def address_slowed_for(ip: str | None) -> int | None:
    limit, window = settings.KAIFAQU_ADDRESS_FAILURE_LIMIT, settings.KAIFAQU_ADDRESS_FAILURE_WINDOW
    return _wait(_address_key(ip), limit, window) if ip else None


def forget_account(username: str) -> None:
    """The security administrator's unlock lifts the account-wide lock too."""
    cache.delete(_account_key(username))


def refusal(request: HttpRequest, username: str, ip: str | None) -> HttpResponse | None:
    """The 429 a sign-in attempt gets before its password is even checked, or None."""
    from .views.auth import lockout_response, throttled_response

    if (seconds := account_locked_for(username)) is not None:
        return lockout_response(request, retry_after=seconds)
    if (seconds := address_slowed_for(ip)) is not None:
        return throttled_response(request, retry_after=seconds)
    return None


# Password age --------------------------------------------------------------------------------

#: Set in the session at sign-in when the staff member's password is too old.
PASSWORD_EXPIRED = "kaifaqu_password_expired"  # noqa: S105 (a session key)


def password_expired(user: User) -> bool:
    """Staff (any global or department role) whose password is older than
    ``KAIFAQU_PASSWORD_MAX_AGE_DAYS``; an account with no record counts from its creation."""
    from . import access

    if not (access.global_roles(user) or access.department_roles(user)):
        return False
    changed = user.password_changed_at or user.date_joined
    age: timedelta = timezone.now() - changed
    return age >= timedelta(days=settings.KAIFAQU_PASSWORD_MAX_AGE_DAYS)


class PasswordExpiryMiddleware:
    """Until a staff member with an expired password changes it, every page sends them to the
    change page (signing out stays possible)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.get(PASSWORD_EXPIRED):
            allowed = {reverse("core:password_expired"), reverse("core:logout")}
            if request.path not in allowed:
                return redirect("core:password_expired")
        return self.get_response(request)
