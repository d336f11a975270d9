"""The three administrators' dashboards (三员): each sees its own duties and no business data.
The system administrator the accounts, the security administrator the accounts locked out,
the audit administrator the state of the audit chain. Registered with core.dashboard."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from . import access, audit, dashboard, selectors
from .models import AuditEntry
from .roles import Role


def _is(role: str) -> dashboard.Allowed:
    return lambda user: access.has_role(user, role)


def accounts_panel(user: Any) -> dict[str, Any]:
    counts = selectors.user_list().aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    return {"duty": "accounts", "url": reverse("core:user_list"), **counts}


def security_panel(user: Any) -> dict[str, Any]:
    return {
        "duty": "security",
        "url": reverse("core:security"),
        "tokens": len(selectors.api_tokens()),
    }


def locked_waiting(user: Any) -> list[dashboard.WaitingItem]:
    locked = selectors.locked_accounts().count() + len(selectors.accounts_locked_everywhere())
    return [
        dashboard.WaitingItem(
            "accounts_locked",
            ngettext("%(n)d sign-in is locked out", "%(n)d sign-ins are locked out", locked)
            % {"n": locked},
            locked,
            reverse("core:security"),
            "danger",
        )
    ]


def audit_panel(user: Any) -> dict[str, Any]:
    anchor = audit.last_anchor()
    rows = AuditEntry.objects.count()
    since = AuditEntry.objects.filter(seq__gt=int(anchor["seq"])).count() if anchor else rows
    return {
        "duty": "audit",
        "url": reverse("core:audit_list"),
        "rows": rows,
        "anchored_at": parse_datetime(anchor["time"]) if anchor else None,
        "since_anchor": since,
        "anchor_break": audit.verify_anchors(),
    }


_TEMPLATE = "core/dashboard_duties.html"
dashboard.register_panel(
    "accounts", template=_TEMPLATE, context=accounts_panel, allowed=_is(Role.SYSTEM_ADMIN), order=5
)
dashboard.register_panel(
    "security",
    template=_TEMPLATE,
    context=security_panel,
    allowed=_is(Role.SECURITY_ADMIN),
    order=5,
)
dashboard.register_panel(
    "audit", template=_TEMPLATE, context=audit_panel, allowed=_is(Role.AUDIT_ADMIN), order=5
)
dashboard.register_waiting(
    "accounts_locked", locked_waiting, allowed=_is(Role.SECURITY_ADMIN), order=5
)
