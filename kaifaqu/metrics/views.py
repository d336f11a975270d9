from typing import Any

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kaifaqu.core.numbers import active_lang
from kaifaqu.core.views.mixins import BusinessReadMixin
from kaifaqu.orgs.selectors import home_zone, orgunit_list
from kaifaqu.stats.selectors import element_list

from .figures import FigureRequest
from .selectors import figure_batch, figures, input_histories


class FigureListView(BusinessReadMixin, TemplateView):
    """Pick a unit, a period and metrics; see their figures."""

    template_name = "metrics/figure_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        zone = home_zone()
        org = self.request.GET.get("org") or (zone.code if zone else "")
        period = self.request.GET.get("period", "").strip() or "2017-01/2017-09"
        elements = list(element_list())
        chosen = self.request.GET.getlist("metrics") or [e.code for e in elements if not e.whole_id]
        return super().get_context_data(
            orgs=orgunit_list(),
            elements=elements,
            org=org,
            period=period,
            chosen=set(chosen),
            figures=figures(org, period, chosen, lang=active_lang()) if org else [],
            **kwargs,
        )


class FigureDetailView(BusinessReadMixin, TemplateView):
    """One figure: its value, every comparison, the formula and each input with its history."""

    template_name = "metrics/figure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        get = self.request.GET
        request = FigureRequest(get.get("metric", ""), get.get("org", ""), get.get("period", ""))
        (figure,) = figure_batch([request], lang=active_lang())
        return super().get_context_data(
            figure=figure,
            inputs=input_histories(figure),
            title=figure.name or _("Figure"),
            **kwargs,
        )
