"""The page where the zone administrator chooses the zone's key figures (the dashboard's and
the portal's), through ``services.key_metrics_set``. Kept apart from ``views.py``, the
figure pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.numbers import active_lang
from kaifaqu.core.roles import Role
from kaifaqu.core.views.forms import ServiceFormView
from kaifaqu.core.views.mixins import RoleRequiredMixin
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import home_zone

from . import selectors, services
from .forms import KeyMetricsForm, chosen_codes, slot


class KeyMetricsView(RoleRequiredMixin, ServiceFormView):
    roles = (Role.ZONE_ADMIN,)
    template_name = "metrics/key_metrics_form.html"
    form_class = KeyMetricsForm
    success_message = gettext_lazy("Key figures saved.")

    @cached_property
    def zone(self) -> OrgUnit:
        zone = home_zone()
        if zone is None:
            raise Http404
        return zone

    def get_form_kwargs(self) -> dict[str, Any]:
        choices = selectors.key_metric_choices(active_lang())
        return {**super().get_form_kwargs(), "choices": choices}

    def get_initial(self) -> dict[str, Any]:
        codes = selectors.key_metric_codes(self.zone.code)
        return {slot(place): code for place, code in enumerate(codes, start=1)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=_("Key figures of %(zone)s") % {"zone": self.zone.name},
            back=reverse("core:dashboard"),
            **kwargs,
        )

    def call_service(self, *, actor: Any, data: dict[str, Any]) -> list[str]:
        codes = chosen_codes(data)
        return services.key_metrics_set(actor=actor, org_unit=self.zone, codes=codes)

    def get_success_url(self) -> str:
        return reverse("core:dashboard")
