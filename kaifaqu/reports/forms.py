from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import PERIOD_HELP, PeriodField
from kaifaqu.orgs.selectors import home_zone, orgunit_list
from kaifaqu.stats.selectors import period_to_start


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Word template (.docx)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DraftForm(forms.Form):
    org = forms.ChoiceField(label=_("Org unit"))
    period = PeriodField(label=_("Period"), initial=period_to_start, help_text=PERIOD_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(u.code, u.name) for u in orgunit_list()]
        # The home zone first (it was the demo's code written into the template).
        zone = home_zone()
        self.fields["org"].initial = zone.code if zone else None
        self.fields["period"].widget.attrs["class"] = "form-control"


class BlockForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
