"""The back-office policy list's table (the list pattern, ``core.tables``)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.tables import NOWRAP, WIDE, DateColumn, Table


class PolicyTable(Table):
    title = tables.Column(verbose_name=_("Title"), attrs=WIDE)
    category = tables.Column(verbose_name=_("Category"), attrs=NOWRAP)
    issued_on = DateColumn(verbose_name=_("Issued on"))
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)
    department = tables.Column(
        verbose_name=_("Department"), accessor="department__name", attrs=NOWRAP
    )

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "policy-admin-list"}
        row_attrs = {"data-policy": lambda record: record.pk}
        empty_text = _("No policies.")

    def render_title(self, value, record):
        url = reverse("portal:policy_admin_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_title(self, value):
        return value
