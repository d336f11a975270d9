from django.db.models import QuerySet

from .models import AuditEntry, User


def user_list() -> QuerySet[User]:
    return User.objects.prefetch_related("role_grants").order_by("username")


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-seq")
