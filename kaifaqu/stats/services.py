"""Writes to the catalogue, values and targets: atomic, validated, audited, permission-checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.access import acting_user, require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.numbers import active_lang
from kaifaqu.core.periods import PeriodError, label, parse, year_of
from kaifaqu.core.versioning import Version, check_version, versioned_update
from kaifaqu.orgs.models import Department, OrgUnit

from . import validation
from .models import DataElement, DataValue, RuleRight, RuleViolation, Target, ValidationRule
from .value_rules import to_decimal as _decimal
from .value_rules import value_fields


def period_months(text: str) -> tuple[str, int, int]:
    """The canonical written form and the first and last month (yyyymm) of a period."""
    try:
        period = parse(text).canonical()
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    first, last = period.key_range
    return str(period), first, last


@transaction.atomic
def element_create(
    *,
    actor: User | None,
    code: str,
    name_zh: str,
    name_en: str,
    unit: str,
    department: Department,
    **options: object,
) -> DataElement:
    require_change(actor, department.pk)
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
    actor: User | None,
    element: DataElement,
    org_unit: OrgUnit,
    period: str,
    value: object,
    status: str = "final",
    reported_growth_pct: object = None,
    comparable_prior: object = None,
    source: str = "",
    version: Version,
    check_rules: bool = True,
    alongside: dict[int, Decimal] | None = None,
) -> DataValue:
    """Enter or change the value of an element for a unit and period.

    ``version`` is the version the editor started from (0: there was no value): a value
    saved by someone else in between is refused (optimistic locking). Imports pass CURRENT
    and overwrite.

    Before the write, the error-level validation rules reading the element are evaluated
    against the values as they would be after it (with ``alongside``: other elements' values
    for the same unit and period saved in the same go, as the entry page's rows): a breach
    the save would make refuses it with the rule's message, writing nothing. After the
    write, every rule reading the element is checked for the unit, this year and next (whose
    "more than N times last year's" rules read this value) and what they find is listed: a
    warning saves and shows. An import passes ``check_rules=False`` and checks once at its
    end, refusing the whole file for an error-level breach (``workbook.importer``).
    """
    require_change(actor, element.department_id)
    written, month_from, month_to = period_months(period)
    fields = value_fields(
        value=value,
        status=status,
        reported_growth_pct=reported_growth_pct,
        comparable_prior=comparable_prior,
        source=source,
    )
    existing = (
        DataValue.objects.select_for_update()
        .filter(element=element, org_unit=org_unit, month_from=month_from, month_to=month_to)
        .first()
    )
    if check_rules and fields["value"] is not None:
        _refuse_breaches(
            validation.refusals(
                element_id=element.pk,
                org_id=org_unit.pk,
                period=written,
                month_from=month_from,
                month_to=month_to,
                value=fields["value"],
                alongside=alongside,
            )
        )
    user = acting_user(actor)
    if existing is None:
        check_version(0, version)
        row = DataValue(
            element=element,
            org_unit=org_unit,
            period=written,
            month_from=month_from,
            month_to=month_to,
            entered_by=user,
            **fields,
        )
        row.full_clean()
        row.save()
        audit.record(AuditAction.CREATE, actor=actor, obj=row, after=audit.snapshot(row))
        if check_rules:
            _check_after_save(row)
        return row
    stored = existing.version

    def entered_by(row: DataValue) -> None:
        row.entered_by = user

    existing = versioned_update(
        existing,
        actor=actor,
        version=version,
        locked=True,
        changes=fields,
        require=lambda row: None,  # the element's department, checked above
        before_save=entered_by,
    )
    if check_rules and existing.version != stored:
        _check_after_save(existing)
    return existing


def breach_message(
    rule: ValidationRule, period: str, left: Decimal, right: Decimal, *, org: str = ""
) -> str:
    """An error-level rule's refusal, in the user's language, with the numbers it compared;
    with ``org``, as a workbook's problem (the file names many units)."""
    english = active_lang() == "en"
    element = rule.left.name_en if english else rule.left.name_zh
    words = {
        "rule": rule.name,
        "org": org,
        "element": element or rule.left.code,
        "period": label(parse(period)),
        "left": _plain(left),
        "operator": rule.get_operator_display(),
        "right": _plain(right),
    }
    if org:
        return (
            _(
                "This breaks the data check “%(rule)s” (%(org)s, %(element)s, %(period)s: "
                "%(left)s, must be %(operator)s %(right)s)."
            )
            % words
        )
    return (
        _(
            "Not saved: this breaks the data check “%(rule)s” (%(element)s, %(period)s: "
            "%(left)s, must be %(operator)s %(right)s)."
        )
        % words
    )


def _plain(number: Decimal) -> str:
    return f"{Decimal(number).quantize(Decimal('0.000001')).normalize():f}"


def _refuse_breaches(found: list[validation.Finding]) -> None:
    if found:
        raise ValidationError(
            {"value": [breach_message(f.rule, f.row.period, f.row.value, f.right) for f in found]}
        )


def _check_after_save(row: DataValue) -> None:
    year = year_of(row.month_from)
    validation.check(
        element_ids=[row.element_id], org_ids=[row.org_unit_id], years=[year, year + 1]
    )


@transaction.atomic
def target_save(
    *,
    actor: User | None,
    metric_code: str,
    org_unit: OrgUnit,
    year: int,
    value: object,
    department_id: int | None,
    version: Version,
    source: str = "",
) -> Target:
    """Set an annual target; ``department_id`` is the owner of the metric it is for,
    ``version`` that of the target the editor read (0: there was none)."""
    require_change(actor, department_id)
    number = _decimal(value, "value")
    if number is None:
        raise ValidationError({"value": _("A value is required.")})
    user = acting_user(actor)
    target = (
        Target.objects.select_for_update()
        .filter(metric_code=metric_code, org_unit=org_unit, year=year)
        .first()
    )
    if target is None:
        check_version(0, version)
        target = Target(
            metric_code=metric_code,
            org_unit=org_unit,
            year=year,
            value=number,
            source=source,
            entered_by=user,
        )
        target.full_clean()
        target.save()
        audit.record(AuditAction.CREATE, actor=actor, obj=target, after=audit.snapshot(target))
        return target
    return versioned_update(
        target,
        actor=actor,
        version=version,
        locked=True,
        changes={"value": number, "source": source, "entered_by": user},
        require=lambda row: None,  # the metric's department, checked above
    )


#: What ``element_update`` may change; the code is the element's identity and stays.
ELEMENT_EDITABLE = (
    "name_zh",
    "name_en",
    "unit",
    "time_aggregation",
    "unit_aggregation",
    "growth_basis",
    "decimals",
    "whole",
    "part_order",
    "order",
    "department",
)


@transaction.atomic
def element_update(
    *, actor: User | None, element: DataElement, version: Version, **changes: Any
) -> DataElement:
    """Change an element of the catalogue; changing nothing writes nothing.

    Moving an element to another department needs the right to change both departments.
    """

    def require(row: DataElement) -> None:
        require_change(actor, row.department_id)
        if "department" in changes:
            require_change(actor, changes["department"].pk)

    return versioned_update(
        element,
        actor=actor,
        version=version,
        changes=changes,
        editable=ELEMENT_EDITABLE,
        require=require,
    )


# -- validation rules ------------------------------------------------------------------------

RULE_EDITABLE = (
    "name",
    "operator",
    "right_kind",
    "right_element",
    "right_number",
    "tolerance",
    "importance",
    "active",
)


def _default_rule_name(rule: ValidationRule) -> str:
    wording: dict[str, str] = {
        RuleRight.PARTS: _("the sum of its parts"),
        RuleRight.ELEMENT: str(rule.right_element) if rule.right_element_id else "",
        RuleRight.NUMBER: f"{rule.right_number.normalize():f}" if rule.right_number else "",
        RuleRight.PRIOR_MULTIPLE: _("%(n)s × last year's value")
        % {"n": f"{rule.right_number.normalize():f}" if rule.right_number else ""},
    }
    right = wording[rule.right_kind]
    return f"{rule.left} {rule.get_operator_display()} {right}"


@transaction.atomic
def rule_create(
    *,
    actor: User | None,
    code: str,
    left: DataElement,
    operator: str,
    right_kind: str,
    name: str = "",
    **options: object,
) -> ValidationRule:
    """A rule on ``left``'s values, kept by ``left``'s department; checked at once."""
    require_change(actor, left.department_id)
    rule = ValidationRule(
        code=code,
        left=left,
        operator=operator,
        right_kind=right_kind,
        department_id=left.department_id,
        name=name,
        **options,
    )
    if not rule.name:
        rule.name = _default_rule_name(rule)[:200]
    rule.full_clean()
    rule.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=rule, after=audit.snapshot(rule))
    validation.check(element_ids=[left.pk])
    return rule


@transaction.atomic
def rule_update(
    *, actor: User | None, rule: ValidationRule, version: Version, **changes: object
) -> ValidationRule:
    """Change a rule (its left element stays: that is what it is about); rechecks it."""
    stored: list[int] = []

    def require(row: ValidationRule) -> None:
        require_change(actor, row.department_id)
        stored.append(row.version)

    rule = versioned_update(
        rule,
        actor=actor,
        version=version,
        changes=changes,
        editable=RULE_EDITABLE,
        require=require,
    )
    if rule.version != stored[0]:
        RuleViolation.objects.filter(rule=rule).delete()
        if rule.active:
            validation.check(element_ids=[rule.left_id])
    return rule


@transaction.atomic
def rule_delete(*, actor: User | None, rule: ValidationRule) -> None:
    require_change(actor, rule.department_id)
    before = audit.snapshot(rule)
    audit.record(AuditAction.DELETE, actor=actor, obj=rule, before=before)
    rule.delete()


@transaction.atomic
def rules_run(*, actor: User | None, department: Department | None = None) -> list[RuleViolation]:
    """Check every active rule (of one department) over all stored values, on demand.

    Checking rewrites the list of what the rules find (and writes an audit row), so it is a
    write: those who change the department's data may ask, read-only roles may not.
    """
    if actor is not None:
        if department is None and access.editable_department_ids(actor) is not None:
            raise PermissionDenied(_("Only those who change every department may check them all."))
        if department is not None and not access.can_change_department(actor, department.pk):
            raise PermissionDenied(_("Only editors of the owning department may change this."))
    elements = None
    if department is not None:
        elements = list(
            ValidationRule.objects.filter(department=department).values_list("left", flat=True)
        )
    found = validation.check(element_ids=elements)
    if department is not None:
        found = [v for v in found if v.rule.department_id == department.pk]
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type="stats.validationrule",
        object_repr=_("Validation rules checked"),
        after={"department": department.code if department else None, "violations": len(found)},
    )
    return found
