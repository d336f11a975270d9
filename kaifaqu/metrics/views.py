from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kaifaqu.core.numbers import active_lang
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs.selectors import home_zone, orgunit_list
from kaifaqu.stats.selectors import latest_period

from . import charts, display
from .figures import FigureRequest
from .selectors import (
    figure_notes,
    figure_series,
    figures,
    input_histories,
    metric_choices,
    org_names,
)

VIEWS = ("table", "chart")


def _drawn(makers: dict[str, Any], figs: list[Any]) -> dict[str, dict[str, Any]]:
    """The charts that have something to show, by name."""
    specs = {name: make(figs) for name, make in makers.items()}
    return {name: spec for name, spec in specs.items() if spec}


class FigureListView(BusinessReadMixin, TemplateView):
    """Pick a unit, a period and metrics; see their figures as a table or as charts."""

    template_name = "metrics/figure_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        get = self.request.GET
        zone = home_zone()
        org = get.get("org") or (zone.code if zone else "")
        period = get.get("period", "").strip()
        if not period:
            latest = latest_period(org) or latest_period()
            period = str(latest) if latest else ""
        groups = metric_choices(lang=active_lang())
        chosen = get.getlist("metrics") or [m.code for g in groups for m in g.metrics if m.default]
        view = get.get("view") if get.get("view") in VIEWS else "table"
        figs = figures(org, period, chosen) if org and period else []
        display.localise(figs)
        orgs = list(orgunit_list())
        names = {u.code: u.name for u in orgs}
        notes = figure_notes(figs, names)
        query = get.copy()
        query.pop("view", None)
        query.setlist("metrics", chosen)
        query["org"], query["period"] = org, period
        return super().get_context_data(
            orgs=orgs,
            groups=groups,
            org=org,
            period=period,
            chosen=set(chosen),
            rows=[
                {
                    "figure": f,
                    "status": f.status_label,
                    "notes": notes.of(f),
                }
                for f in figs
            ],
            page_notes=notes.page,
            view=view,
            query=query.urlencode(),
            charts=_drawn({"growth": charts.growth_chart, "progress": charts.progress_chart}, figs)
            if view == "chart"
            else {},
            not_charted=[f.name or f.metric for f in figs if f.growth_pct is None],
            **kwargs,
        )


class FigureDetailView(BusinessReadMixin, TemplateView):
    """One figure: its value, every comparison, its series over time and, for a metric with
    parts, its structure; the formula and each input with its history."""

    template_name = "metrics/figure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        get = self.request.GET
        org = get.get("org", "").strip()
        if not org:
            zone = home_zone()
            org = zone.code if zone else ""
        period = get.get("period", "").strip()
        if not period:  # a link without a period opens the latest with data
            latest = latest_period(org) or latest_period()
            period = str(latest) if latest else ""
        series = figure_series(FigureRequest(get.get("metric", "").strip(), org, period))
        figure = series.figure
        display.localise([figure, *series.this_year, *series.last_year])
        inputs = input_histories(figure)
        names = org_names({figure.reference_org, *(i.org for i, _h in inputs)})
        specs = {
            "series": charts.series_chart(
                figure, series.periods, series.this_year, series.last_year
            ),
            "structure": charts.structure_chart(figure) if figure.parts else None,
        }
        return super().get_context_data(
            figure=figure,
            notes=figure_notes([figure], names).of(figure),
            fields=display.figure_fields(figure),
            parts=display.part_rows(figure),
            inputs=display.input_rows(figure, inputs, names),
            charts={key: spec for key, spec in specs.items() if spec},
            title=figure.name or _("Figure"),
            **kwargs,
        )
