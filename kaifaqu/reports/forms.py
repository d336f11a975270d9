from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.orgs.selectors import orgunit_list


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Word template (.docx)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DraftForm(forms.Form):
    org = forms.ChoiceField(label=_("Org unit"))
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        initial="2017-01/2017-09",
        help_text=_("e.g. 2017-01/2017-09 (前三季度)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(u.code, u.name) for u in orgunit_list()]


class BlockForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
