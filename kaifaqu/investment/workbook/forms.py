"""The workbook page's forms: the upload is the statistics workbook's; the export takes the
project list's filters, with the list's parameter names and values (departments, industries
and org units by id), so the list can link here with its own query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import ALL_CHOICE, PeriodField
from kaifaqu.core.widgets import PeriodInput
from kaifaqu.enterprises.models import Industry
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.stats.forms import WorkbookUploadForm
from kaifaqu.stats.selectors import latest_period

from ..models import KeyLevel
from ..stages import Stage

__all__ = ["ExportFilterForm", "WorkbookUploadForm"]

_SELECT = {"class": "form-select form-select-sm"}
_INPUT = {"class": "form-control form-control-sm"}


class ExportFilterForm(forms.Form):
    """Which projects to export (nothing chosen: all those the user may read)."""

    q = forms.CharField(
        label=_("search"), required=False, max_length=100, widget=forms.TextInput(attrs=_INPUT)
    )
    stage = forms.ChoiceField(
        label=_("stage"),
        required=False,
        choices=[("", ALL_CHOICE), *Stage.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    department = forms.ModelChoiceField(
        empty_label=ALL_CHOICE,
        label=_("department"),
        required=False,
        queryset=Department.objects.order_by("order"),
        widget=forms.Select(attrs=_SELECT),
    )
    industry = forms.ModelChoiceField(
        empty_label=ALL_CHOICE,
        label=_("industry"),
        required=False,
        queryset=Industry.objects.order_by("code"),
        widget=forms.Select(attrs=_SELECT),
    )
    key_level = forms.ChoiceField(
        label=_("key-project level"),
        required=False,
        choices=[("", ALL_CHOICE), *KeyLevel.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    org_unit = forms.ModelChoiceField(
        empty_label=ALL_CHOICE,
        label=_("where it lands"),
        required=False,
        queryset=OrgUnit.objects.order_by("code"),
        widget=forms.Select(attrs=_SELECT),
    )
    signed_in = PeriodField(
        label=_("signed in"),
        required=False,
        suggest=latest_period,
        widget=PeriodInput(attrs={**_INPUT, "placeholder": _("All periods")}),
    )
    started_in = PeriodField(
        label=_("started in"),
        required=False,
        suggest=latest_period,
        widget=PeriodInput(attrs={**_INPUT, "placeholder": _("All periods")}),
    )
    light_asset = forms.NullBooleanField(
        label=_("light-asset project"),
        required=False,
        widget=forms.NullBooleanSelect(attrs=_SELECT),
    )

    def filters(self) -> dict:
        """The filters chosen, as ``selectors.project_filter``'s keyword arguments."""
        data = self.cleaned_data
        named = {
            "stage": data.get("stage") or None,
            "department": data.get("department"),
            "industry": data.get("industry"),
            "key_level": data.get("key_level") or None,
            "org_unit": data.get("org_unit"),
            "signed_in": data.get("signed_in") or None,
            "started_in": data.get("started_in") or None,
            "light_asset": data.get("light_asset"),
            "search": (data.get("q") or "").strip() or None,
        }
        return {k: v for k, v in named.items() if v is not None}
