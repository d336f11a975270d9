from django.db.models import QuerySet

from .models import AuditEntry, User


def user_list() -> QuerySet[User]:
    return User.objects.prefetch_related("role_grants").order_by("username")


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-seq")


def audit_trail(object_type: str, object_ids) -> QuerySet[AuditEntry]:
    """The history of some objects of one type, oldest first (a figure's inputs)."""
    ids = [str(i) for i in object_ids]
    return AuditEntry.objects.filter(object_type=object_type, object_id__in=ids).order_by("seq")
