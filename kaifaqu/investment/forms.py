"""Forms of the investment pages. They collect and type what people enter; the rules (stage
evidence, duplicates, carriers held, rights) are the services', whose refusals the views put
back on these forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.core.forms import BootstrapForm, BootstrapMixin
from kaifaqu.core.models import User
from kaifaqu.core.periods import PeriodError, parse
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.selectors import industry_list
from kaifaqu.enterprises.validators import normalise_credit_code, validate_credit_code
from kaifaqu.orgs.forms import keeper_choice
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.orgs.selectors import departments, zone_units

from .models import (
    AwardStatus,
    Capital,
    FollowUpKind,
    IssueKind,
    Project,
    TalentLevel,
    TalentProgramme,
)
from .stages import Stage

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _carrier_fields(form: forms.Form) -> None:
    form.fields["land_parcel"].queryset = LandParcel.objects.order_by("code")
    form.fields["building_unit"].queryset = BuildingUnit.objects.select_related(
        "building"
    ).order_by("building__code", "code")


# --- projects ---------------------------------------------------------------------------


class ProjectFieldsMixin:
    """What a project states; shared by the new-project and the edit forms."""

    def _limit(self, user) -> None:
        self.fields["org_unit"].queryset = zone_units()
        self.fields["industry"].queryset = industry_list()
        self.fields["officer"].queryset = User.objects.filter(is_active=True).order_by("username")
        keeper_choice(self, user)
        _carrier_fields(self)


class ProjectCreateForm(ProjectFieldsMixin, BootstrapMixin, forms.ModelForm):
    """A new project (a lead) and its investor, found by credit code or name or entered new."""

    field_order = [
        "investor_code",
        "investor_name",
        "contact_person",
        "phone",
        "email",
        "name",
    ]

    investor_code = forms.CharField(
        label=_("Investor's unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters; leave empty if the investor has none yet."),
    )
    investor_name = forms.CharField(label=_("Investor"), max_length=200)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    confirm_different = forms.BooleanField(
        label=_("I have checked the matches: this is a different project."), required=False
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "partner",
            "industry",
            "source",
            "department",
            "officer",
            "org_unit",
            "contract_investment",
            "total_investment",
            "capital",
            "light_asset",
            "land_parcel",
            "building_unit",
            "key_level",
            "first_contact_on",
            "note",
        ]
        widgets = {"first_contact_on": _DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, contacts: bool = False, show_confirm: bool = False, **kw):
        super().__init__(*args, **kw)
        self._limit(user)
        keeper_choice(self, user, default_code="investment")
        if user is not None and user.is_authenticated:
            self.initial.setdefault("officer", user.pk)
        if not contacts:
            for name in ("contact_person", "phone", "email"):
                del self.fields[name]
        if not show_confirm:
            self.fields["confirm_different"].widget = forms.HiddenInput()
        # The service states the stage rules; the model's full_clean runs there too.
        self.fields["first_contact_on"].required = False

    def clean_investor_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data.get("investor_code"))
        if code:
            validate_credit_code(code)
        return code

    def _post_clean(self) -> None:
        # The instance is not saved by the form (the service creates it); skip the model's
        # validation here so the service's messages are the ones shown, once.
        pass


class ProjectUpdateForm(ProjectFieldsMixin, BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = [
            "name",
            "investor",
            "partner",
            "industry",
            "source",
            "department",
            "officer",
            "org_unit",
            "contract_investment",
            "total_investment",
            "capital",
            "light_asset",
            "land_parcel",
            "building_unit",
            "key_level",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kw):
        super().__init__(*args, **kw)
        self._limit(user)
        self.fields["investor"].queryset = Enterprise.objects.order_by("name", "pk")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            # The department the project is in now stays offered even to an editor of
            # another department who may not move it there (the service decides).
            current = Department.objects.filter(pk=self.instance.department_id)
            self.fields["department"].queryset = (
                self.fields["department"].queryset | current
            ).distinct()

    def _post_clean(self) -> None:
        pass

    def changes(self) -> dict:
        """The fields whose value differs from the record's."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and getattr(self.instance, name) != value
        }


# --- stage moves ------------------------------------------------------------------------

#: The label of the evidence box and the date for each target stage.
EVIDENCE_LABELS = {
    Stage.SIGNED: _("Agreement (title or number)"),
    Stage.STARTED: _("Start confirmation (number)"),
}
DATE_LABELS = {
    Stage.SIGNED: _("Signed on"),
    Stage.STARTED: _("Started on"),
    Stage.OPERATING: _("Operation began on"),
    Stage.DROPPED: _("Dropped on"),
}


class MoveForm(BootstrapForm):
    """One move of a project. Nothing here is required beyond a date: what evidence the
    target stage needs is checked by the service, whose message then names what is missing."""

    to = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=_DATE)
    evidence_text = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)
    reason = forms.CharField(
        label=_("Reason for dropping"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, target: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        target = self.data.get(self.add_prefix("to")) if self.is_bound else target
        self.target = target if target in Stage.values else None
        if self.target:
            self.fields["to"].widget = forms.HiddenInput()
            stage = Stage(self.target)
            self.fields["on"].label = DATE_LABELS.get(stage, _("Date"))
            self.fields["evidence_text"].label = EVIDENCE_LABELS.get(stage, _("Note"))
            if stage == Stage.DROPPED:
                del self.fields["evidence_text"]
                del self.fields["evidence_file"]
            else:
                del self.fields["reason"]
                if stage not in EVIDENCE_LABELS:
                    del self.fields["evidence_file"]


class MovePickForm(forms.Form):
    """The "move to…" choice on a card or the project page (GET, opens the evidence form)."""

    to = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    version = forms.IntegerField(required=False)


# --- merging ----------------------------------------------------------------------------


class MergeForm(BootstrapForm):
    other = forms.ModelChoiceField(label=_("The other record"), queryset=Project.objects.none())
    confirm = forms.BooleanField(
        label=_(
            "Fold the other record into this one: its history, follow-ups, files and funds "
            "come here, and it is kept read-only."
        ),
        required=False,
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["other"].queryset = candidates


# --- what is kept with a project --------------------------------------------------------


class FollowUpForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    on = forms.DateField(label=_("Date"), widget=_DATE)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    next_action = forms.CharField(label=_("Next action"), max_length=255, required=False)
    next_action_on = forms.DateField(label=_("Next action by"), widget=_DATE, required=False)


class FileForm(BootstrapForm):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel, PNG or JPEG, 20 MB at most.")
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class TrancheForm(BootstrapForm):
    on = forms.DateField(label=_("Date"), widget=_DATE)
    amount = forms.DecimalField(label=_("Amount (10,000 yuan)"), **_MONEY)
    capital = forms.ChoiceField(label=_("Capital"), choices=Capital.choices)
    voucher_note = forms.CharField(label=_("Voucher"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- key projects -----------------------------------------------------------------------


class PlanForm(BootstrapForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    annual_plan = forms.DecimalField(label=_("Annual investment plan (10,000 yuan)"), **_MONEY)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _department_field(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("To be solved by"), queryset=departments(), required=required
    )


class ReportForm(BootstrapForm):
    """A month's progress report, with one new problem needing help if there is one."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("The month reported: a four-digit year, a hyphen, a two-digit month."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    completed_investment = forms.DecimalField(
        label=_("Investment completed this month (10,000 yuan)"), **_MONEY
    )
    image_progress = forms.CharField(
        label=_("Image progress"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    issue_kind = forms.ChoiceField(
        label=_("Problem needing help"),
        choices=[("", "—"), *IssueKind.choices],
        required=False,
    )
    issue_description = forms.CharField(label=_("Problem"), required=False)
    issue_department = _department_field(required=False)
    issue_due_on = forms.DateField(label=_("To be solved by (date)"), widget=_DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("issue_kind"):
            # Each missing part under its own box, all at once (a part refused for its own
            # reason, a date that is not one, says so already).
            for part in ("issue_description", "issue_department", "issue_due_on"):
                if not data.get(part) and part not in self.errors:
                    self.add_error(
                        part,
                        ValidationError(
                            _("A problem needs its description, who must solve it and by when."),
                            code="required",
                        ),
                    )
        return data

    def issues(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("issue_kind"):
            return []
        return [
            {
                "kind": data["issue_kind"],
                "description": data["issue_description"],
                "responsible_department": data["issue_department"],
                "due_on": data["issue_due_on"],
            }
        ]


class IssueForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=IssueKind.choices)
    description = forms.CharField(label=_("Problem"))
    responsible_department = _department_field()
    due_on = forms.DateField(label=_("To be solved by (date)"), widget=_DATE)


class ResolveForm(BootstrapForm):
    resolved_on = forms.DateField(label=_("Solved on"), widget=_DATE)


class KeyProgressForm(BootstrapForm):
    """The key projects' filters: a year with plans (the latest by default) and the month
    the investment completed is counted through."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    through = forms.TypedChoiceField(
        label=_("Through month"),
        coerce=int,
        required=False,
        choices=[(m, m) for m in range(12, 0, -1)],
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["year"].choices = [(y, y) for y in years]  # type: ignore[attr-defined]

    def selection(self, today_year: int) -> tuple[int, int]:
        """(year, through month): the chosen ones, else the latest year with plans and 12."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year = data.get("year") or (self.years[0] if self.years else today_year)
        return year, data.get("through") or 12


# --- talent -----------------------------------------------------------------------------


class ProgrammeForm(BootstrapForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=TalentLevel.choices)
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AwardForm(BootstrapForm):
    """A person selected or shortlisted; the department is one the user edits."""

    person_name = forms.CharField(label=_("Person"), max_length=50)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=TalentProgramme.objects.order_by("order", "code")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    announced_on = forms.DateField(label=_("Announced on"), widget=_DATE)
    status = forms.ChoiceField(label=_("Selection status"), choices=AwardStatus.choices)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.order_by("name", "pk"), required=False
    )
    org_unit = forms.ModelChoiceField(
        label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = zone_units()
        keeper_choice(self, user, default_code="investment")


class AwardUpdateForm(BootstrapForm):
    person_name = forms.CharField(label=_("Person"), max_length=50)
    announced_on = forms.DateField(label=_("Announced on"), widget=_DATE)
    status = forms.ChoiceField(label=_("Selection status"), choices=AwardStatus.choices)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.order_by("name", "pk"), required=False
    )
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = zone_units()


class SubsidyForm(BootstrapForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=_DATE)
    amount = forms.DecimalField(label=_("Amount (10,000 yuan)"), **_MONEY)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class TalentPeriodForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, required=False)

    def clean_period(self) -> str:
        text = (self.cleaned_data.get("period") or "").strip()
        if text:
            try:
                text = str(parse(text))
            except PeriodError as error:
                raise ValidationError(str(error)) from None
        return text


class AwardFilterForm(BootstrapForm):
    """The talent awards' filters: a programme (by code) and a year with awards."""

    programme = forms.ChoiceField(label=_("Programme"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            ("", ""),
            *((p.code, p.name) for p in self.programmes.values()),
        ]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", ""),
            *((str(y), str(y)) for y in years),
        ]

    def selection(self) -> dict:
        """What ``selectors.talent_awards`` takes; an invalid filter selects as if empty."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or ""
        return {
            "programme": self.programmes.get(data.get("programme") or ""),
            "year": int(year) if year.isdigit() else None,
        }
