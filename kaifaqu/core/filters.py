from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapForm, PeriodField
from .models import AuditAction, AuditEntry


def label_empty_choices(form: forms.Form) -> forms.Form:
    """Every choice of a filter form that filters nothing reads "All" (全部), never
    "---------" or "Unknown"."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            # A model choice, or django-filter's choice field (which adds it to its choices).
            field.empty_label = _("All")  # type: ignore[attr-defined]
            if not isinstance(field, forms.ModelChoiceField):
                # The widget holds its own list, taken when the choices were set.
                # django-filter's field puts the empty choice first again itself.
                listed: Any = getattr(field, "choices", ())
                field.choices = [c for c in listed if c[0] != ""]  # type: ignore[attr-defined]
        elif isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
        elif isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            field.choices = [
                ("", _("All")) if value in ("", None) else (value, label)
                for value, label in choices
            ]
    return form


class ListFilterSet(django_filters.FilterSet):
    """The filters of a back-office list (``core.views.lists.TableView``): django-filter's
    FilterSet whose empty choices read "All"."""

    @property
    def form(self) -> forms.Form:
        labelled = hasattr(self, "_form")
        form: forms.Form = super().form
        if not labelled:
            label_empty_choices(form)
        return form


class FormFilter:
    """A list's filters that are a plain form (its ``selection()`` the keyword arguments of
    the list's selector), as the list pattern shows a filter set: ``form``, ``is_bound``."""

    def __init__(self, form: forms.Form) -> None:
        #: The list's own form, whose ``selection()`` its view reads.
        self.form: Any = label_empty_choices(form)
        self.is_bound = form.is_bound

    def is_valid(self) -> bool:
        return bool(self.form.is_valid())


class AuditEntryFilter(ListFilterSet):
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
