"""The list pattern's tables: one ``Table`` base (django-tables2) every back-office list's
table builds on, in ``<package>/tables.py``, and the few columns they share.

A table declares its columns; ``optional`` names those a user may hide with the column
chooser (a wide list) and ``hidden_by_default`` those hidden until chosen. A column's
``render_<name>`` gives the page's cell, ``value_<name>`` (when the page's cell is markup or a
badge) the export's value: the export writes exactly the columns and values the page shows.
The views are ``core.views.lists.TableView``; the template ``includes/table.html``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from . import audit_display

#: A column whose words never wrap (codes, dates, statuses, short names).
NOWRAP: dict[str, dict[str, str]] = {
    "th": {"class": "text-nowrap"},
    "td": {"class": "text-nowrap"},
}
#: A number: right-aligned, never wrapped.
NUMBER: dict[str, dict[str, str]] = {
    "th": {"class": "text-end text-nowrap"},
    "td": {"class": "text-end text-nowrap"},
    "tf": {"class": "text-end text-nowrap fw-semibold"},
}
#: A column of sentences (a name, a question): wraps, but never narrower than a few words.
WIDE: dict[str, dict[str, str]] = {
    "th": {"class": "text-nowrap"},
    "td": {"style": "min-width: 14rem"},
}


class Table(tables.Table):  # type: ignore[misc]  # django-tables2 has no types
    """A back-office list's table: sortable headers, pages, the column chooser, the export."""

    #: The columns a user may hide (shown in the column chooser); empty: no chooser.
    optional: ClassVar[tuple[str, ...]] = ()
    #: Those of ``optional`` hidden until a user chooses them.
    hidden_by_default: ClassVar[tuple[str, ...]] = ()

    class Meta:
        template_name = "includes/table.html"
        attrs = {"class": "table table-sm table-striped table-hover align-middle mb-0"}
        order_by_field = "sort"
        page_field = "page"
        per_page_field = "per_page"
        empty_text = _("Nothing matches.")

    def choosable(self) -> list[tuple[str, str, bool]]:
        """(name, header, shown) of each column the chooser offers."""
        return [
            (
                name,
                str(self.base_columns[name].verbose_name or name),
                name in self.columns and self.columns[name].visible,
            )
            for name in self.optional
        ]

    def hidden_columns(self) -> list[str]:
        return [c.name for c in self.columns.iterall() if not c.visible]

    def export_rows(self) -> tuple[list[str], Iterable[list[Any]]]:
        """The header and rows an export writes: the shown columns, as the page shows them."""
        values = self.as_values(exclude_columns=self.hidden_columns())
        header = [str(h) for h in next(values)]
        return header, ([_plain(v) for v in row] for row in values)


def _plain(value: Any) -> Any:
    """A cell's markup (a ``render_`` method without its ``value_``) as the text it shows."""
    if isinstance(value, SafeString):
        return html.unescape(strip_tags(value)).strip()
    return value


class DecimalColumn(tables.Column):  # type: ignore[misc]  # untyped base
    """An amount as stored, without trailing zeros (185.000000 → 185); a number in the export."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUMBER)
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal) -> str:
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)

    def value(self, value: Decimal) -> Any:
        return value.normalize() if isinstance(value, Decimal) else value


class DateColumn(tables.Column):  # type: ignore[misc]  # untyped base
    """A date as 2017-08-31 (with ``time``, 2017-08-31 14:05; ``seconds`` 14:05:09), the same in
    both languages; a date or a local time in the export."""

    def __init__(
        self, *args: Any, time: bool = False, seconds: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("attrs", NOWRAP)
        self.format = "%Y-%m-%d"
        if time:
            self.format += " %H:%M:%S" if seconds else " %H:%M"
        super().__init__(*args, **kwargs)

    def render(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return value.strftime(self.format)
        return value.strftime("%Y-%m-%d")

    def value(self, value: date | datetime) -> Any:
        """The date or the local time, to the precision the page shows."""
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            value = value.replace(microsecond=0)
            return value if "%S" in self.format else value.replace(second=0)
        return value


# -- the lists of core: accounts and the audit log ------------------------------------------


class UserTable(Table):
    username = tables.Column(verbose_name=_("Username"), attrs=NOWRAP)
    full_name = tables.Column(verbose_name=_("Full name"), attrs=NOWRAP)
    email = tables.Column(verbose_name=_("Email"), attrs=NOWRAP)
    is_active = tables.Column(verbose_name=_("Active"), attrs=NOWRAP)
    last_login = DateColumn(verbose_name=_("Last login"), time=True)
    edit = tables.Column(
        verbose_name="", accessor="pk", orderable=False, exclude_from_export=True, attrs=NOWRAP
    )

    class Meta(Table.Meta):
        row_attrs = {"data-user": lambda record: record.username}

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html(
                '<i class="bi bi-check-lg text-success" aria-hidden="true"></i> {}', _("Yes")
            )
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Inactive"))

    def value_is_active(self, value: bool) -> str:
        return str(_("Yes") if value else _("No"))

    def render_edit(self, value: int) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("core:user_update", args=[value]), _("Edit")
        )


class AuditTable(Table):
    seq = tables.Column(verbose_name="#", attrs=NUMBER)
    created_at = DateColumn(verbose_name=_("Time"), time=True, seconds=True)
    actor_username = tables.Column(verbose_name=_("User"), attrs=NOWRAP)
    ip = tables.Column(verbose_name=_("IP address"), attrs=NOWRAP)
    action = tables.Column(verbose_name=_("Action"), attrs=NOWRAP)
    object_type = tables.Column(verbose_name=_("Kind of record"), attrs=NOWRAP)
    object_repr = tables.Column(verbose_name=_("Record"), attrs=WIDE)
    changes = tables.Column(
        verbose_name=_("Changes"),
        accessor="pk",
        orderable=False,
        empty_values=(),
        attrs={"th": {"class": "text-nowrap"}, "td": {"style": "min-width: 18rem"}},
    )
    prev_hash = tables.Column(verbose_name=_("Previous hash"), orderable=False, attrs=NOWRAP)
    hash = tables.Column(verbose_name=_("Hash"), orderable=False, attrs=NOWRAP)

    optional = ("ip", "object_type", "changes", "prev_hash", "hash")
    hidden_by_default = ("prev_hash",)

    class Meta(Table.Meta):
        row_attrs = {"data-seq": lambda record: record.seq}
        attrs = {"class": "table table-sm table-striped table-hover align-middle mb-0 small"}

    def render_actor_username(self, value: str) -> str:
        return audit_display.actor_text(value)

    def value_actor_username(self, value: str) -> str:
        return audit_display.actor_text(value)

    def render_object_type(self, value: str) -> str:
        return audit_display.object_type_text(value)

    def value_object_type(self, value: str) -> str:
        return audit_display.object_type_text(value)

    def render_changes(self, record: Any) -> str:
        rows = audit_display.changes(record)
        if not rows:
            return "—"
        return format_html(
            '<ul class="list-unstyled mb-0">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in audit_display.lines(rows))),
        )

    def value_changes(self, record: Any) -> str:
        return audit_display.changes_text(record)

    def render_hash(self, value: str) -> str:
        return format_html('<code class="small">{}</code>', value)

    def render_prev_hash(self, value: str) -> str:
        return format_html('<code class="small">{}</code>', value)
