"""The staff inbox's table (the list pattern, ``core.tables``): the asker's contact details
come through ``selectors.contacts_for``, masked unless the user may see them, for the rows
shown (the page's, or every row of an export), one audit row for an unmasked batch."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.tables import NOWRAP, WIDE, DateColumn, Table

from . import selectors


def _overdue(record: Any) -> str:
    return "table-danger" if record.overdue else ""


class InboxTable(Table):
    number = tables.Column(verbose_name=_("Number"), attrs=NOWRAP)
    received_at = DateColumn(verbose_name=_("Received"), time=True)
    category = tables.Column(verbose_name=_("Category"), attrs=NOWRAP)
    channel = tables.Column(verbose_name=_("Channel"), attrs=NOWRAP)
    name = tables.Column(verbose_name=_("Who"), attrs=NOWRAP, empty_values=())
    organisation = tables.Column(verbose_name=_("Organisation"), attrs=WIDE)
    phone = tables.Column(verbose_name=_("Phone"), attrs=NOWRAP, orderable=False, empty_values=())
    email = tables.Column(verbose_name=_("Email"), attrs=NOWRAP, orderable=False, empty_values=())
    question = tables.Column(verbose_name=_("Question"), attrs=WIDE, orderable=False)
    officer = tables.Column(
        verbose_name=_("Officer"), attrs=NOWRAP, order_by=("officer__username",)
    )
    status = tables.Column(verbose_name=_("Reply status"), attrs=NOWRAP)
    due_at = DateColumn(verbose_name=_("First reply due"), time=True)

    optional = ("channel", "organisation", "phone", "email", "officer")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "data-testid": "inbox"}
        row_attrs = {
            "data-consultation": lambda record: record.number,
            "data-overdue": lambda record: "1" if record.overdue else None,
            "class": _overdue,
        }
        empty_text = _("No consultations match.")

    def __init__(self, *args: Any, user: Any, purpose: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.purpose = purpose

    @cached_property
    def contacts(self) -> dict[int, Any]:
        """The contact details of the rows shown, as this user may see them."""
        records = [row.record for row in self.paginated_rows]
        return selectors.contacts_for(self.user, records, purpose=self.purpose)

    def _contact(self, record: Any, field: str) -> str:
        contact = self.contacts.get(record.pk)
        return getattr(contact, field, "") if contact is not None else ""

    def render_number(self, value: str, record: Any) -> str:
        url = reverse("consultations:detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_number(self, value: str) -> str:
        return value

    def render_name(self, record: Any) -> str:
        return self._contact(record, "contact_person") or "—"

    def value_name(self, record: Any) -> str:
        return self._contact(record, "contact_person")

    def render_phone(self, record: Any) -> str:
        return format_html('<span data-field="phone">{}</span>', self._contact(record, "phone"))

    def value_phone(self, record: Any) -> str:
        return self._contact(record, "phone")

    def render_email(self, record: Any) -> str:
        return format_html('<span data-field="email">{}</span>', self._contact(record, "email"))

    def value_email(self, record: Any) -> str:
        return self._contact(record, "email")

    def render_question(self, value: str) -> str:
        return value if len(value) <= 80 else value[:79] + "…"

    def value_question(self, value: str) -> str:
        return value

    def render_due_at(self, value: Any, record: Any) -> str:
        when = DateColumn(time=True).render(value)
        if record.overdue:
            return format_html(
                '<span class="badge text-bg-danger" data-testid="overdue">{}</span> {}',
                _("Overdue"),
                when,
            )
        return when

    def value_due_at(self, value: Any, record: Any) -> Any:
        when = DateColumn(time=True).value(value)
        if record.overdue:
            return f"{_('Overdue')} {DateColumn(time=True).render(value)}"
        return when
