"""The tables of the investment lists (the list pattern, ``core.tables``)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaifaqu.core import numbers
from kaifaqu.core.numbers import active_lang
from kaifaqu.core.tables import NOWRAP, NUMBER, WIDE, DateColumn, DecimalColumn, Table

from .models import KeyLevel


class ProjectTable(Table):
    name = tables.Column(verbose_name=_("Project"), attrs=WIDE)
    investor = tables.Column(verbose_name=_("Investor"), accessor="investor__name", attrs=WIDE)
    key_level = tables.Column(verbose_name=_("Key-project level"), attrs=NOWRAP)
    light_asset = tables.Column(verbose_name=_("Light-asset"), attrs=NOWRAP)
    stage = tables.Column(verbose_name=_("Stage"), attrs=NOWRAP)
    industry = tables.Column(verbose_name=_("Industry"), accessor="industry", attrs=NOWRAP)
    org_unit = tables.Column(
        verbose_name=_("Where it lands"), accessor="org_unit__name", attrs=NOWRAP
    )
    contract_investment = DecimalColumn(verbose_name=_("Contracted (10,000 yuan)"))
    total_investment = DecimalColumn(verbose_name=_("Total (10,000 yuan)"))
    signed_on = DateColumn(verbose_name=_("Signed"))
    started_on = DateColumn(verbose_name=_("Started"))
    department = tables.Column(
        verbose_name=_("Department"), accessor="department__name", attrs=NOWRAP
    )

    optional = (
        "key_level",
        "light_asset",
        "industry",
        "org_unit",
        "signed_on",
        "started_on",
        "department",
    )

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "project-list"}
        row_attrs = {"data-project": lambda record: record.pk}
        empty_text = _("No projects match.")

    def render_name(self, value, record):
        url = reverse("investment:project_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_key_level(self, record):
        if record.key_level == KeyLevel.NONE:
            return "—"
        label = record.get_key_level_display()
        return format_html('<span class="badge text-bg-warning">{}</span>', label)

    def value_key_level(self, record):
        return "" if record.key_level == KeyLevel.NONE else str(record.get_key_level_display())

    def render_light_asset(self, value):
        if not value:
            return "—"
        return format_html('<span class="badge text-bg-info">{}</span>', _("light-asset"))

    def value_light_asset(self, value):
        return str(_("light-asset")) if value else ""

    def order_industry(self, queryset, is_descending):
        return queryset.order_by(("-" if is_descending else "") + "industry__code", "pk"), True


class AwardTable(Table):
    person_name = tables.Column(verbose_name=_("Person"), attrs=NOWRAP)
    programme = tables.Column(
        verbose_name=_("Programme"),
        accessor="programme__name",
        order_by=("programme__order", "programme__code"),
        attrs=WIDE,
    )
    year = tables.Column(verbose_name=_("Year"), attrs=NOWRAP, localize=False)
    status = tables.Column(verbose_name=_("Selection status"), attrs=NOWRAP)
    enterprise = tables.Column(
        verbose_name=_("Enterprise"), accessor="enterprise__name", attrs=WIDE
    )
    org_unit = tables.Column(verbose_name=_("Org unit"), accessor="org_unit__name", attrs=NOWRAP)
    subsidy_total = DecimalColumn(verbose_name=_("Subsidies (10,000 yuan)"))

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "awards"}
        row_attrs = {"data-award": lambda record: record.pk}
        empty_text = _("No awards match.")

    def render_person_name(self, value, record):
        url = reverse("investment:award_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_person_name(self, value):
        return value


def _yi(value: Decimal | None) -> str:
    """A total in 万元 shown in 亿元, as the page's totals read."""
    if value is None:
        return "—"
    return numbers.format_amount(numbers.scale(value, "万元", "亿元"), "亿元", lang=active_lang())


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _total(testid: str) -> dict[str, dict[str, str]]:
    return {**NUMBER, "tf": {**NUMBER["tf"], "data-testid": testid}}


class KeyProjectTable(Table):
    """Each key project with a plan for the year (``selectors.KeyProjectRow``), its totals in
    the footer: the plan, the investment completed, the progress of the whole."""

    project = tables.Column(
        verbose_name=_("Project"),
        accessor="project__name",
        attrs=WIDE,
        footer=lambda table: (
            ngettext("%(n)s key project", "%(n)s key projects", len(table.data))
            % {"n": len(table.data)}
        ),
    )
    key_level = tables.Column(verbose_name=_("Level"), accessor="project__key_level", attrs=NOWRAP)
    stage = tables.Column(verbose_name=_("Stage"), accessor="project__stage", attrs=NOWRAP)
    org_unit = tables.Column(
        verbose_name=_("Where it lands"), accessor="project__org_unit__name", attrs=NOWRAP
    )
    total_investment = DecimalColumn(
        verbose_name=_("Total (10,000 yuan)"), accessor="project__total_investment"
    )
    annual_plan = DecimalColumn(
        verbose_name=_("Annual plan (10,000 yuan)"),
        attrs=_total("plan-total"),
        footer=lambda table: _yi(sum((r.annual_plan for r in table.data), Decimal(0))),
    )
    completed = DecimalColumn(
        verbose_name=_("Completed (10,000 yuan)"),
        attrs=_total("completed-total"),
        footer=lambda table: _yi(sum((r.completed for r in table.data), Decimal(0))),
    )
    progress_pct = tables.Column(
        verbose_name=_("Of the plan"),
        attrs=_total("progress-total"),
        footer=lambda table: _pct(progress(table.data)),
    )

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "key-projects"}
        row_attrs = {"data-project": lambda record: record.project.pk}
        empty_text = _("No key project has a plan for this year.")

    def render_project(self, value: str, record: Any) -> str:
        url = reverse("investment:project_detail", args=[record.project.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_project(self, value: str) -> str:
        return value

    def render_key_level(self, record: Any) -> str:
        return str(record.project.get_key_level_display())

    def render_stage(self, record: Any) -> str:
        return str(record.project.get_stage_display())

    def render_progress_pct(self, value: Decimal) -> str:
        return _pct(value)

    def value_progress_pct(self, value: Decimal) -> str:
        return _pct(value)


def progress(rows: Iterable[Any]) -> Decimal | None:
    """The progress of all the rows together: completed over plan, in per cent."""
    listed = list(rows)
    plan = sum((r.annual_plan for r in listed), Decimal(0))
    completed = sum((r.completed for r in listed), Decimal(0))
    return completed / plan * 100 if plan else None
