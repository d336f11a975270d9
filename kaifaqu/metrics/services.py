"""Writes of ``metrics``: the zone's list of key metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction
from kaifaqu.core.roles import Role
from kaifaqu.orgs.models import OrgUnit

from .engine import load_metrics
from .models import KeyMetric

if TYPE_CHECKING:
    from kaifaqu.core.models import User

#: The dashboard and the portal lead with at most this many figures.
MAX_KEY_METRICS = 8


@transaction.atomic
def key_metrics_set(*, actor: User | None, org_unit: OrgUnit, codes: Sequence[str]) -> list[str]:
    """Make ``codes`` the unit's key metrics, in that order; return them.

    Only a zone administrator (or the system) chooses them. Each code must name a metric (a
    catalogue element or a ledger metric), once; one to MAX_KEY_METRICS of them. Nothing is
    written, and nothing audited, when the list does not change.
    """
    if actor is not None and not access.has_role(actor, Role.ZONE_ADMIN):
        raise PermissionDenied(_("Only zone administrators choose the key figures."))
    codes = [c.strip() for c in codes if c and c.strip()]
    if not codes:
        raise ValidationError({"metrics": _("Choose at least one key figure.")})
    if len(codes) > MAX_KEY_METRICS:
        raise ValidationError(
            {"metrics": _("Choose at most %(n)d key figures.") % {"n": MAX_KEY_METRICS}}
        )
    repeated = [c for c in codes if codes.count(c) > 1]
    if repeated:
        raise ValidationError(
            {
                "metrics": _("%(code)s is chosen twice: each key figure once.")
                % {"code": repeated[0]}
            }
        )
    known = load_metrics(codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"metrics": _("No metric is called %(code)s.") % {"code": unknown[0]}}
        )
    rows = KeyMetric.objects.select_for_update().filter(org_unit=org_unit).order_by("position")
    before = [row.metric for row in rows]
    if before == codes:
        return codes
    KeyMetric.objects.filter(org_unit=org_unit).delete()
    KeyMetric.objects.bulk_create(
        KeyMetric(org_unit=org_unit, metric=code, position=place)
        for place, code in enumerate(codes, start=1)
    )
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=org_unit,
        before={"key_metrics": before},
        after={"key_metrics": codes},
    )
    return codes
