"""What the investment services share: numbers, dates, validation without re-reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def amount(value, field: str, *, required: bool = False) -> Decimal | None:
    """A money amount as typed or imported (10,000 yuan); floats go through their repr."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("An amount is required.")})
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: _("%(value)s is not a number.") % {"value": value}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(value)s is not a number.") % {"value": value}})
    if number < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return number


def today() -> date:
    return timezone.localdate()


def not_future(on: date, field: str = "on") -> None:
    if not isinstance(on, date):
        raise ValidationError({field: _("A date is required.")})
    if on > today():
        raise ValidationError({field: _("The date cannot be in the future.")})


def full_clean(obj, exclude: tuple[str, ...] = ()) -> None:
    """``obj.full_clean()``, without re-reading related rows the caller passed as loaded
    instances: Django checks each foreign key with a query, which an import of thousands of
    rows pays once per key per row. Ids set by hand are still checked."""
    loaded = [
        f.name
        for f in obj._meta.concrete_fields
        if f.is_relation
        and f.is_cached(obj)
        and getattr(obj, f.name) is not None
        and getattr(obj, f.name).pk is not None
    ]
    obj.full_clean(exclude=[*exclude, *loaded])
