"""Reads for the workbook export: what a user may read, in the workbook's order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import orgunit_list, scoped

from ..models import DataElement, DataValue, Target


def elements_readable(user) -> QuerySet[DataElement]:
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
) -> Iterator[tuple]:
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


def orgunits_below(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units given and every unit under them."""
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in orgunit_list():
        children.setdefault(unit.parent_id, []).append(unit)
    out: dict[int, OrgUnit] = {}
    stack = list(units)
    while stack:
        unit = stack.pop()
        if unit.pk not in out:
            out[unit.pk] = unit
            stack.extend(children.get(unit.pk, []))
    return list(out.values())


def with_ancestors(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units given and every unit above them, so that a tree can be rebuilt from them."""
    by_id = {u.pk: u for u in orgunit_list()}
    out: dict[int, OrgUnit] = {}
    for unit in units:
        current: OrgUnit | None = by_id.get(unit.pk, unit)
        while current is not None and current.pk not in out:
            out[current.pk] = current
            current = by_id.get(current.parent_id) if current.parent_id else None
    return list(out.values())


def orgunits_by_code(codes: Iterable[str]) -> dict[str, OrgUnit]:
    return {u.code: u for u in OrgUnit.objects.filter(code__in=list(codes))}
