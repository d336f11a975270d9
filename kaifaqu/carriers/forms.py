from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import BootstrapForm, BootstrapMixin
from kaifaqu.orgs.forms import keeper_choice
from kaifaqu.orgs.selectors import zone_units

from .models import Building, BuildingUnit, CarrierStatus, LandParcel

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _CarrierForm(BootstrapMixin, forms.ModelForm):
    """A carrier's fields; on creation also the department, among those the user edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    #: Whether a new carrier of this kind is given a department (a unit has its building's).
    owned = True

    def __init__(self, *args, user=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if "org_unit" in self.fields:
            self.fields["org_unit"].queryset = zone_units()
        if not creating:
            self.fields.pop("code", None)
            return
        del self.fields["version"]
        if self.owned:
            keeper_choice(self, user, default_code="investment")


class LandParcelForm(_CarrierForm):
    class Meta:
        model = LandParcel
        fields = [
            "code",
            "name",
            "org_unit",
            "location",
            "area_mu",
            "land_use",
            "price_wan_per_mu",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class BuildingForm(_CarrierForm):
    class Meta:
        model = Building
        fields = ["code", "name", "org_unit", "location", "floors", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class BuildingUnitForm(_CarrierForm):
    owned = False

    class Meta:
        model = BuildingUnit
        fields = [
            "code",
            "floor",
            "floor_area_m2",
            "use",
            "rent_yuan_per_m2_month",
            "sale_price_yuan_per_m2",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class StatusMoveForm(BootstrapForm):
    """Reserve, take (let or sell) or release a carrier, dated."""

    ACTIONS = [
        ("reserve", _("Reserve")),
        ("let", _("Let out")),
        ("sold", _("Sell")),
        ("release", _("Release")),
    ]

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    at = forms.DateField(label=_("Date"), widget=_DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    #: The carrier's version the page showed: a move made by someone else since is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, land: bool = False, status: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [c for c in self.ACTIONS if not (land and c[0] == "let")]
        if status is not None:
            allowed = {
                CarrierStatus.IDLE: {"reserve", "let", "sold"},
                CarrierStatus.RESERVED: {"let", "sold", "release"},
                CarrierStatus.LET: {"release"},
                CarrierStatus.SOLD: set(),
            }[CarrierStatus(status)]
            choices = [c for c in choices if c[0] in allowed]
        self.fields["action"].choices = choices
        for name, field in self.fields.items():
            if name == "version":
                continue
            small = "form-select-sm" if name == "action" else "form-control-sm"
            field.widget.attrs["class"] += f" {small}"
            field.widget.attrs["aria-label"] = str(field.label)
        self.fields["note"].widget.attrs["placeholder"] = str(self.fields["note"].label)
        self.fields["action"].widget.attrs["style"] = "width: auto"


class PhotoForm(BootstrapForm):
    image = forms.FileField(
        label=_("Photo"), help_text=_("PNG, JPEG or WebP; at most 5 MB. Shown on the public site.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
