from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period, PeriodError, parse
from .widgets import PeriodInput

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


#: The help under a period box: the picker and the box's own value are the example.
PERIOD_HELP = _(
    "Choose the year and the part of it under the box, or type the period as the box writes it."
)


class PeriodField(forms.CharField):
    """A period, written as docs/architecture.md "Periods" says (2017, 2017H1, 2017Q3,
    2017-08, 2017-01/2017-08), with the picker beside its box; cleans to a ``Period``.

    A wrong period is refused with ``core.periods``' message, in the user's language. A
    required field takes ``initial`` (usually a callable: the latest period with data, as
    ``stats.selectors.period_to_start``); an optional one, a filter, starts empty and takes
    ``suggest``, where the picker's selects start.
    """

    widget = PeriodInput

    def __init__(
        self,
        *,
        suggest: Callable[[], Period | None] | None = None,
        today: Callable[[], date] = timezone.localdate,
        **kwargs: Any,
    ) -> None:
        # No max_length: its validator would run on the Period; parsing bounds the text.
        super().__init__(**kwargs)
        if isinstance(self.widget, PeriodInput):
            self.widget.suggest = suggest
            self.widget.today = today

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, Period) else value

    def to_python(self, value: Any) -> Period | None:  # type: ignore[override]
        if isinstance(value, Period):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse(text)
        except PeriodError as error:
            raise ValidationError(str(error), code="period") from None


class LoginForm(AuthenticationForm):
    """Each box left empty is said under it (the template shows them), both at once; only a
    full pair is tried, so an empty one counts no failure and names no account."""

    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={"required": _("Enter your username.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Enter your password.")


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
    # Each part keeps its code (``form.has_error(field, "required")``); its message is
    # rendered now, in the request's language.
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            target = field if shown else None
            for part in ValidationError(errors).error_list:
                form.add_error(target, _rendered(part))
    else:
        for part in error.error_list:
            form.add_error(None, _rendered(part))


def _rendered(part: ValidationError) -> ValidationError:
    """One message of a refusal, its text rendered (parameters filled in), its code kept."""
    return ValidationError(str(next(iter(part))), code=part.code)


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
