"""The back office's navigation: each package registers its entries when it starts.

A module not built yet registers nothing and so is not shown; an entry is shown only to
users its predicate admits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import access
from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    order: int
    allowed: Callable[[User | AnonymousUser], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_entries: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _entries[entry.key] = entry


def entries_for(user: User | AnonymousUser) -> list[NavEntry]:
    return sorted((e for e in _entries.values() if e.allowed(user)), key=lambda e: e.order)


def module_for(entries: list[NavEntry], path: str) -> NavEntry | None:
    """The entry whose page ``path`` is or lies below: the one with the longest URL that
    begins it (the dashboard, ``/backoffice/``, when no module's does). The breadcrumbs and
    the menu's highlight are derived from it."""
    found: NavEntry | None = None
    for entry in entries:
        url = entry.url
        if path.startswith(url) and (found is None or len(url) > len(found.url)):
            found = entry
    return found


def _authenticated(user: User | AnonymousUser) -> bool:
    return user.is_authenticated


def uses_the_api(user: User | AnonymousUser) -> bool:
    """The administrators, who connect other systems through the API; its documentation
    (English, outside the back office's frame) is in no one else's menu. The page itself
    stays open to every staff account (``core.api.permissions``)."""
    return access.has_role(user, Role.ZONE_ADMIN, Role.SYSTEM_ADMIN)


register(NavEntry("dashboard", _("Dashboard"), "core:dashboard", "speedometer2", 0, _authenticated))
register(
    NavEntry(
        "users",
        _("Users"),
        "core:user_list",
        "people",
        900,
        lambda u: access.has_role(u, Role.SYSTEM_ADMIN),
    )
)
register(
    NavEntry(
        "security",
        _("Security policy"),
        "core:security",
        "shield-lock",
        910,
        lambda u: access.has_role(u, Role.SECURITY_ADMIN),
    )
)
register(
    NavEntry(
        "audit",
        _("Audit log"),
        "core:audit_list",
        "journal-text",
        920,
        lambda u: access.has_role(u, Role.AUDIT_ADMIN),
    )
)
register(NavEntry("api_docs", _("API documentation"), "api:docs", "braces", 990, uses_the_api))
