"""What a value must be to be stored: the rules one entered value and a whole import share.

``value_fields`` turns what an editor or a file states into the fields stored (numbers as
decimals, a value required); ``value_save`` uses it for one value, an import for each row.
``check_values`` then holds a set of unsaved values to the model's own field rules (digits and
decimal places, the status list, lengths), as ``full_clean`` holds one value, but at once and
without a query per row: each distinct text is checked once, and uniqueness needs no query
because a batch is keyed by element, unit and months already (the database's constraint
stays the last word).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DataValue, ValueStatus

if TYPE_CHECKING:
    from django.db.models import Field

#: The fields of a value that an editor or a file states (the rest is its identity).
VALUE_FIELDS = ("value", "status", "reported_growth_pct", "comparable_prior", "source")
#: The fields ``check_values`` holds to the model's rules; the texts among them repeat (a
#: file has a handful of periods, statuses and sources) and are checked once each.
_CHECKED_TEXT = ("period", "status", "source")
_CHECKED_NUMBERS = ("value", "reported_growth_pct", "comparable_prior")


def to_decimal(value: Any, field: str) -> Decimal | None:
    """A number as typed or read (text, int, float, Decimal), None for a blank."""
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


def value_fields(
    *,
    value: Any,
    status: str = ValueStatus.FINAL,
    reported_growth_pct: Any = None,
    comparable_prior: Any = None,
    source: str = "",
) -> dict[str, Any]:
    """The stored fields of a value from what is stated; ValidationError if one cannot be."""
    fields = {
        "value": to_decimal(value, "value"),
        "status": status,
        "reported_growth_pct": to_decimal(reported_growth_pct, "reported_growth_pct"),
        "comparable_prior": to_decimal(comparable_prior, "comparable_prior"),
        "source": source or "",
    }
    if fields["value"] is None:
        raise ValidationError({"value": _("A value is required.")})
    return fields


def check_values(values: Sequence[DataValue]) -> dict[int, ValidationError]:
    """The model's field rules over unsaved values: the position of each value refused, with
    its errors by field (as ``full_clean`` raises them)."""
    # Columns of the value itself, never a relation.
    meta = DataValue._meta
    texts = [cast("Field[Any, Any]", meta.get_field(name)) for name in _CHECKED_TEXT]
    numbers = [cast("Field[Any, Any]", meta.get_field(name)) for name in _CHECKED_NUMBERS]
    seen: dict[tuple[str, Any], list[str]] = {}
    refused: dict[int, ValidationError] = {}
    for index, row in enumerate(values):
        errors: dict[str, list[str]] = {}
        for field in texts:
            raw = getattr(row, field.attname)
            key = (field.name, raw)
            if key not in seen:
                try:
                    field.clean(raw, row)
                    seen[key] = []
                except ValidationError as error:
                    seen[key] = error.messages
            if seen[key]:
                errors[field.name] = seen[key]
        for field in numbers:
            raw = getattr(row, field.attname)
            if raw is None and field.null:
                continue
            try:
                field.clean(raw, row)
            except ValidationError as error:
                errors[field.name] = error.messages
        if errors:
            refused[index] = ValidationError(errors)
    return refused
