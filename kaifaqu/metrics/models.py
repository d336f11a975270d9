"""The zone's key metrics: which figures its dashboard and its portal's home page lead with,
in order. Data, not code: the zone administrator changes them on a back-office page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.orgs.models import OrgUnit


class KeyMetric(models.Model):
    """One key metric of a zone, at its place in the list."""

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="key_metrics", verbose_name=_("org unit")
    )
    metric = models.CharField(_("metric"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("key metric")
        verbose_name_plural = _("key metrics")
        ordering = ["org_unit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "metric"], name="metrics_keymetric_once_per_unit"
            ),
            models.UniqueConstraint(
                fields=["org_unit", "position"], name="metrics_keymetric_one_per_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id}:{self.position}:{self.metric}"
