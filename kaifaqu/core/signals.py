"""Logins, logouts, failed logins and lockouts go to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .context import client_ip
from .models import AuditAction

_USER_TYPE = "core.user"


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, actor=user, obj=user, ip=_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, obj=user, ip=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        AuditAction.LOGIN_FAILED,
        actor_label=username,
        object_type=_USER_TYPE,
        object_repr=username,
        ip=_ip(request),
    )


@receiver(user_locked_out)
def on_lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(
        AuditAction.LOCKOUT,
        actor_label=username or "",
        object_type=_USER_TYPE,
        object_repr=username or "",
        ip=ip_address or _ip(request),
    )
