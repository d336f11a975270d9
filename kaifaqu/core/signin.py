"""Sign-in controls beyond Django's: the absolute session limit, expiring API tokens, the
lockout counters, the password's age and the second factor."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
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
    from django.contrib.auth.models import AnonymousUser
    from django_otp.models import Device
    from django_otp.plugins.otp_totp.models import TOTPDevice

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


def pair_lock_left(username: str, ip: str | None) -> int:
    """Seconds left of django-axes's lock of the pair account + address: its cool-off
    counted from the pair's last failure (the whole cool-off when no failure is found)."""
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    last: datetime | None = (
        AccessAttempt.objects.filter(username=username, ip_address=ip)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is None:
        return int(cooloff.total_seconds())
    left: float = (last + cooloff - timezone.now()).total_seconds()
    return max(1, min(int(cooloff.total_seconds()), math.ceil(left)))


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
            allowed = {reverse(name) for name in ("core:password_expired", *_STEP_URLS)}
            if request.path not in allowed:
                return redirect("core:password_expired")
        return self.get_response(request)


# Second factor -------------------------------------------------------------------------------
#
# Every staff account with write or administrative rights proves a TOTP code (django-otp)
# after its password: the first sign-in enrols an authenticator app, later ones verify a
# code or a one-time recovery code. Until then the session reaches only the steps below.

#: The published secret of the demo accounts' authenticator (``kaifaqu load_demo``): hex, as
#: django-otp stores keys. Its Base32 form is JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP.
DEMO_TOTP_KEY = "48656c6c6f21deadbeef48656c6c6f21deadbeef"
#: Recovery codes handed out at enrolment.
RECOVERY_CODE_COUNT = 10
#: The session key holding the recovery codes until their page has shown them once.
RECOVERY_CODES = "kaifaqu_recovery_codes"
_STEP_URLS = (
    "core:second_factor",
    "core:second_factor_enrol",
    "core:recovery_codes",
    "core:logout",
)


def needs_second_factor(user: User | AnonymousUser | None) -> bool:
    """Any global role but the read-only leader's, or a department's editor role. Leaders,
    viewers and the public's accounts (signed in by one-time links) sign in with a password
    (or link) alone."""
    from . import access
    from .roles import DepartmentRole, Role

    if access.global_roles(user) - {Role.LEADER}:
        return True
    return any(DepartmentRole.EDITOR in roles for roles in access.department_roles(user).values())


def session_verified(request: HttpRequest) -> bool:
    """The session gave the second factor: django_otp.login put its device there (and
    django-otp's middleware drops the key when that device is gone). A reset of the factor
    ends the account's sessions too (a new session stamp)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def confirmed_totp(user: User) -> TOTPDevice | None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def match_code(user: User, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (a TOTP code, or a recovery code, which
    it uses up), or None."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = "".join(code.split()).lower()[:16]
    if not code:
        return None
    if code.isdigit():
        for totp in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
            if totp.verify_token(code):
                return totp
    for static in StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        if static.verify_token(code):
            return static
    return None


def is_recovery_device(device: Device) -> bool:
    from django_otp.plugins.otp_static.models import StaticDevice

    return isinstance(device, StaticDevice)


def recovery_codes_left(user: User, device: Device, *, via: str, ip: str | None) -> int | None:
    """After a code was accepted: when it was a recovery code, the sign-in is audited (how,
    and how many codes are left) and the count returned; None for an authenticator's code."""
    if not is_recovery_device(device):
        return None
    from . import audit
    from .models import AuditAction

    left = int(device.token_set.count())  # a StaticDevice
    audit.record(
        AuditAction.LOGIN,
        actor=user,
        obj=user,
        after={"via": via, "recovery_code": True, "recovery_codes_left": left},
        ip=ip,
    )
    return left


def demo_code(device: TOTPDevice) -> str | None:
    """The code the demo account's authenticator shows now (the next one the device accepts),
    for the sign-in page of a demo; None for any other device or outside a demo."""
    if not settings.KAIFAQU_SHOW_SIGN_IN_LINKS or device.key != DEMO_TOTP_KEY:
        return None
    return totp_code(device)


def totp_code(device: TOTPDevice) -> str:
    """The code the device accepts next: now's, or the following step's when now's was used
    (a code works once)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def count_code_failure(request: HttpRequest, user: User) -> None:
    """A wrong code counts as a failed sign-in of the account: django-axes's pair lock, the
    account and address counters and the audit log all hear of it."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


class SecondFactorMiddleware:
    """Until a user who needs the second factor has given it, every page sends them to the
    step (enrolment or verification) and every API call made with the session gets 403;
    signing out stays possible. The password-expiry step comes after this one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            # A verified session first: it is read from the session, with no role query (a job
            # page polled every second pays nothing for the factor).
            and not session_verified(request)
            and needs_second_factor(user)
            and request.path not in {reverse(name) for name in _STEP_URLS}
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Give the second factor on the sign-in page first.")},
                    status=403,
                )
            step = "core:second_factor" if confirmed_totp(user) else "core:second_factor_enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
