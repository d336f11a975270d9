"""The demo zone's key figures: what its dashboard and its portal lead with, until its
administrator chooses others (illustrative: the seed names no such list)."""

from __future__ import annotations

from typing import TextIO

from kaifaqu.orgs.selectors import home_zone

from . import services
from .models import KeyMetric

#: The demo zone's headline numbers: what a leader and an investor look at first.
KEY_METRICS = (
    "gdp",
    "industrial_va",
    "trade",
    "hightech_share",
    "projects_signed",
    "contract_investment_signed",
)


def load(stdout: TextIO) -> None:
    zone = home_zone()
    if zone is None or KeyMetric.objects.filter(org_unit=zone).exists():
        return
    services.key_metrics_set(actor=None, org_unit=zone, codes=KEY_METRICS)
    stdout.write(f"Key figures: {len(KEY_METRICS)}\n")
