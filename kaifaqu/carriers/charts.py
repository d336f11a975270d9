"""Chart specs (ECharts options) of the carriers: what is vacant and what is taken, by kind
of building unit and of land, stacked by status (idle, reserved, let, sold)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core import numbers

from .models import LAND_STATUSES, CarrierStatus
from .selectors import AreaByStatus

#: Idle first (what is on offer), then reserved, then taken.
UNIT_STATUSES = (CarrierStatus.IDLE, CarrierStatus.RESERVED, CarrierStatus.LET, CarrierStatus.SOLD)


def _stacked(
    rows: Sequence[AreaByStatus], statuses: Sequence[CarrierStatus], title: str, unit: str
) -> dict[str, Any] | None:
    if not rows:
        return None

    def area(value: Decimal) -> float:
        return float(numbers.round_half_up(value, 2))

    return {
        "title": {"text": title, "left": "center"},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 40},
        "xAxis": {"type": "category", "data": [r.label for r in rows]},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": str(status.label),
                "type": "bar",
                "stack": "area",
                "data": [area(r.of(status)) for r in rows],
            }
            for status in statuses
        ],
    }


def vacancy_chart(rows: Sequence[AreaByStatus]) -> dict[str, Any] | None:
    """Building floor area (m²) per use of the units, vacant beside let and sold."""
    return _stacked(rows, UNIT_STATUSES, _("Building units: vacant and taken (m²)"), "m²")


def land_chart(rows: Sequence[AreaByStatus]) -> dict[str, Any] | None:
    """Land (亩) per land use, vacant beside reserved and sold (land is never let)."""
    return _stacked(rows, LAND_STATUSES, _("Land: vacant and taken (mu)"), _("mu"))
