"""The dashboard's key figures (registered with core.dashboard): the zone's key metrics for
the latest period with data, each with its status, its trend and a link to its page, and
the chart of the zone's growth against the city's. Leaders and zone administrators see all
of them, a department's members those of the metrics their departments keep."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.core import access, dashboard
from kaifaqu.core.numbers import active_lang
from kaifaqu.core.roles import Role
from kaifaqu.orgs.selectors import home_zone

from .charts import growth_against_city_chart, trend_chart
from .keyfigures import dashboard_figures


def key_figures_panel(user: Any) -> dict[str, Any] | None:
    zone = home_zone()
    if zone is None:
        return None
    # Figures are readable by every business reader; a department's member is shown those
    # of the metrics its departments keep, the leaders and zone administrators all of them.
    departments = access.readable_department_ids(user)
    figures = dashboard_figures(zone.code, lang=active_lang(), departments=departments)
    if departments is not None and not figures:
        return None
    growth = growth_against_city_chart(figures)
    return {
        "zone": zone,
        "figures": [(k, trend_chart(k)) for k in figures],
        "may_configure": access.has_role(user, Role.ZONE_ADMIN),
        "charts": (
            [
                dashboard.Chart(
                    "growth", _("Growth against the city"), growth, reverse("metrics:list")
                )
            ]
            if growth
            else []
        ),
    }


dashboard.register_panel(
    "key_figures",
    template="metrics/dashboard_key_figures.html",
    context=key_figures_panel,
    allowed=access.reads_business,
    order=10,
)
