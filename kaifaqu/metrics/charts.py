"""Chart specs (ECharts options) of figures, built from the figures the page shows: the
zone's growth beside the city's, and a key figure's trend."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core import numbers

from .keyfigures import KeyFigure


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(numbers.round_half_up(value, 1))


def growth_against_city_chart(key_figures: Sequence[KeyFigure]) -> dict[str, Any] | None:
    """The zone's growth on the same period last year beside the city's, for the key figures
    with a growth (rates have a 百分点 change, not a growth, and are left out); the city's bar
    is missing where the city has no growth for the period. None without any city."""
    rows = [k for k in key_figures if k.figure.growth_pct is not None and k.city is not None]
    if not rows:
        return None
    zone = rows[0].figure.org_name
    city = next((k.city.org_name for k in rows if k.city and k.city.org_name), "")
    return {
        "title": {"text": _("Growth against the city (%)"), "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 40},
        "xAxis": {"type": "category", "data": [k.name for k in rows], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "name": "%"},
        "series": [
            {
                "name": zone,
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [_pct(k.figure.growth_pct) for k in rows],
            },
            {
                "name": city,
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [_pct(k.city.growth_pct if k.city else None) for k in rows],
            },
        ],
    }


def trend_chart(key_figure: KeyFigure) -> dict[str, Any] | None:
    """A sparkline: the key figure's value in the same window of earlier years, at the
    metric's decimals (a year without a value is a gap). None with fewer than two values."""
    points = key_figure.trend
    if sum(1 for p in points if p.value is not None) < 2:
        return None
    decimals = key_figure.metric.decimals
    return {
        "grid": {"left": 2, "right": 2, "top": 4, "bottom": 4},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "show": False, "data": [p.label for p in points]},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "series": [
            {
                "type": "line",
                "name": key_figure.name,
                "symbolSize": 4,
                "connectNulls": False,
                "data": [
                    None if p.value is None else float(numbers.round_half_up(p.value, decimals))
                    for p in points
                ],
            }
        ],
    }
