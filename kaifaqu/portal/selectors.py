"""Reads for the public portal: policies (public and staff), saved items, visitors."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from kaifaqu.orgs.selectors import scoped

from .models import Policy, PolicyStatus, SavedItem


def is_visitor(user) -> bool:
    """A signed-in user with a personal space (a `visitor` profile, see consultations)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        # The reverse one-to-one caches its answer (also a missing one) on the user.
        return user.visitor is not None
    except ObjectDoesNotExist:
        return False


def _in_force(qs: QuerySet, on=None) -> QuerySet:
    on = on or timezone.localdate()
    return qs.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def public_policies(
    q: str = "", category: str = "", in_force_only: bool = False
) -> QuerySet[Policy]:
    """Published policies, newest first; ``q`` searches title, text and issuing body."""
    qs = Policy.objects.filter(status=PolicyStatus.PUBLISHED)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(issuer__icontains=q))
    if category:
        qs = qs.filter(category=category)
    if in_force_only:
        qs = _in_force(qs)
    return qs.order_by("-issued_on", "-pk")


def public_policy(pk: int) -> Policy | None:
    """A policy the public may open: published, or withdrawn (its page says so). Drafts are
    nobody's business outside the back office."""
    return (
        Policy.objects.filter(pk=pk, status__in=[PolicyStatus.PUBLISHED, PolicyStatus.WITHDRAWN])
        .prefetch_related("attachments")
        .first()
    )


def policies_for(user, *, q: str = "", category: str = "", status: str = "") -> QuerySet[Policy]:
    """The policies of the departments the user reads, every status."""
    qs = scoped(user, Policy.objects.select_related("department"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(issuer__icontains=q) | Q(document_number__icontains=q)
        )
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def saved_items(user) -> QuerySet[SavedItem]:
    """A visitor's saved items with what they point to, newest first."""
    if not getattr(user, "is_authenticated", False):
        return SavedItem.objects.none()
    return SavedItem.objects.filter(user=user).select_related(
        "policy",
        "land_parcel",
        "land_parcel__org_unit",
        "building_unit",
        "building_unit__building",
        "building_unit__building__org_unit",
    )


def saved_keys(user) -> set[tuple[str, int]]:
    """(kind, pk) of what the user saved, to show "saved" on detail pages."""
    keys = set()
    for policy, land, unit in saved_items(user).values_list(
        "policy_id", "land_parcel_id", "building_unit_id"
    ):
        keys.add(("policy", policy) if policy else ("land", land) if land else ("unit", unit))
    return keys
