"""The tables of the data checks: what the rules find, and the rules (the list pattern,
``core.tables``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.tables import NOWRAP, NUMBER, WIDE, Table

from .models import RuleImportance


def _importance(value: str) -> str:
    if value == RuleImportance.ERROR:
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Error"))
    return format_html('<span class="badge text-bg-warning">{}</span>', _("Warning"))


class ViolationTable(Table):
    department = tables.Column(
        verbose_name=_("Department"),
        accessor="rule__department__name",
        order_by=("rule__department__order",),
        attrs=NOWRAP,
    )
    importance = tables.Column(
        verbose_name=_("Importance"), accessor="rule__importance", attrs=NOWRAP
    )
    rule = tables.Column(verbose_name=_("Rule"), accessor="rule__name", attrs=WIDE)
    org_unit = tables.Column(verbose_name=_("Org unit"), accessor="org_unit__name", attrs=NOWRAP)
    period = tables.Column(
        verbose_name=_("Period"), order_by=("month_from", "month_to"), attrs=NOWRAP
    )
    left_value = tables.Column(verbose_name=_("Value"), attrs=NUMBER)
    operator = tables.Column(
        verbose_name=_("Should be"),
        accessor="rule__operator",
        attrs={"th": {"class": "text-center"}, "td": {"class": "text-center text-nowrap"}},
    )
    right_value = tables.Column(verbose_name=_("Compared with"), attrs=NUMBER)
    difference = tables.Column(
        verbose_name=_("Difference"), accessor="pk", orderable=False, attrs=NUMBER
    )
    values = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True, attrs=NOWRAP
    )

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "violations"}
        row_attrs = {
            "data-violation": lambda record: (
                f"{record.rule.code}:{record.org_unit.code}:{record.period}"
            ),
            "data-department": lambda record: record.rule.department.code,
        }
        empty_text = _("The values break no rule.")

    def render_importance(self, record: Any) -> str:
        return _importance(record.rule.importance)

    def value_importance(self, record: Any) -> str:
        return str(_("Error") if record.rule.importance == RuleImportance.ERROR else _("Warning"))

    def render_period(self, record: Any) -> str:
        return format_html("<code>{}</code>", record.period)

    def value_period(self, record: Any) -> str:
        return str(record.period)

    def render_left_value(self, record: Any) -> str:
        return str(record.shown()["left"])

    def value_left_value(self, record: Any) -> Any:
        return record.left_value.normalize()

    def render_operator(self, record: Any) -> str:
        return str(record.rule.get_operator_display())

    def value_operator(self, record: Any) -> str:
        return str(record.rule.get_operator_display())

    def render_right_value(self, record: Any) -> str:
        return str(record.shown()["right"])

    def value_right_value(self, record: Any) -> Any:
        return record.right_value.normalize()

    def render_difference(self, record: Any) -> str:
        return str(record.shown()["difference"])

    def value_difference(self, record: Any) -> Any:
        return record.difference.normalize()

    def render_values(self, record: Any) -> str:
        org, period = quote(record.org_unit.code, safe="/"), quote(str(record.period), safe="/")
        query = f"org={org}&period={period}"
        return format_html(
            '<a href="{}?{}" data-testid="violation-values">{}</a>',
            reverse("stats:entry"),
            query,
            _("The values"),
        )


class RuleTable(Table):
    department = tables.Column(
        verbose_name=_("Department"),
        accessor="department__name",
        order_by=("department__order",),
        attrs=NOWRAP,
    )
    name = tables.Column(verbose_name=_("Rule"), attrs=WIDE)
    left = tables.Column(verbose_name=_("Left side"), order_by=("left__order",), attrs=WIDE)
    operator = tables.Column(
        verbose_name=_("Operator"),
        attrs={"th": {"class": "text-center"}, "td": {"class": "text-center text-nowrap"}},
    )
    right = tables.Column(verbose_name=_("Right side"), accessor="pk", orderable=False, attrs=WIDE)
    importance = tables.Column(verbose_name=_("Importance"), attrs=NOWRAP)
    open_violations = tables.Column(verbose_name=_("Violations"), attrs=NUMBER)
    actions = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True, attrs=NOWRAP
    )

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "rules"}
        row_attrs = {
            "data-rule": lambda record: record.code,
            "class": lambda record: "" if record.active else "text-body-secondary",
        }
        empty_text = _("No rules yet.")

    def render_name(self, value: str, record: Any) -> str:
        if record.active:
            return value
        return format_html('{} <span class="badge text-bg-light">{}</span>', value, _("off"))

    def value_name(self, value: str, record: Any) -> str:
        return value if record.active else f"{value} ({_('off')})"

    def render_right(self, record: Any) -> str:
        text = str(record.get_right_kind_display())
        if record.right_element:
            text += f": {record.right_element}"
        if record.right_number is not None:
            text += f": {record.right_number.normalize():f}"
        return text

    def value_right(self, record: Any) -> str:
        return self.render_right(record)

    def render_open_violations(self, value: int, record: Any) -> str:
        if not value:
            return "0"
        url = reverse("stats:violations") + "?" + urlencode({"department": record.department.code})
        return format_html('<a href="{}">{}</a>', url, value)

    def value_open_violations(self, value: int) -> int:
        return value

    def render_actions(self, record: Any) -> str:
        request = self.request
        if not access.can_change_department(request.user, record.department_id):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a> '
            '<form method="post" action="{}" class="d-inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn btn-sm btn-outline-danger" type="submit">{}</button></form>',
            reverse("stats:rule_update", args=[record.pk]),
            _("Edit"),
            reverse("stats:rule_delete", args=[record.pk]),
            get_token(request),
            _("Delete"),
        )
