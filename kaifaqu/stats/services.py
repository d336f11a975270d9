"""Writes to the catalogue, values and targets: atomic, validated, audited, permission-checked."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction
from kaifaqu.core.periods import PeriodError, parse
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.orgs.services import ConcurrentEditError

from .models import DataElement, DataValue, Target

VALUE_FIELDS = ("value", "status", "reported_growth_pct", "comparable_prior", "source")


def _require_change(actor, department_id: int | None) -> None:
    if actor is not None and not access.can_change_department(actor, department_id):
        raise PermissionDenied(_("Only editors of the owning department may change this."))


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("%(value)s is not a number.") % {"value": value}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(value)s is not a number.") % {"value": value}})
    return number


def period_months(text: str) -> tuple[str, int, int]:
    """The canonical written form and the first and last month (yyyymm) of a period."""
    try:
        period = parse(text).canonical()
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    (y1, m1), (y2, m2) = period.months_key
    return str(period), y1 * 100 + m1, y2 * 100 + m2


@transaction.atomic
def element_create(*, actor, code: str, name_zh: str, name_en: str, unit: str,
                   department: Department, **options) -> DataElement:  # fmt: skip
    _require_change(actor, department.pk)
    element = DataElement(
        code=code, name_zh=name_zh, name_en=name_en, unit=unit, department=department, **options
    )
    element.full_clean()
    element.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=element, after=audit.snapshot(element))
    return element


@transaction.atomic
def value_save(
    *,
    actor,
    element: DataElement,
    org_unit: OrgUnit,
    period: str,
    value,
    status: str = "final",
    reported_growth_pct=None,
    comparable_prior=None,
    source: str = "",
    version: int | None = None,
) -> DataValue:
    """Enter or change the value of an element for a unit and period.

    ``version`` is the version the editor started from: a value saved by someone else in
    between is refused (optimistic locking). Imports pass None and overwrite.
    """
    _require_change(actor, element.department_id)
    written, month_from, month_to = period_months(period)
    fields = {
        "value": _decimal(value, "value"),
        "status": status,
        "reported_growth_pct": _decimal(reported_growth_pct, "reported_growth_pct"),
        "comparable_prior": _decimal(comparable_prior, "comparable_prior"),
        "source": source or "",
    }
    if fields["value"] is None:
        raise ValidationError({"value": _("A value is required.")})
    existing = (
        DataValue.objects.select_for_update()
        .filter(element=element, org_unit=org_unit, month_from=month_from, month_to=month_to)
        .first()
    )
    user = actor if actor is not None and actor.is_authenticated else None
    if existing is None:
        row = DataValue(element=element, org_unit=org_unit, period=written, month_from=month_from,
                        month_to=month_to, entered_by=user, **fields)  # fmt: skip
        row.full_clean()
        row.save()
        audit.record(AuditAction.CREATE, actor=actor, obj=row, after=audit.snapshot(row))
        return row
    if version is not None and existing.version != version:
        raise ConcurrentEditError
    before = audit.snapshot(existing)
    for name, new in fields.items():
        setattr(existing, name, new)
    after_fields = audit.snapshot(existing)
    if {k: before[k] for k in VALUE_FIELDS} == {k: after_fields[k] for k in VALUE_FIELDS}:
        return existing  # re-entering the same figure changes nothing
    existing.entered_by = user
    existing.version += 1
    existing.full_clean()
    existing.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=existing, before=before, after=audit.snapshot(existing)
    )
    return existing


@transaction.atomic
def target_save(*, actor, metric_code: str, org_unit: OrgUnit, year: int, value,
                department_id: int | None, source: str = "") -> Target:  # fmt: skip
    """Set an annual target; ``department_id`` is the owner of the metric it is for."""
    _require_change(actor, department_id)
    number = _decimal(value, "value")
    if number is None:
        raise ValidationError({"value": _("A value is required.")})
    user = actor if actor is not None and actor.is_authenticated else None
    target = (
        Target.objects.select_for_update()
        .filter(metric_code=metric_code, org_unit=org_unit, year=year)
        .first()
    )
    if target is None:
        target = Target(metric_code=metric_code, org_unit=org_unit, year=year, value=number,
                        source=source, entered_by=user)  # fmt: skip
        target.full_clean()
        target.save()
        audit.record(AuditAction.CREATE, actor=actor, obj=target, after=audit.snapshot(target))
        return target
    before = audit.snapshot(target)
    target.value, target.source, target.entered_by = number, source, user
    target.version += 1
    target.full_clean()
    target.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=target, before=before, after=audit.snapshot(target)
    )
    return target


#: What ``element_update`` may change; the code is the element's identity and stays.
ELEMENT_EDITABLE = (
    "name_zh", "name_en", "unit", "time_aggregation", "unit_aggregation", "growth_basis",
    "decimals", "whole", "part_order", "order", "department",
)  # fmt: skip


@transaction.atomic
def element_update(*, actor, element: DataElement, **changes) -> DataElement:
    """Change an element of the catalogue; changing nothing writes nothing.

    Moving an element to another department needs the right to change both departments.
    """
    unknown = set(changes) - set(ELEMENT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    element = DataElement.objects.select_for_update().get(pk=element.pk)
    _require_change(actor, element.department_id)
    if "department" in changes:
        _require_change(actor, changes["department"].pk)
    before = audit.snapshot(element)
    for name, new in changes.items():
        setattr(element, name, new)
    if audit.snapshot(element) == before:
        return element
    element.full_clean()
    element.save()
    audit.record(
        AuditAction.UPDATE, actor=actor, obj=element, before=before, after=audit.snapshot(element)
    )
    return element
