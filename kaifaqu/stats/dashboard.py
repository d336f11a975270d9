"""Data checks on the dashboard (registered with core.dashboard): what the validation rules
find now in the departments the user reads, errors and warnings apart, linked to the list."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from kaifaqu.core import access, dashboard

from .models import RuleImportance
from .selectors import violation_list


def waiting(user: Any) -> list[dashboard.WaitingItem]:
    counts = violation_list(user).aggregate(
        errors=Count("pk", filter=Q(rule__importance=RuleImportance.ERROR)),
        warnings=Count("pk", filter=Q(rule__importance=RuleImportance.WARNING)),
    )
    url = reverse("stats:violations")
    errors, warnings = counts["errors"], counts["warnings"]
    return [
        dashboard.WaitingItem(
            "checks_failed",
            ngettext("%(n)d data check fails (error)", "%(n)d data checks fail (errors)", errors)
            % {"n": errors},
            errors,
            f"{url}?importance={RuleImportance.ERROR}",
            "danger",
        ),
        dashboard.WaitingItem(
            "checks_warned",
            ngettext(
                "%(n)d data check to confirm (warning)",
                "%(n)d data checks to confirm (warnings)",
                warnings,
            )
            % {"n": warnings},
            warnings,
            f"{url}?importance={RuleImportance.WARNING}",
        ),
    ]


dashboard.register_waiting("stats", waiting, allowed=access.reads_business, order=20)
