"""Filters of the project list and the kanban, on top of ``selectors.project_filter``.

Periods are written forms (2017, 2017Q3, 2017-01/2017-09); one that does not parse is an
error on the form, and the list then shows nothing rather than everything.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ListFilterSet
from kaifaqu.core.forms import BootstrapForm
from kaifaqu.core.periods import PeriodError, parse
from kaifaqu.enterprises.selectors import industry_list
from kaifaqu.orgs.selectors import department_list, zone_units

from .models import KeyLevel, Project
from .selectors import project_filter
from .stages import Stage


class ProjectFilterForm(BootstrapForm):
    def _period(self, name: str) -> str:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return ""
        try:
            return str(parse(text))
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_signed_in(self) -> str:
        return self._period("signed_in")

    def clean_started_in(self) -> str:
        return self._period("started_in")


def _departments(request):
    return department_list(request.user) if request is not None else department_list(None)


def _units(request):
    return zone_units()


class ProjectFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Name, investor or partner"), method="by")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_departments, method="by"
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=industry_list(), method="by"
    )
    key_level = django_filters.ChoiceFilter(
        label=_("Key-project level"), choices=KeyLevel.choices, method="by"
    )
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Where it lands"), queryset=_units, method="by"
    )
    signed_in = django_filters.CharFilter(
        label=_("Signed in (period)"),
        method="by",
        widget=forms.TextInput(attrs={"placeholder": "2017-01/2017-09"}),
    )
    started_in = django_filters.CharFilter(
        label=_("Started in (period)"),
        method="by",
        widget=forms.TextInput(attrs={"placeholder": "2017"}),
    )
    light_asset = django_filters.BooleanFilter(
        label=_("Light-asset"), method="by", widget=forms.NullBooleanSelect
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "stage",
            "department",
            "industry",
            "key_level",
            "org_unit",
            "signed_in",
            "started_in",
            "light_asset",
        ]
        form = ProjectFilterForm

    _ARGUMENT = {"q": "search"}

    def by(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        return project_filter(queryset, **{self._ARGUMENT.get(name, name): value})


class KanbanFilter(ProjectFilter):
    """The list's filters but the stage, which the board's columns are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("stage", None)
