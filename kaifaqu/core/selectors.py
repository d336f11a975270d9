from collections.abc import Iterable
from typing import cast

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEntry, User

#: Accounts that are not staff accounts (the public's, e.g. investors' personal spaces), as
#: filters registered by the package that opens them; the staff account list leaves them out.
_PUBLIC_ACCOUNTS: list[Q] = []


def register_public_accounts(condition: Q) -> None:
    _PUBLIC_ACCOUNTS.append(condition)


def user_list() -> QuerySet[User]:
    """The staff accounts the system administrator manages."""
    qs = User.objects.prefetch_related("role_grants").order_by("username")
    for condition in _PUBLIC_ACCOUNTS:
        qs = qs.exclude(condition)
    return qs


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-seq")


def audit_trail(object_type: str, object_ids: Iterable[object]) -> QuerySet[AuditEntry]:
    """The history of some objects of one type, oldest first (a figure's inputs)."""
    ids = [str(i) for i in object_ids]
    return AuditEntry.objects.filter(object_type=object_type, object_id__in=ids).order_by("seq")


def locked_accounts() -> QuerySet[AccessAttempt]:
    """Accounts locked out now: the failure limit reached within the cool-off time."""
    # django-axes ships no type information, so mypy sees its manager as Any.
    return cast(
        "QuerySet[AccessAttempt]",
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).order_by("-attempt_time"),
    )
