from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access, numbers
from kaifaqu.core.forms import (
    PERIOD_HELP,
    PeriodField,
    is_concurrent_edit,
    label_empty_choice,
    put_errors,
)
from kaifaqu.core.numbers import active_lang
from kaifaqu.core.periods import Period
from kaifaqu.core.widgets import PeriodInput
from kaifaqu.orgs.models import OrgUnit

from . import selectors, services
from .models import (
    DataElement,
    DataValue,
    GrowthBasis,
    RuleImportance,
    RuleViolation,
    ValidationRule,
    ValueStatus,
)
from .workbook import columns
from .workbook.files import too_large_message

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from kaifaqu.core.models import User


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # FileField has already refused a file without a size (an empty one).
        if cast(int, upload.size) > columns.MAX_FILE_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


# --- the data entry page ----------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def parse_number(text: object) -> Decimal | None:
    """What an editor typed, as a Decimal; None when nothing was.

    Typed with a Chinese input method, digits, the point and the minus may come full-width
    (１８５．５): NFKC folds them. Thousands separators are accepted where they group by three
    (1,234.5). Exponents, words and anything else are refused, so the page's live growth
    (entry.js, which follows the same rules) never reads a number the server would not.
    """
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    shown = str(text).strip()
    folded = unicodedata.normalize("NFKC", shown).replace("\u2212", "-").replace(" ", "")
    if not folded:
        return None
    if _GROUPED.fullmatch(folded):
        folded = folded.replace(",", "")
    if not _NUMBER.fullmatch(folded):
        raise ValidationError(
            gettext("%(value)s is not a number.") % {"value": shown}, code="not_a_number"
        )
    return Decimal(folded)


def plain(number: Decimal | None) -> str:
    """A stored Decimal as an editor would type it: 185.000000 -> "185", never 1E+2."""
    if number is None:
        return ""
    return format(number.normalize(), "f") if number else "0"


class NumberField(forms.Field):
    """A decimal typed by hand (see ``parse_number``); unchanged when it is the same number."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(DecimalValidator(max_digits, decimal_places))

    def to_python(self, value: Any) -> Decimal | None:
        return parse_number(value)

    def prepare_value(self, value: Any) -> Any:
        return plain(value) if isinstance(value, Decimal) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class EntryPickForm(forms.Form):
    """Which unit and period to enter values for."""

    org = forms.ChoiceField(label=_("Org unit"))
    period = PeriodField(
        label=_("Period"),
        widget=PeriodInput(attrs={"list": "entry-periods"}),
        help_text=PERIOD_HELP,
    )

    def __init__(self, *args: Any, tree: list[tuple[OrgUnit, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit, _depth in tree}
        # Indented with ideographic spaces: a <select> keeps leading spaces only as these.
        # ``org`` is the ChoiceField declared above (the cast only tells mypy so).
        cast(forms.ChoiceField, self.fields["org"]).choices = [
            (u.code, "\u3000" * d + u.name) for u, d in tree
        ]
        for name in self.fields:
            css = "form-select" if name == "org" else "form-control"
            self.fields[name].widget.attrs.setdefault("class", css)

    def clean_org(self) -> OrgUnit:
        return self.units[self.cleaned_data["org"]]


#: What the editor changes on a row; ``version`` only says which value they started from.
ROW_FIELDS = ("value", "status", "reported_growth_pct", "source")


class EntryRowForm(forms.Form):
    """One element's value for the sheet's unit and period.

    Each editable field carries its value as loaded (``show_hidden_initial``), so a row counts
    as changed against what the editor saw, not against what is stored now: a row someone
    else changed meanwhile and this editor left alone is not touched.
    """

    value = NumberField(
        label=_("Value"), required=False, show_hidden_initial=True, max_digits=24, decimal_places=6
    )
    status = forms.ChoiceField(
        label=_("Data status"),
        required=False,
        show_hidden_initial=True,
        choices=[("", "—"), *ValueStatus.choices],
    )
    reported_growth_pct = NumberField(
        label=_("reported growth %"),
        required=False,
        show_hidden_initial=True,
        max_digits=12,
        decimal_places=4,
    )
    source = forms.CharField(
        label=_("source"), required=False, show_hidden_initial=True, max_length=255
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, element: DataElement, current: DataValue | None, **kwargs: Any
    ) -> None:
        self.element = element
        if current is not None:
            kwargs["initial"] = {
                "value": current.value,
                "status": current.status,
                "reported_growth_pct": current.reported_growth_pct,
                "source": current.source,
                "version": current.version,
            }
        else:
            kwargs["initial"] = {"version": 0}
        super().__init__(*args, **kwargs)
        if element.growth_basis != GrowthBasis.REPORTED:
            del self.fields["reported_growth_pct"]
        name = element.name_en if active_lang() == "en" else element.name_zh
        number = {
            "class": "form-control form-control-sm text-end",
            "autocomplete": "off",
            "inputmode": "decimal",
        }
        self.fields["value"].widget.attrs.update(number, **{"aria-label": name})
        self.fields["value"].widget.attrs["data-entry-value"] = ""
        self.fields["status"].widget.attrs.update({"class": "form-select form-select-sm"})
        if "reported_growth_pct" in self.fields:
            self.fields["reported_growth_pct"].widget.attrs.update(number)
            self.fields["reported_growth_pct"].widget.attrs["data-entry-reported"] = ""
        self.fields["source"].widget.attrs.update(
            {"class": "form-control form-control-sm", "autocomplete": "off"}
        )

    @property
    def changed_fields(self) -> list[str]:
        return [name for name in self.changed_data if name in ROW_FIELDS]

    @property
    def loaded_version(self) -> int:
        """The version the editor started from; 0 when there was no value then."""
        try:
            return max(int(self.data.get(self.add_prefix("version")) or 0), 0)
        except (TypeError, ValueError):
            return 0

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "value" in self.errors:
            # Something was typed, just not a number: its status is still asked for, so the
            # row says both at once.
            if not data.get("status") and "status" not in self.errors:
                self.add_error("status", gettext("Choose the status of this value."))
            return data
        value = data.get("value")
        extras = bool(data.get("status") or data.get("source")) or (
            data.get("reported_growth_pct") is not None
        )
        if value is None and self.loaded_version:
            # There is no removal here: an empty box would otherwise delete a published
            # figure with no one meaning to.
            self.add_error(
                "value",
                gettext("A saved value cannot be removed here: enter the corrected value instead."),
            )
        elif value is None and extras:
            self.add_error("value", gettext("Enter a value: a status, growth or note needs one."))
        elif value is not None and not data.get("status"):
            self.add_error("status", gettext("Choose the status of this value."))
        return data


@dataclass
class EntryRow:
    element: DataElement
    depth: int
    form: EntryRowForm
    current: DataValue | None
    prior: selectors.PriorValue | None
    #: "" (left alone), "saved", or "refused" (an error or a concurrent edit; nothing written)
    state: str = ""
    #: On a concurrent edit, the value as the other editor left it.
    now: DataValue | None = None
    #: What the validation rules find in this row's stored value.
    violations: list[RuleViolation] = field(default_factory=list)

    @property
    def name(self) -> str:
        english = active_lang() == "en"
        return self.element.name_en if english else self.element.name_zh

    @property
    def kind(self) -> str:
        """How the page words its change: a rate in 百分点, a count also in units, else %."""
        if self.element.is_rate:
            return "rate"
        if numbers.UNITS.get(self.element.unit, (None,))[0] == 0:
            return "count"
        return "amount"

    @property
    def prior_text(self) -> str:
        return plain(self.prior.value) if self.prior is not None else ""

    @property
    def comparable_text(self) -> str:
        """The comparable base (同口径) stored with the value: growth is against it."""
        return plain(self.current.comparable_prior) if self.current is not None else ""

    @property
    def now_text(self) -> str:
        return plain(self.now.value) if self.now is not None else ""


class EntrySheet:
    """The rows of one unit and period: every element the user edits, parts under wholes.

    Reading takes a fixed number of queries (elements, the period's values, last year's);
    saving calls ``services.value_save`` once per changed row, each in its own transaction.
    """

    def __init__(
        self,
        *,
        user: User,
        org_unit: OrgUnit,
        period: Period,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.user, self.org_unit, self.period = user, org_unit, period
        ordered = selectors.wholes_then_parts(selectors.entry_elements(user))
        elements = [e for e, _depth in ordered]
        current = {
            v.element_id: v
            for v in selectors.window_values([e.pk for e in elements], org_unit, period)
        }
        prior = selectors.prior_year_values(elements, org_unit, period)
        self.rows = [
            EntryRow(
                element=e,
                depth=depth,
                form=EntryRowForm(
                    data, prefix=f"el-{e.code}", element=e, current=current.get(e.pk)
                ),
                current=current.get(e.pk),
                prior=prior.get(e.pk),
            )
            for e, depth in ordered
        ]
        by_element = {row.element.pk: row for row in self.rows}
        for violation in selectors.violations_at(org_unit, *period.key_range):
            row = by_element.get(violation.rule.left_id)
            if row is not None:
                row.violations.append(violation)

    def save(self, *, actor: User) -> tuple[list[EntryRow], list[EntryRow]]:
        """Save each changed row on its own; return the rows saved and the rows refused.

        A row is refused, with its reason on the row, when its input is bad, when someone
        saved the same value after this page was loaded (the version differs), or when the
        service refuses it (an error-level data check it would break); nothing is written
        for it, and the other rows still save.
        """
        saved: list[EntryRow] = []
        refused: list[EntryRow] = []
        # The rules are checked against the values as the whole sheet leaves them: a part
        # and its whole changed together are compared with each other's new value.
        alongside = {
            row.element.pk: row.form.cleaned_data["value"]
            for row in self.rows
            if row.form.changed_fields
            and row.form.is_valid()
            and row.form.cleaned_data["value"] is not None
        }
        for row in self.rows:
            form = row.form
            if not form.changed_fields:
                continue
            if not form.is_valid():
                row.state = "refused"
                refused.append(row)
                continue
            data = form.cleaned_data
            current = row.current
            try:
                services.value_save(
                    actor=actor,
                    element=row.element,
                    org_unit=self.org_unit,
                    period=str(self.period),
                    value=data["value"],
                    status=data["status"],
                    # Fields this page does not show keep what is stored.
                    reported_growth_pct=data["reported_growth_pct"]
                    if "reported_growth_pct" in form.fields
                    else (current.reported_growth_pct if current else None),
                    comparable_prior=current.comparable_prior if current else None,
                    source=data["source"],
                    version=form.loaded_version,
                    alongside=alongside,
                )
            except ValidationError as error:
                put_errors(form, error)
                if is_concurrent_edit(error):
                    row.now = selectors.window_values(
                        [row.element.pk], self.org_unit, self.period
                    ).first()
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                row.state = "saved"
                saved.append(row)
                continue
            row.state = "refused"
            refused.append(row)
        for row in refused:
            for name in row.form.errors:
                if name in row.form.fields:
                    attrs = row.form.fields[name].widget.attrs
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                    attrs["aria-invalid"] = "true"
        return saved, refused

    def keep(self, rows: list[EntryRow], *, state_of: dict[int, str]) -> None:
        """Put ``rows`` (bound, with their errors) in place of this sheet's own, and mark the
        rows named in ``state_of`` (element id → state)."""
        by_element = {row.element.pk: row for row in rows}
        self.rows = [by_element.get(row.element.pk, row) for row in self.rows]
        for row in self.rows:
            row.state = state_of.get(row.element.pk, row.state)


def period_suggestions(year: int) -> list[str]:
    """The periods of a year an editor most often enters, for the period box's list."""
    return [
        str(year),
        f"{year}H1",
        f"{year}H2",
        *(f"{year}Q{q}" for q in range(1, 5)),
        *(f"{year}-01/{year}-{m:02d}" for m in range(2, 12)),
        *(f"{year}-{m:02d}" for m in range(1, 13)),
    ]


# --- validation rules -------------------------------------------------------------------


class RuleForm(forms.ModelForm[ValidationRule]):
    """A rule's sides and importance. The left element is chosen among those the user keeps
    and is fixed once the rule exists (it is what the rule is about)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ValidationRule
        fields = [
            "code",
            "name",
            "left",
            "operator",
            "right_kind",
            "right_element",
            "right_number",
            "tolerance",
            "importance",
            "active",
        ]

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = DataElement.objects.select_related("department").order_by("order", "code")
        ids = access.editable_department_ids(user)
        # Both are the rule's foreign keys to an element: model choices.
        left = cast("forms.ModelChoiceField[DataElement]", self.fields["left"])
        left.queryset = elements if ids is None else elements.filter(department_id__in=ids)
        right = cast("forms.ModelChoiceField[DataElement]", self.fields["right_element"])
        right.queryset = elements
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Blank: written from the sides.")
        if self.instance.pk:
            del self.fields["code"]
            del self.fields["left"]
            self.fields["version"].initial = self.instance.version
            # A change states the version it read (a stale one is refused).
            self.fields["version"].required = True
        for form_field in self.fields.values():
            label_empty_choice(form_field)
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def _post_clean(self) -> None:
        # The services validate the rule (and check the user's rights) when it is saved.
        pass


class ViolationFilterForm(forms.Form):
    """The data checks' filters: a department the user reads (by code), an importance."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    importance = forms.ChoiceField(label=_("Importance"), required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {d.code: d for d in departments}
        department = cast(forms.ChoiceField, self.fields["department"])
        department.choices = [("", ""), *((d.code, d.name) for d in self.departments.values())]
        department.widget.attrs["class"] = "form-select form-select-sm"
        importance = cast(forms.ChoiceField, self.fields["importance"])
        importance.choices = [("", ""), *RuleImportance.choices]
        importance.widget.attrs["class"] = "form-select form-select-sm"

    @property
    def chosen_department(self) -> Any:
        data = self.cleaned_data if self.is_valid() else {}
        return self.departments.get(data.get("department") or "")

    def selection(self) -> dict[str, Any]:
        """What ``selectors.violation_list`` takes; an invalid filter selects as if empty."""
        data = self.cleaned_data if self.is_valid() else {}
        department = self.chosen_department
        return {
            "department_id": department.pk if department is not None else None,
            "importance": data.get("importance") or "",
        }
