from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from kaifaqu.core import access
from kaifaqu.core.models import User
from kaifaqu.core.periods import Period, year_to_date
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import scoped

from .models import DataElement, DataValue, RuleViolation, ValidationRule


def element_list() -> QuerySet[DataElement]:
    return DataElement.objects.select_related("department", "whole").order_by("order", "code")


def values_of(element: DataElement) -> QuerySet[DataValue]:
    return element.values.select_related("org_unit", "entered_by").order_by(
        "month_from", "org_unit"
    )


# --- the data entry page ----------------------------------------------------------------


def entry_elements(user: User | AnonymousUser) -> QuerySet[DataElement]:
    """The elements whose values the user may enter: those of the departments in which the
    user is an editor (every element for a zone administrator)."""
    ids = access.editable_department_ids(user)
    qs = element_list()
    return qs if ids is None else qs.filter(department_id__in=ids)


def wholes_then_parts(elements: Iterable[DataElement]) -> list[tuple[DataElement, int]]:
    """The elements in catalogue order, each part right under its whole (depth 1).

    A part whose whole is not in the list stands on its own (depth 0).
    """
    elements = list(elements)
    present = {e.pk for e in elements}
    parts: dict[int, list[DataElement]] = defaultdict(list)
    for e in elements:
        if e.whole_id in present:
            parts[e.whole_id].append(e)
    out: list[tuple[DataElement, int]] = []
    for e in elements:
        if e.whole_id in present:
            continue
        out.append((e, 0))
        out.extend((p, 1) for p in sorted(parts[e.pk], key=lambda p: (p.part_order, p.order)))
    return out


def _window(period: Period) -> tuple[int, int]:
    return period.key_range


def window_values(
    element_ids: Iterable[int], org_unit: OrgUnit, period: Period
) -> QuerySet[DataValue]:
    """The values stored for exactly this period's months (whatever form it was written in)."""
    month_from, month_to = _window(period)
    return DataValue.objects.filter(
        element_id__in=list(element_ids),
        org_unit=org_unit,
        month_from=month_from,
        month_to=month_to,
    ).select_related("entered_by")


@dataclass(frozen=True)
class PriorValue:
    """Last year's value for the same months, and how it was found."""

    value: Decimal
    #: "entered" (stored for the window), "months" (their sum), "stock" (the value at the
    #: window's end) or "parts" (the sum of the parts), as the figure engine names them.
    how: str


def prior_year_values(
    elements: Iterable[DataElement], org_unit: OrgUnit, period: Period
) -> dict[int, PriorValue]:
    """Element id → its value for the same months one year earlier, in two queries.

    The figure engine's rules, in its order, for one unit: a value stored for exactly the
    window; else, for a flow, the sum of its months when every month is there; else, for a
    stock, the value ending with the window; else the sum of the parts when every part has
    one. (``stats`` sits below ``metrics`` and cannot ask the engine.) The engine's last
    resort, the sum of the units below, is not taken: the page is about this unit's own
    values. A value missing stays missing: no partial sums.
    """
    elements = list(elements)
    if not elements:
        return {}
    low, high = (month - 100 for month in _window(period))  # the same months, a year back
    ids = {e.pk for e in elements}
    aggregation = {e.pk: e.time_aggregation for e in elements}
    parts_of: dict[int, list[int]] = defaultdict(list)
    for pk, whole_id, time_aggregation in DataElement.objects.filter(whole_id__in=ids).values_list(
        "pk", "whole_id", "time_aggregation"
    ):
        parts_of[whole_id].append(pk)
        aggregation[pk] = time_aggregation
    wanted = ids | {p for parts in parts_of.values() for p in parts}
    stored: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for element_id, month_from, month_to, value in DataValue.objects.filter(
        element_id__in=wanted, org_unit=org_unit, month_from__gte=low, month_to__lte=high
    ).values_list("element_id", "month_from", "month_to", "value"):
        stored[element_id][(month_from, month_to)] = value

    def own(element_id: int) -> PriorValue | None:
        values = stored.get(element_id, {})
        if (low, high) in values:
            return PriorValue(values[(low, high)], "entered")
        months = [(m, m) for m in range(low, high + 1)]
        flow = aggregation[element_id] == "sum" and len(months) > 1
        if flow and all(m in values for m in months):
            return PriorValue(sum((values[m] for m in months), Decimal(0)), "months")
        if aggregation[element_id] == "last":
            ending = [(a, b) for (a, b) in values if b == high and a >= low]
            if ending:
                return PriorValue(values[max(ending)], "stock")
        return None

    out: dict[int, PriorValue] = {}
    for element_id in ids:
        found = own(element_id)
        if found is None and parts_of.get(element_id):
            parts = [part for p in parts_of[element_id] if (part := own(p)) is not None]
            if len(parts) == len(parts_of[element_id]):
                found = PriorValue(sum((p.value for p in parts), Decimal(0)), "parts")
        if found is not None:
            out[element_id] = found
    return out


# --- validation rules and their violations ------------------------------------------------


def rule_list(user: User | AnonymousUser) -> QuerySet[ValidationRule]:
    """The rules of the departments the user reads, with their open violations counted."""
    qs = ValidationRule.objects.select_related("left", "right_element", "department").annotate(
        open_violations=Count("violations")
    )
    return scoped(user, qs).order_by("department__order", "left__order", "code")


def violation_list(
    user: User | AnonymousUser, *, department_id: int | None = None, importance: str = ""
) -> QuerySet[RuleViolation]:
    """What the rules find now, in the departments the user reads, errors first."""
    qs = RuleViolation.objects.select_related(
        "rule__left", "rule__right_element", "rule__department", "org_unit"
    )
    ids = access.readable_department_ids(user)
    if ids is not None:
        qs = qs.filter(rule__department_id__in=ids)
    if department_id is not None:
        qs = qs.filter(rule__department_id=department_id)
    if importance:
        qs = qs.filter(rule__importance=importance)
    return qs.order_by(
        "rule__department__order",
        "rule__importance",
        "rule__left__order",
        "org_unit__code",
        "month_from",
        "month_to",
    )


def violations_at(org_unit: OrgUnit, month_from: int, month_to: int) -> QuerySet[RuleViolation]:
    """The violations of one unit and period (the data entry page shows them by row)."""
    return RuleViolation.objects.filter(
        org_unit=org_unit, month_from=month_from, month_to=month_to
    ).select_related("rule")


def latest_period(org: str | None = None) -> Period | None:
    """The latest window counted from January (累计: 2017-01/2017-09, 2017H1, 2017) for which
    any value is stored, for the org unit given or for any unit, in one query; ``None`` when
    nothing is stored yet.

    Every form that asks for a period starts here, never at a fixed one: a zone that has
    entered its figures to October opens its pages on 1–10月.
    """
    rows = DataValue.objects.annotate(first_month=F("month_from") % 100).filter(first_month=1)
    if org:
        rows = rows.filter(org_unit__code=org)
    last = rows.aggregate(last=Max("month_to"))["last"]
    if last is None:
        return None
    return Period.from_keys(last, last).cumulative().canonical()


def period_to_start(*, today: date | None = None) -> Period:
    """Where a period field starts: ``latest_period()``, or, when nothing is stored yet, the
    year to date by ``today`` (the clock's unless given, so a test need not read it)."""
    return latest_period() or year_to_date(today or timezone.localdate())
