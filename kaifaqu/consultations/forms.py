"""Forms of the consultation pages, public and back office. They collect and type what people
enter; the rules (contact required, plain text, file kinds and sizes, rate limits, rights)
are the services', whose refusals the views put back on these forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import EMPTY_CHOICE, BootstrapForm
from kaifaqu.core.uploads import DOCUMENTS, accept_attribute
from kaifaqu.enterprises.models import Industry
from kaifaqu.enterprises.selectors import industry_classes
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.orgs.selectors import department_editors, zone_units
from kaifaqu.portal.categories import Category

from .models import Channel, Status

_FILE_KINDS = accept_attribute(DOCUMENTS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (kind by content, size,
    count), so the form only collects them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _FILE_KINDS}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _files_help() -> str:
    return _("Up to %(count)s files of %(mb)s MB each: PDF, images, Word or Excel.") % {
        "count": settings.KAIFAQU_CONSULT_MAX_FILES,
        "mb": settings.KAIFAQU_CONSULT_MAX_FILE_MB,
    }


def _text(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": settings.KAIFAQU_CONSULT_MAX_CHARS})


class HoneypotInput(forms.TextInput):
    """A field people never see or reach (off-screen, hidden from screen readers, out of the
    tab order, never autofilled); a robot filling every input fills it."""

    def __init__(self):
        super().__init__(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "aria-hidden": "true",
                "class": "consult-hp",
            }
        )


class AskForm(BootstrapForm):
    """The public consultation form.

    Every rule of what is typed (question and name required, a phone or an email, consent,
    the email's form) is the service's, which checks them all at once: a check made here
    would refuse the form before the service is asked, and a person would learn of the
    service's problems only on the next try.
    """

    category = forms.ChoiceField(label=_("What is your question about?"), choices=Category.choices)
    question = forms.CharField(
        label=_("Your question"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "maxlength": settings.KAIFAQU_CONSULT_MAX_CHARS,
                "aria-required": "true",
            }
        ),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "name"}),
    )
    organisation = forms.CharField(
        label=_("Company or organisation"), max_length=200, required=False
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    files = MultipleFileField(label=_("Files (optional)"))
    consent = forms.BooleanField(
        label=_("I agree to the handling of my personal data as described here."), required=False
    )
    # Named like a real field so that robots fill it; the service refuses a filled one.
    website = forms.CharField(label=_("Leave this empty"), required=False, widget=HoneypotInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()
        self.fields["phone"].help_text = _("A phone number or an email, so that we can answer.")
        # The honeypot keeps only its own class: Bootstrap's would give it a visible box.
        self.fields["website"].widget.attrs["class"] = "consult-hp"


class MessageForm(BootstrapForm):
    """A reply in a conversation, by staff or by the visitor."""

    body = forms.CharField(label=_("Your reply"), widget=_text(4))
    files = MultipleFileField(label=_("Files (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


def _version() -> forms.IntegerField:
    """The consultation's version the page showed: a change made by someone else since is
    refused."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StaffReplyForm(MessageForm):
    version = _version()


class VersionForm(forms.Form):
    version = _version()


class ContactDetailsForm(BootstrapForm):
    """A visitor's own contact details."""

    name = forms.CharField(label=_("Name"), max_length=50)
    organisation = forms.CharField(
        label=_("Company or organisation"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class LinkRequestForm(BootstrapForm):
    contact = forms.CharField(
        label=_("Your mobile phone or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )


class EraseForm(BootstrapForm):
    confirm = forms.BooleanField(
        label=_("I understand: my personal data and my personal space will be deleted."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


def _officers(department_ids) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("Officer"), queryset=department_editors(department_ids), empty_label=EMPTY_CHOICE
    )
    field.label_from_instance = lambda u: str(u)
    return field


class ReassignForm(BootstrapForm):
    version = _version()

    def __init__(self, *args, department_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"] = _officers([department_id])
        self.fields["officer"].widget.attrs["class"] = "form-select"


class RouteForm(BootstrapForm):
    category = forms.ChoiceField(choices=Category.choices, widget=forms.HiddenInput)

    def __init__(self, *args, department_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"] = _officers(department_ids)
        self.fields["officer"].widget.attrs["class"] = "form-select"


class ConvertForm(BootstrapForm):
    """Turn a consultation into a project at the lead stage."""

    project_name = forms.CharField(label=_("Project name"), max_length=200)
    # The querysets are set per form: the zone's units are read from the tree at use.
    org_unit = forms.ModelChoiceField(label=_("Where it lands"), queryset=OrgUnit.objects.none())
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.none(), required=False
    )
    confirm_different = forms.BooleanField(
        label=_("I have checked the matches: this is a different project."), required=False
    )
    version = _version()

    def __init__(self, *args, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = zone_units()
        self.fields["industry"].queryset = industry_classes()
        if not show_confirm:
            self.fields["confirm_different"].widget = forms.HiddenInput()


class HotlineForm(BootstrapForm):
    """A call to the hotline, logged by the officer who took it."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    question = forms.CharField(label=_("What the caller asked"), widget=_text(5))
    name = forms.CharField(label=_("Caller's name"), max_length=50)
    organisation = forms.CharField(
        label=_("Company or organisation"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    received_at = forms.DateTimeField(
        label=_("Call received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty for now."),
    )


class InboxFilterForm(BootstrapForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def selection(self) -> dict:
        """The selector's keyword arguments; an invalid filter selects as if empty."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status", ""),
            "category": data.get("category", ""),
            "channel": data.get("channel", ""),
            "q": (data.get("q") or "").strip(),
            "overdue_only": bool(data.get("overdue")),
        }
