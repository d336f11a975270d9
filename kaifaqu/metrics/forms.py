"""The form of the zone's key figures: one choice per place, in order."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import BootstrapMixin

from .services import MAX_KEY_METRICS


def slot(place: int) -> str:
    return f"metric_{place}"


class KeyMetricsForm(BootstrapMixin, forms.Form):
    """Up to MAX_KEY_METRICS places; the first must be filled, empty ones are skipped."""

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        empty: list[tuple[str, str]] = [("", str(_("(none)")))]
        for place in range(1, MAX_KEY_METRICS + 1):
            field: forms.Field = forms.ChoiceField(
                label=_("Place %(n)d") % {"n": place},
                choices=empty + choices,
                required=place == 1,
            )
            self.fields[slot(place)] = field
        # BootstrapMixin ran before the fields existed: give these theirs.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select")


def chosen_codes(data: dict[str, Any]) -> list[str]:
    """The codes chosen, in the order of their places, empty places skipped."""
    places = range(1, MAX_KEY_METRICS + 1)
    return [data[slot(place)] for place in places if data.get(slot(place))]
