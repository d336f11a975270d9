from django.http import Http404
from django.views.generic import TemplateView

from kaifaqu.orgs import selectors

from .charts import area_chart, population_chart


class HomeView(TemplateView):
    """The public home page: the zone's profile."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        zone = selectors.home_zone()
        if zone is None:
            raise Http404("The home zone is not set up yet: run `kaifaqu load_demo`.")
        facts = {f.key: f for f in selectors.current_profile_facts(zone)}
        return super().get_context_data(
            zone=zone,
            facts=facts,
            fact_list=list(facts.values()),
            honours=selectors.honours_of(zone),
            subunits=selectors.towns_and_subdistricts(zone),
            charts={
                "population": population_chart(facts),
                "area": area_chart(facts),
            },
            **kwargs,
        )
