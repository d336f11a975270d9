"""The period picker: a text box for a written period (docs/architecture.md "Periods") with a
year and a kind to choose from beside it.

The text box is the field: it is what the form sends, and it stays typeable, so any period
(a window from March, say) can still be written by hand. The two selects send nothing; a
little script (``static/kaifaqu/period.js``) writes the canonical form of what they choose
into the box, and sets them from what is typed. Without the script the box alone works.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from .periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, label, parse

#: How many years before the one shown the year select offers (and one after it).
YEARS_BACK = 10


def _kind_of(period: Period | None) -> str:
    """The kind select's value for a period: "Y", "H1", "Q3", "M8", "W9" (1—9月), or ""
    for a period the select cannot name (a window not from January)."""
    if period is None:
        return ""
    text = str(period)[4:]
    if not text:
        return "Y"
    if text[0] in "HQ":
        return text
    if "/" not in text:
        return f"M{period.last_month}"
    if period.first_month == 1:
        return f"W{period.last_month}"
    return ""


def kind_choices(year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The kind select's options in groups, labelled as the active language names them."""
    whole = Period.of_year(year)
    return [
        (
            _("Year and half year"),
            [
                ("Y", label(whole, style="full_year", short=True)),
                ("H1", label(Period.of_half(year, 1), short=True)),
                ("H2", label(Period.of_half(year, 2), short=True)),
            ],
        ),
        (
            _("Quarter"),
            [(f"Q{q}", label(Period.of_quarter(year, q), short=True)) for q in range(1, 5)],
        ),
        (
            _("Month"),
            [(f"M{m}", label(Period.of_month(year, m), short=True)) for m in range(1, 13)],
        ),
        (
            _("Cumulative from January"),
            [
                (
                    f"W{m}",
                    _("%(months)s (cumulative)")
                    % {"months": label(Period.of_window(year, 1, m), style="months", short=True)},
                )
                for m in range(2, 12)
            ],
        ),
    ]


class PeriodInput(forms.TextInput):
    """A text box for a period with the picker's year and kind selects beside it.

    ``suggest`` (a callable, evaluated when the widget is drawn) names the period the selects
    start at when the box is empty: an optional filter's box stays empty (all periods) but
    choosing a kind fills in that period's year. ``today`` gives the year when there is
    neither a value nor a suggestion; it is a parameter so that no test depends on the clock.
    """

    template_name = "core/widgets/period.html"

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        suggest: Callable[[], Period | None] | None = None,
        today: Callable[[], date] = timezone.localdate,
    ) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.suggest = suggest
        self.today = today

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown: Period | None
        if isinstance(value, Period):
            shown = value
        else:
            try:
                shown = parse(str(value)) if value not in (None, "") else None
            except PeriodError:
                shown = None
        suggested = self.suggest() if self.suggest is not None and shown is None else None
        anchor = shown or suggested
        year = anchor.year if anchor is not None else self.today().year
        years = range(min(year + 1, MAX_YEAR), max(year - YEARS_BACK, MIN_YEAR) - 1, -1)
        context["picker"] = {
            "years": list(years),
            "year": year,
            "kind": _kind_of(shown),
            "kinds": kind_choices(year),
            "suggest": str(suggested) if suggested is not None else "",
            "year_label": _("Year"),
            "kind_label": _("Period of the year"),
        }
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Period):
            return str(value)
        shown: str | None = super().format_value(value)
        return shown
