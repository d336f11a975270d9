"""The tables of the investment lists (the list pattern, ``core.tables``)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.tables import NOWRAP, WIDE, DateColumn, DecimalColumn, Table

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
