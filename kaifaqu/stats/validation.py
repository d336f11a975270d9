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
    RuleImportance,
    RuleOperator,
    RuleRight,
    RuleViolation,
    TimeAggregation,
    ValidationRule,
)

HALF = Decimal("0.5")
Q6 = Decimal("0.000001")

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


def _read(
    rules: list[ValidationRule], orgs: set[int] | None, span: list[int] | None
) -> tuple[list[DataValue], dict[int, DataElement], dict[int, list[int]]]:
    """The values the rules read in the scope (last year's too), their elements and parts."""
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
    return list(rows), elements, parts


def _scope(orgs: set[int] | None, span: list[int] | None) -> Callable[[int, int], bool]:
    def in_scope(org_id: int, month_from: int) -> bool:
        return (orgs is None or org_id in orgs) and (
            span is None or span[0] <= year_of(month_from) <= span[-1]
        )

    return in_scope


FindingKey = tuple[int, int, int, int]  # rule id, org unit id, first month, last month


def _key(rule_id: int, org_id: int, month_from: int, month_to: int) -> FindingKey:
    return (rule_id, org_id, month_from, month_to)


def _sides(left: Decimal, right: Decimal) -> tuple[Decimal, Decimal]:
    """The two sides as the database keeps them (6 decimals), to compare two checks."""
    return (Decimal(left).quantize(Q6), Decimal(right).quantize(Q6))


@dataclass(frozen=True)
class Checked:
    """What a check finds: every violation in its scope, and those that are new (not found
    by the last check, or found with other values): what the writes just made broke."""

    violations: list[RuleViolation]
    new: list[RuleViolation]

    @property
    def new_errors(self) -> list[RuleViolation]:
        return [v for v in self.new if v.rule.importance == RuleImportance.ERROR]


def check(
    *,
    element_ids: Iterable[int] | None = None,
    org_ids: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
) -> list[RuleViolation]:
    """Check the rules reading these elements, for these units and years (None: all), and
    replace the violations in that scope with what is found now. Returns the violations."""
    return check_scope(
        element_ids=element_ids, org_ids=org_ids, years=years, compare=False
    ).violations


def check_scope(
    *,
    element_ids: Iterable[int] | None = None,
    org_ids: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
    compare: bool = True,
) -> Checked:
    """``check``, telling apart the violations the last check had not found (one query
    more, to read them; with ``compare=False`` none is new)."""
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
        return Checked([], [])
    rows, elements, parts = _read(rules, orgs, span)
    findings = evaluate(rules, _Values(rows, elements, parts), _scope(orgs, span))
    before = (
        {
            _key(rule, org, first, last): _sides(left, right)
            for rule, org, first, last, left, right in violations.values_list(
                "rule_id", "org_unit_id", "month_from", "month_to", "left_value", "right_value"
            )
        }
        if compare
        else None
    )
    violations.delete()
    found = RuleViolation.objects.bulk_create(
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
    if before is None:
        return Checked(found, [])
    new = [
        v
        for v in found
        if before.get(_key(v.rule.pk, v.org_unit_id, v.month_from, v.month_to))
        != _sides(v.left_value, v.right_value)
    ]
    return Checked(found, new)


def refusals(
    *,
    element_id: int,
    org_id: int,
    period: str,
    month_from: int,
    month_to: int,
    value: Decimal,
    alongside: dict[int, Decimal] | None = None,
) -> list[Finding]:
    """What the error-level rules would find wrong once this value is saved, before it is
    written: the rules reading the element, evaluated against the stored values with this
    one in place (and ``alongside``: other elements' values for the same unit and window
    saved with it, as a page saves several rows together), for the unit, this year and the
    next. Only what the save changes counts: a breach already stored, unchanged by it, is
    not this save's to refuse."""
    rules = [r for r in rules_for([element_id]) if r.importance == RuleImportance.ERROR]
    if not rules:
        return []
    year = year_of(month_from)
    orgs, span = {org_id}, [year, year + 1]
    rows, elements, parts = _read(rules, orgs, span)
    pending = dict(alongside or {})
    pending[element_id] = value
    after = [
        r
        for r in rows
        if not (r.month_from == month_from and r.month_to == month_to and r.element_id in pending)
    ]
    after.extend(
        DataValue(
            element_id=eid,
            org_unit_id=org_id,
            period=period,
            month_from=month_from,
            month_to=month_to,
            value=number,
        )
        for eid, number in pending.items()
    )
    scope = _scope(orgs, span)
    before = {
        _key(f.rule.pk, f.org_unit_id, f.row.month_from, f.row.month_to): _sides(
            f.row.value, f.right
        )
        for f in evaluate(rules, _Values(rows, elements, parts), scope)
    }
    return [
        f
        for f in evaluate(rules, _Values(after, elements, parts), scope)
        if before.get(_key(f.rule.pk, f.org_unit_id, f.row.month_from, f.row.month_to))
        != _sides(f.row.value, f.right)
    ]
