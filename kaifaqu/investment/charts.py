"""Chart specs (ECharts options) of the investment ledger: the pipeline by stage with its
sums, and the key projects' investment completed against their annual plans."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core import numbers

from .selectors import Column, KeyProjectRow


def _yi(wan: Decimal) -> float:
    """10,000 yuan as 100 million yuan, at two decimals (the kanban's 万元 sums are exact)."""
    return float(numbers.round_half_up(numbers.scale(wan, "万元", "亿元"), 2))


def pipeline_chart(columns: Sequence[Column]) -> dict[str, Any] | None:
    """Projects per stage (bars, left axis) and their contracted investment in 亿元 (line,
    right axis), in pipeline order; None when the user reads no project."""
    if not any(c.count for c in columns):
        return None
    return {
        "title": {"text": _("Investment pipeline by stage"), "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 40},
        "xAxis": {"type": "category", "data": [c.label for c in columns]},
        "yAxis": [
            {"type": "value", "name": _("projects"), "minInterval": 1},
            {"type": "value", "name": _("100 million yuan")},
        ],
        "series": [
            {
                "name": _("Number of projects"),
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [c.count for c in columns],
            },
            {
                "name": _("Contract investment (100 million yuan)"),
                "type": "line",
                "yAxisIndex": 1,
                "label": {"show": True},
                "data": [_yi(c.contract_investment) for c in columns],
            },
        ],
    }


def key_projects_chart(rows: Sequence[KeyProjectRow], year: int) -> dict[str, Any] | None:
    """Each key project's investment completed in ``year`` against its annual plan, in 亿元
    (horizontal bars, the project's progress % in the tooltip's label); None without plans."""
    if not rows:
        return None
    names = [
        _("%(name)s (%(progress)s)")
        % {"name": r.project.name, "progress": numbers.percent(r.progress_pct, 1)}
        if r.progress_pct is not None
        else r.project.name
        for r in rows
    ]
    return {
        "title": {
            "text": _("Key projects: completed against plan, %(year)s") % {"year": year},
            "left": "center",
        },
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 24, "bottom": 40},
        "xAxis": {"type": "value", "name": _("100 million yuan")},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {"name": _("Annual plan"), "type": "bar", "data": [_yi(r.annual_plan) for r in rows]},
            {
                "name": _("Completed"),
                "type": "bar",
                "label": {"show": True, "position": "right"},
                "data": [_yi(r.completed) for r in rows],
            },
        ],
    }
