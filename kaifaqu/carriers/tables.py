"""The tables of the carrier lists (the list pattern, ``core.tables``)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.tables import NOWRAP, WIDE, DecimalColumn, Table


def _status(record) -> str:
    return render_to_string(
        "carriers/_status.html", {"status": record.status, "label": record.get_status_display()}
    )


class LandParcelTable(Table):
    code = tables.Column(verbose_name=_("Code"), attrs=NOWRAP)
    name = tables.Column(verbose_name=_("Name"), attrs=WIDE)
    org_unit = tables.Column(verbose_name=_("Org unit"), accessor="org_unit__name", attrs=NOWRAP)
    land_use = tables.Column(verbose_name=_("Land use"), attrs=NOWRAP)
    area_mu = DecimalColumn(verbose_name=_("Area (mu)"))
    price_wan_per_mu = DecimalColumn(verbose_name=_("Price (10,000 yuan per mu)"))
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "land-list"}
        row_attrs = {"data-code": lambda record: record.code}
        empty_text = _("No land parcels match.")

    def render_code(self, value):
        return format_html("<code>{}</code>", value)

    def value_code(self, value):
        return value

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("carriers:land", args=[record.pk]), value)

    def value_name(self, value):
        return value

    def render_status(self, record):
        return _status(record)

    def value_status(self, record):
        return str(record.get_status_display())


class BuildingUnitTable(Table):
    building = tables.Column(verbose_name=_("Building"), accessor="building__name", attrs=WIDE)
    code = tables.Column(verbose_name=_("Unit"), attrs=NOWRAP)
    floor = tables.Column(verbose_name=_("Floor"), attrs={"td": {"class": "text-end"}})
    use = tables.Column(verbose_name=_("Use"), attrs=NOWRAP)
    floor_area_m2 = DecimalColumn(verbose_name=_("Floor area (m²)"))
    rent_yuan_per_m2_month = DecimalColumn(verbose_name=_("Rent (yuan per m² per month)"))
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "unit-list"}
        row_attrs = {"data-code": lambda record: f"{record.building.code}/{record.code}"}
        empty_text = _("No units match.")

    def render_building(self, value, record):
        url = reverse("carriers:building", args=[record.building_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_building(self, value):
        return value

    def render_code(self, value, record):
        url = reverse("carriers:building", args=[record.building_id])
        return format_html('<a href="{}#unit-{}">{}</a>', url, record.pk, value)

    def value_code(self, value):
        return value

    def render_status(self, record):
        return _status(record)

    def value_status(self, record):
        return str(record.get_status_display())
