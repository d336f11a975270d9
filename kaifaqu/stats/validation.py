"""Running the validation rules over stored values, and keeping their violations current.

A rule is checked where its left element has a stored value: for that org unit and period the
right side is resolved from what is stored (a value entered for the window, else the sum of
its months for an element that adds up over time), and a side that cannot be resolved (a part
not entered yet, no value last year) is not checked rather than reported. Checking a scope
(some elements, org units and years) replaces the violations in that scope, so the list is what
the rules say about the values now, not a history (the audit log keeps the history of values).

Everything a check needs is read in a handful of queries, however many rules and values: the
rules, the parts of their elements, the values, and the violations it replaces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import Q

from kaifaqu.core.periods import month_key, year_of

from .models import (
    DataElement,
    DataValue,
    RuleOperator,
    RuleRight,
    RuleViolation,
    TimeAggregation,
    ValidationRule,
)

HALF = Decimal("0.5")

Cell = tuple[int, int, int]  # org unit id, first month, last month (yyyymm)


@dataclass(frozen=True)
class Finding:
    rule: ValidationRule
    org_unit_id: int
    row: DataValue  # the left side's stored value
    right: Decimal


def _holds(operator: str, left: Decimal, right: Decimal, tolerance: Decimal) -> bool:
    if operator == RuleOperator.EQ:
        return abs(left - right) <= tolerance
    if operator == RuleOperator.LE:
        return left <= right + tolerance
    if operator == RuleOperator.LT:
        return left < right + tolerance
    if operator == RuleOperator.GE:
        return left >= right - tolerance
    return left > right - tolerance


def _rounding(element: DataElement) -> Decimal:
    """Half a unit of the element's last displayed decimal."""
    return HALF * Decimal(10) ** -element.decimals


class _Values:
    """The stored values read for a check, and each element's value for a cell."""

    def __init__(
        self,
        rows: Iterable[DataValue],
        elements: dict[int, DataElement],
        parts: dict[int, list[int]],
    ):
        self.elements = elements
        self.parts = parts
        self.cells: dict[tuple[int, int], dict[tuple[int, int], DataValue]] = defaultdict(dict)
        for row in rows:
            self.cells[(row.element_id, row.org_unit_id)][(row.month_from, row.month_to)] = row

    def stored(self, element_id: int) -> Iterable[tuple[int, DataValue]]:
        for (eid, org_id), rows in self.cells.items():
            if eid == element_id:
                for row in rows.values():
                    yield org_id, row

    def value(self, element_id: int, org_id: int, month_from: int, month_to: int) -> Decimal | None:
        rows = self.cells.get((element_id, org_id), {})
        row = rows.get((month_from, month_to))
        if row is not None:
            return row.value
        element = self.elements[element_id]
        if self.parts.get(element_id):  # a whole with no value of its own: its parts' sum
            parts = self.parts[element_id]
            found = [
                v for p in parts if (v := self.value(p, org_id, month_from, month_to)) is not None
            ]
            return sum(found, Decimal(0)) if len(found) == len(parts) else None
        if year_of(month_from) != year_of(month_to):
            return None
        if element.time_aggregation == TimeAggregation.SUM:
            wanted = range(month_from, month_to + 1)
            months = [hit for m in wanted if (hit := rows.get((m, m))) is not None]
            if months and len(months) == len(wanted):
                return sum((m.value for m in months), Decimal(0))
        elif element.time_aggregation == TimeAggregation.LAST:
            last = rows.get((month_to, month_to))
            return last.value if last is not None else None
        return None


def _right(
    rule: ValidationRule, values: _Values, org_id: int, row: DataValue
) -> tuple[Decimal, int] | None:
    """The right side for a left value and how many rounded values the comparison adds up
    (for the default tolerance); None where it cannot be resolved."""
    mf, mt = row.month_from, row.month_to
    # The casts: a rule's clean() requires the number or the element its right side reads.
    if rule.right_kind == RuleRight.NUMBER:
        return cast(Decimal, rule.right_number), 1
    if rule.right_kind == RuleRight.ELEMENT:
        right = values.value(cast(int, rule.right_element_id), org_id, mf, mt)
        return None if right is None else (right, 2)
    if rule.right_kind == RuleRight.PARTS:
        parts = values.parts.get(rule.left_id, [])
        found = [v for p in parts if (v := values.value(p, org_id, mf, mt)) is not None]
        if not parts or len(found) < len(parts):
            return None
        return sum(found, Decimal(0)), len(found) + 1
    prior = values.value(rule.left_id, org_id, mf - 100, mt - 100)
    if prior is None or prior <= 0:
        return None
    return prior * cast(Decimal, rule.right_number), 1


def _tolerance(rule: ValidationRule, rounded: int) -> Decimal:
    """The rule's own, or for an equality the rounding of the values it adds up: parts
    published to 2 decimals may miss their whole by half a cent each. An inequality
    (≤ 100, tiers nested) is exact unless the rule says otherwise."""
    if rule.tolerance is not None:
        return rule.tolerance
    if rule.operator == RuleOperator.EQ:
        return _rounding(rule.left) * rounded
    return Decimal(0)


def evaluate(
    rules: list[ValidationRule], values: _Values, scope: Callable[[int, int], bool]
) -> list[Finding]:
    findings = []
    for rule in rules:
        for org_id, row in values.stored(rule.left_id):
            if not scope(org_id, row.month_from):
                continue
            resolved = _right(rule, values, org_id, row)
            if resolved is None:
                continue
            right, rounded = resolved
            if not _holds(rule.operator, row.value, right, _tolerance(rule, rounded)):
                findings.append(Finding(rule, org_id, row, right))
    return findings


def rules_for(element_ids: Iterable[int] | None) -> list[ValidationRule]:
    """The active rules that read any of the elements (all rules for None)."""
    qs = ValidationRule.objects.filter(active=True).select_related(
        "left", "right_element", "department"
    )
    if element_ids is not None:
        ids = list(element_ids)
        qs = qs.filter(
            Q(left__in=ids) | Q(right_element__in=ids) | Q(left__parts__in=ids)
        ).distinct()
    return list(qs)


def check(
    *,
    element_ids: Iterable[int] | None = None,
    org_ids: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
) -> list[RuleViolation]:
    """Check the rules reading these elements, for these units and years (None: all), and
    replace the violations in that scope with what is found now. Returns the violations."""
    rules = rules_for(element_ids)
    orgs = set(org_ids) if org_ids is not None else None
    span = sorted(set(years)) if years is not None else None
    violations = RuleViolation.objects.filter(rule__in=rules)
    if orgs is not None:
        violations = violations.filter(org_unit__in=orgs)
    if span is not None:
        violations = violations.filter(
            month_from__gte=month_key(span[0], 1), month_from__lte=month_key(span[-1], 12)
        )
    if not rules:
        return []
    wanted = set()
    for rule in rules:
        wanted.add(rule.left_id)
        if rule.right_element_id:
            wanted.add(rule.right_element_id)
    parts: dict[int, list[int]] = defaultdict(list)
    elements = {r.left_id: r.left for r in rules}
    elements.update({r.right_element.pk: r.right_element for r in rules if r.right_element})
    for part in DataElement.objects.filter(whole__in=wanted).order_by("part_order", "code"):
        parts[cast(int, part.whole_id)].append(part.pk)  # filtered on its whole
        elements[part.pk] = part
        wanted.add(part.pk)
    rows = DataValue.objects.filter(element__in=wanted)
    if orgs is not None:
        rows = rows.filter(org_unit__in=orgs)
    if span is not None:  # a year's rules read last year's values too
        rows = rows.filter(
            month_from__gte=month_key(span[0] - 1, 1), month_from__lte=month_key(span[-1], 12)
        )

    def in_scope(org_id: int, month_from: int) -> bool:
        return (orgs is None or org_id in orgs) and (
            span is None or span[0] <= year_of(month_from) <= span[-1]
        )

    findings = evaluate(rules, _Values(list(rows), elements, parts), in_scope)
    violations.delete()
    return RuleViolation.objects.bulk_create(
        RuleViolation(
            rule=f.rule,
            org_unit_id=f.org_unit_id,
            period=f.row.period,
            month_from=f.row.month_from,
            month_to=f.row.month_to,
            left_value=f.row.value,
            right_value=f.right,
        )
        for f in findings
    )
