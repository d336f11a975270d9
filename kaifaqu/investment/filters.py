"""Filters of the project list and the kanban, on top of ``selectors.project_filter``.

Periods are written forms (docs/architecture.md "Periods") with the period picker; one that
does not parse is an error on the form, and the list then shows nothing rather than
everything. Left empty, a period filters nothing; its picker starts at the latest period with
data.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ListFilterSet, PeriodFilter
from kaifaqu.core.forms import BootstrapForm
from kaifaqu.core.widgets import PeriodInput
from kaifaqu.enterprises.selectors import industry_list
from kaifaqu.orgs.selectors import department_list, zone_units
from kaifaqu.stats.selectors import latest_period

from .models import KeyLevel, Project
from .selectors import project_filter
from .stages import Stage


class ProjectFilterForm(BootstrapForm):
    pass


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
    signed_in = PeriodFilter(
        label=_("Signed in (period)"),
        method="by",
        suggest=latest_period,
        widget=PeriodInput(attrs={"placeholder": _("All periods")}),
    )
    started_in = PeriodFilter(
        label=_("Started in (period)"),
        method="by",
        suggest=latest_period,
        widget=PeriodInput(attrs={"placeholder": _("All periods")}),
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
