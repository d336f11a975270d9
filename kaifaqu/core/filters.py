import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapForm, PeriodField
from .models import AuditAction, AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    user = django_filters.CharFilter(
        label=_("User"), field_name="actor_username", lookup_expr="icontains"
    )
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="icontains")
    ip = django_filters.CharFilter(label=_("IP address"))
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "user", "object_type", "ip", "since", "until"]
        form = BootstrapForm


class PeriodFilter(django_filters.Filter):
    """A filter on a written period, with the period picker (``core.forms.PeriodField``);
    its value is a ``Period``, or none (all periods) when the box is left empty."""

    field_class = PeriodField
