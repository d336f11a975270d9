"""Reads for the workbook export: what a user may read, in the workbook's order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from kaifaqu.orgs import selectors as orgs_selectors
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import scoped

from ..models import DataElement, DataValue, Target

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kaifaqu.core.models import User


def elements_readable(user: User | AnonymousUser | None) -> QuerySet[DataElement]:
    """The catalogue as the user may read it; ``None`` (a system command) reads it all."""
    qs = DataElement.objects.select_related("department").order_by("order", "code")
    return qs if user is None else scoped(user, qs)


def values_for_export(
    elements: Iterable[DataElement], orgs: Iterable[OrgUnit] | None = None
) -> QuerySet[DataValue]:
    qs = (
        DataValue.objects.filter(element__in=list(elements))
        .select_related("element", "org_unit")
        .order_by("element__order", "element__code", "org_unit__code", "month_from", "month_to")
    )
    return qs if orgs is None else qs.filter(org_unit__in=list(orgs))


#: A value as the values sheet has it: org, element, period, value, status, reported growth,
#: comparable prior-year base, note (its source).
VALUE_ROW = (
    "org_unit__code",
    "element__code",
    "period",
    "value",
    "status",
    "reported_growth_pct",
    "comparable_prior",
    "source",
)


def value_rows_for_export(
    elements: Iterable[DataElement], orgs: Iterable[OrgUnit] | None = None
) -> Iterator[tuple[Any, ...]]:
    """The values of ``values_for_export`` as the rows of the values sheet, streamed in
    chunks: an export of a million values holds one chunk, not a million objects."""
    qs = values_for_export(elements, orgs).values_list(*VALUE_ROW)
    return qs.iterator(chunk_size=5000)


def targets_for_export(
    metric_codes: Iterable[str], orgs: Iterable[OrgUnit] | None = None
) -> QuerySet[Target]:
    qs = (
        Target.objects.filter(metric_code__in=list(metric_codes))
        .select_related("org_unit")
        .order_by("metric_code", "org_unit__code", "year")
    )
    return qs if orgs is None else qs.filter(org_unit__in=list(orgs))


#: The units of an export and their ancestors: the org tree's selectors, under the names the
#: workbook writer reads them by.
orgunits_below = orgs_selectors.orgunits_below
with_ancestors = orgs_selectors.orgunits_with_ancestors


def orgunits_by_code(codes: Iterable[str]) -> dict[str, OrgUnit]:
    return {u.code: u for u in OrgUnit.objects.filter(code__in=list(codes))}
