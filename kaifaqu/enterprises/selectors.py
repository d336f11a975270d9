"""Reads of enterprises and the industry catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import names
from .models import Enterprise, Industry
from .validators import normalise_credit_code


def enterprise_list() -> QuerySet[Enterprise]:
    return Enterprise.objects.select_related("org_unit").order_by("name", "pk")


def enterprise_search(text: str) -> QuerySet[Enterprise]:
    """By part of the name or the credit code (as typed: case and spaces forgiven)."""
    text = (text or "").strip()
    if not text:
        return enterprise_list().none()
    return enterprise_list().filter(
        Q(name__icontains=text) | Q(credit_code=normalise_credit_code(text))
    )


def enterprise_by_credit_code(code: str) -> Enterprise | None:
    code = normalise_credit_code(code)
    return Enterprise.objects.filter(credit_code=code).first() if code else None


def enterprise_similar(name: str, *, exclude: int | None = None) -> list[Enterprise]:
    """Enterprises whose names are alike (names.SIMILAR), most alike first: a hint on entry."""
    scored = []
    for enterprise in Enterprise.objects.exclude(pk=exclude).only("id", "name", "credit_code"):
        score = names.similarity(name, enterprise.name)
        if score >= names.SIMILAR:
            scored.append((-score, enterprise.name, enterprise))
    return [e for _s, _n, e in sorted(scored, key=lambda t: (t[0], t[1]))]


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.select_related("parent").order_by("code")


def industry_classes() -> QuerySet[Industry]:
    """The entries a project is filed under: the most detailed ones loaded (no children)."""
    return industry_list().filter(children__isnull=True)


def industry_with_descendants(industry: Industry) -> QuerySet[Industry]:
    """The entry and everything under it, by code prefix (C38 holds C384 and C3841)."""
    return Industry.objects.filter(code__startswith=industry.code)
