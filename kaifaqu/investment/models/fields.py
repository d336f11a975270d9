"""Fields the investment models share."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

POSITIVE = [MinValueValidator(0)]


def money(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in 万元, as the bureau records it; never negative."""
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=POSITIVE, **kwargs
    )
