"""Chart specs (ECharts options) for the public pages, built from the same facts they show."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaifaqu.core import numbers
from kaifaqu.orgs.models import ProfileFact
from kaifaqu.orgs.models import ProfileFactKey as K


def population_chart(facts: dict[str, ProfileFact]) -> dict | None:
    """Registered population by kind, as a ring."""
    agri, non_agri = facts.get(K.AGRICULTURAL), facts.get(K.NON_AGRICULTURAL)
    if agri is None or non_agri is None:
        return None
    return {
        "title": {"text": _("Registered population"), "left": "center"},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "percentPrecision": 1,
                "label": {"formatter": "{b}\n{d}%"},
                "data": [
                    {"name": agri.get_key_display(), "value": int(agri.value)},
                    {"name": non_agri.get_key_display(), "value": int(non_agri.value)},
                ],
            }
        ],
    }


def area_chart(facts: dict[str, ProfileFact]) -> dict | None:
    """Total, planned and built-up area, in km²."""
    keys = [K.AREA, K.PLANNED_AREA, K.BUILT_UP_AREA]
    present = [facts[k] for k in keys if k in facts]
    if not present:
        return None
    return {
        "title": {"text": _("Area (km²)"), "left": "center"},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [f.get_key_display() for f in present]},
        "yAxis": {"type": "value"},
        "series": [
            {
                "type": "bar",
                "barWidth": "45%",
                "label": {"show": True, "position": "top"},
                "data": [float(f.value) for f in present],
            }
        ],
    }


def growth_chart(key_figures) -> dict | None:
    """Year-on-year growth of the key figures that have one, this year beside last year's."""
    rows = [k for k in key_figures if k.figure.growth_pct is not None]
    if len(rows) < 2:
        return None

    def pct(value):
        return None if value is None else float(numbers.round_half_up(value, 1))

    return {
        "title": {"text": _("Growth on the same period last year (%)"), "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 40},
        "xAxis": {"type": "category", "data": [k.name for k in rows], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": _("This year"),
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [pct(k.figure.growth_pct) for k in rows],
            },
            {
                "name": _("Last year"),
                "type": "bar",
                "data": [pct(k.figure.prior_growth_pct) for k in rows],
            },
        ],
    }
