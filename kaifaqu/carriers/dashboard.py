"""The carriers on the dashboard (registered with core.dashboard): vacant and taken area,
of the carriers the user reads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.core import access, dashboard

from . import selectors
from .charts import land_chart, vacancy_chart


def vacancy_charts(user: Any) -> list[dashboard.Chart]:
    """The vacancy charts of the carriers page, for the dashboard and that page alike."""
    url = reverse("carriers:list")
    out = []
    units = vacancy_chart(selectors.unit_area_by_use(user))
    if units:
        out.append(dashboard.Chart("vacancy", _("Vacancy of building units"), units, url))
    land = land_chart(selectors.land_area_by_use(user))
    if land:
        out.append(dashboard.Chart("land", _("Vacancy of land"), land, url))
    return out


dashboard.register_charts("carriers", vacancy_charts, allowed=access.reads_business, order=30)
