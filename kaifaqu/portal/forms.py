from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import BootstrapForm, BootstrapMixin
from kaifaqu.orgs.forms import keeper_choice

from .categories import Category
from .models import Policy, PolicyStatus

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(BootstrapMixin, forms.ModelForm):
    """A draft's fields; on creation also the department, among those the user edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Policy
        fields = [
            "category",
            "title",
            "issuer",
            "document_number",
            "issued_on",
            "valid_from",
            "valid_until",
            "body",
            "illustrative",
        ]
        widgets = {
            "issued_on": _DATE,
            "valid_from": _DATE,
            "valid_until": _DATE,
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {"body": _("Plain text; separate paragraphs with a blank line.")}
        labels = {"illustrative": _("Demo example (not a real document)")}

    def __init__(self, *args, user=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            return
        del self.fields["version"]
        keeper_choice(self, user, default_code="investment")


class PolicyReviseForm(BootstrapMixin, forms.ModelForm):
    """A published policy's new text and details, and what the revision changes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    changes = forms.CharField(label=_("What changed"), max_length=500)

    class Meta:
        model = Policy
        fields = [
            "title",
            "issuer",
            "document_number",
            "issued_on",
            "valid_from",
            "valid_until",
            "body",
        ]
        widgets = {
            "issued_on": _DATE,
            "valid_from": _DATE,
            "valid_until": _DATE,
            "body": forms.Textarea(attrs={"rows": 14}),
        }


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class WithdrawForm(BootstrapForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=500)


class AttachmentForm(BootstrapForm):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel, PNG or JPEG; at most 20 MB.")
    )


class SaveForm(forms.Form):
    kind = forms.ChoiceField(choices=[("policy", "policy"), ("land", "land"), ("unit", "unit")])
    pk = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False)


class PolicyAdminFilterForm(BootstrapForm):
    """The back-office policy list's filters; ``selection()`` is what ``policies_for`` takes."""

    q = forms.CharField(label=_("Title, issuing body or number"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", ""), *Category.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", ""), *PolicyStatus.choices]  # type: ignore[attr-defined]

    def selection(self) -> dict:
        """An invalid filter selects as if it were empty."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "category": data.get("category", ""),
            "status": data.get("status", ""),
        }
