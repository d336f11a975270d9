"""Logins, logouts, failed logins and lockouts go to the audit log."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .context import client_ip
from .models import AuditAction, User
from .signin import count_failure, mark_signed_in

_USER_TYPE = "core.user"


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def on_login(sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        mark_signed_in(request, user)
    audit.record(AuditAction.LOGIN, actor=user, obj=user, ip=_ip(request))


@receiver(user_logged_out)
def on_logout(
    sender: type[User] | None, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, obj=user, ip=_ip(request))


@receiver(user_login_failed)
def on_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    ip = _ip(request)
    if count_failure(username, ip):
        audit.record(
            AuditAction.LOCKOUT,
            actor_label=username,
            object_type=_USER_TYPE,
            object_repr=username,
            after={"scope": "account"},
            ip=ip,
        )
    audit.record(
        AuditAction.LOGIN_FAILED,
        actor_label=username,
        object_type=_USER_TYPE,
        object_repr=username,
        ip=_ip(request),
    )


@receiver(user_locked_out)
def on_lockout(
    sender: str,
    request: HttpRequest | None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    audit.record(
        AuditAction.LOCKOUT,
        actor_label=username or "",
        object_type=_USER_TYPE,
        object_repr=username or "",
        ip=ip_address or _ip(request),
    )
