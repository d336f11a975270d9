"""The period field and its picker (core.forms.PeriodField, core.widgets.PeriodInput): it
reads the written forms of docs/architecture.md "Periods" and nothing else, with
core.periods' message in the user's language; the picker's year and kind selects show the
period in the box, or the one suggested, and the box stays a plain, typeable text input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.utils import translation
from hypothesis import given, settings

from kaifaqu.core.forms import PeriodField
from kaifaqu.core.periods import Period, parse, year_to_date
from kaifaqu.core.testing import search

from .test_periods import periods


class _Form(forms.Form):
    period = PeriodField(label="Period", initial=lambda: parse("2017-01/2017-09"))
    since = PeriodField(
        label="Since",
        required=False,
        suggest=lambda: parse("2016H1"),
        today=lambda: date(2040, 5, 6),
    )


def _selected(html: str, attribute: str) -> list[str]:
    select = search(rf"<select [^>]*{attribute}[^>]*>(.*?)</select>", html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


@settings(deadline=None)
@given(periods)
def test_every_period_reads_back_from_its_canonical_written_form(period):
    written = str(period.canonical())
    form = _Form({"period": written})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == parse(written)
    assert str(form.cleaned_data["period"]) == written
    assert f'value="{written}"' in str(
        _Form(initial={"period": form.cleaned_data["period"]})["period"]
    )


def test_the_picker_renders_the_box_and_the_two_selects():
    with translation.override("zh-hans"):
        html = str(_Form()["period"])
    assert '<input type="text" name="period" value="2017-01/2017-09"' in html
    assert _selected(html, "data-period-year") == ["2017"]
    assert _selected(html, "data-period-kind") == ["W9"]
    years = re.findall(r'<option value="(\d{4})"', html)
    assert (years[0], years[-1], len(years)) == ("2018", "2007", 12)
    kinds = re.findall(r'<option value="([A-Z]\d*)"[^>]*>([^<]*)</option>', html)
    assert kinds == [
        ("Y", "全年"),
        ("H1", "上半年"),
        ("H2", "下半年"),
        *((f"Q{q}", f"{'一二三四'[q - 1]}季度") for q in range(1, 5)),
        *((f"M{m}", f"{m}月") for m in range(1, 13)),
        *((f"W{m}", f"1—{m}月累计") for m in range(2, 12)),
    ]
    assert re.findall(r'<optgroup label="([^"]*)"', html) == [
        "全年和半年",
        "季度",
        "月份",
        "1—N月累计",
    ]
    assert '<script src="/static/kaifaqu/period.js" defer></script>' in html


@pytest.mark.parametrize(
    ("value", "year", "kind"),
    [
        ("2017", "2017", "Y"),
        ("2017H2", "2017", "H2"),
        ("2017Q3", "2017", "Q3"),
        ("2017-08", "2017", "M8"),
        ("2017-01/2017-08", "2017", "W8"),
        ("2017-03/2017-05", "2017", ""),  # only typed: no kind names it
        ("nonsense", "2016", ""),  # the suggestion's year
    ],
)
def test_the_selects_show_the_period_in_the_box(value, year, kind):
    html = str(_Form({"period": "2017", "since": value})["since"])
    assert f'value="{value}"' in html
    assert _selected(html, "data-period-year") == [year]
    assert _selected(html, "data-period-kind") == [kind]


def test_an_optional_box_stays_empty_and_its_picker_starts_at_the_suggestion():
    html = str(_Form()["since"])
    assert '<input type="text" name="since" autocomplete="off"' in html  # no value
    assert 'data-period-picker data-suggest="2016H1"' in html
    assert _selected(html, "data-period-year") == ["2016"]
    form = _Form({"period": "2017", "since": ""})
    assert form.is_valid()
    assert form.cleaned_data["since"] is None


def test_without_value_or_suggestion_the_year_is_today_s_as_given():
    class Bare(forms.Form):
        period = PeriodField(required=False, today=lambda: date(2040, 5, 6))

    assert _selected(str(Bare()["period"]), "data-period-year") == ["2040"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", '"2017-8" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.'),
        (
            "zh-hans",
            "“2017-8”不是有效的期别：请写作2017、2017H1、2017Q3、2017-08或2017-01/2017-08。",
        ),
    ],
)
def test_a_wrong_period_is_refused_with_a_message_in_the_user_s_language(language, message):
    with translation.override(language):
        form = _Form({"period": "2017-8"})
        assert not form.is_valid()
        assert form.errors["period"] == [message]


def test_an_empty_required_period_is_required():
    with translation.override("en"):
        assert _Form({"period": " "}).errors["period"] == ["This field is required."]


def test_a_period_value_is_kept_as_it_is():
    form = _Form({"period": Period.of_quarter(2017, 3)})
    assert form.is_valid()
    assert str(form.cleaned_data["period"]) == "2017Q3"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 31), "2026-01"),
        (date(2026, 3, 1), "2026Q1"),
        (date(2026, 6, 30), "2026H1"),
        (date(2026, 8, 15), "2026-01/2026-08"),
        (date(2026, 12, 4), "2026"),
    ],
)
def test_the_year_to_date_by_a_given_day(today, expected):
    assert str(year_to_date(today)) == expected
