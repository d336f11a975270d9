from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

#: The empty choice of a form's list, in place of Django's "---------" (a filter's empty
#: choice is "All": settings.FILTERS_EMPTY_CHOICE_LABEL).
EMPTY_CHOICE = _("Please choose")
#: The empty choice of a list that narrows what is shown (a filter): nothing chosen, all.
ALL_CHOICE = _("All")
_DASHES = BLANK_CHOICE_DASH[0][1]


def label_empty_choice(field: forms.Field) -> None:
    """The field's empty choice says "Please choose" instead of Django's dashes."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == _DASHES:
            field.choices = [("", EMPTY_CHOICE), *choices[1:]]


class BootstrapMixin:
    """Gives every widget Bootstrap's class for its kind, and every list a worded empty
    choice."""

    # Mixed into a form, which sets its fields before this runs.
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapForm(BootstrapMixin, forms.Form):
    pass


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True})
    )


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html,
    )


class UserUpdateForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PasswordResetForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


def put_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: each message on the field it names when the form
    shows that field, the rest (a hidden field's too) above the form. Never raises for a
    field the form lacks."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            target = field if shown else None
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


#: The code of the refusal of a change to a record saved meanwhile (``ConcurrentEditError``).
CONCURRENT_EDIT = "concurrent_edit"


def is_concurrent_edit(error: ValidationError) -> bool:
    """Whether the refusal says the record was saved by someone else after it was read.

    Known by the error's code rather than its class, so a service may raise it on its own or
    among other messages."""
    if hasattr(error, "error_dict"):
        parts = [e for errors in error.error_dict.values() for e in errors]
    else:
        parts = error.error_list
    return any(part.code == CONCURRENT_EDIT for part in parts)


def mark_invalid(form: forms.BaseForm) -> None:
    """Give the inputs with errors Bootstrap's invalid look (the message under each is shown
    by ``includes/field.html``)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class SecondFactorForm(BootstrapForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
