"""What the engine returns: a figure and its parts, inputs and gaps, as one JSON schema.

The JSON of ``kaifaqu figures``, of ``GET /api/v1/figures/`` and of the report drafter is
``Figure.as_json()``; its fields are documented in docs/figures.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from kaifaqu.stats.models import GrowthBasis, ValueStatus

#: The bases of last year's value: as published then, or restated on this year's basis.
PRIOR_BASES = {"published": _("published figure"), "comparable": _("comparable basis")}


def status_words(status: str | None) -> str:
    """预计 / 快报 / 正式 for a value's status code; "" for none."""
    return str(ValueStatus(status).label) if status in ValueStatus.values else (status or "")


@dataclass(frozen=True)
class FigureRequest:
    metric: str
    org: str
    period: str


@dataclass(frozen=True)
class Input:
    """One value a figure was computed from, with where it came from."""

    metric: str
    org: str
    period: str
    value: Decimal
    status: str
    source: str
    kind: str = "value"  # "value" (entered or imported) or "ledger" (counted from records)
    value_id: int | None = None
    entered_by: str = ""
    entered_at: datetime | None = None
    records: tuple[dict[str, Any], ...] = ()

    @property
    def status_label(self) -> str:
        return status_words(self.status)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "metric": self.metric,
            "org": self.org,
            "period": self.period,
            "value": _num(self.value),
            "status": self.status,
            "source": self.source,
            "value_id": self.value_id,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat() if self.entered_at else None,
            "records": list(self.records),
        }


@dataclass
class Part:
    metric: str
    name: str
    value: Decimal | None = None
    prior_value: Decimal | None = None
    share_pct: Decimal | None = None
    prior_share_pct: Decimal | None = None
    share_pp_change: Decimal | None = None
    pull_pp: Decimal | None = None
    contribution_pct: Decimal | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "name": self.name,
            "value": _num(self.value),
            "prior_value": _num(self.prior_value),
            "share_pct": _num(self.share_pct),
            "prior_share_pct": _num(self.prior_share_pct),
            "share_pp_change": _num(self.share_pp_change),
            "pull_pp": _num(self.pull_pp),
            "contribution_pct": _num(self.contribution_pct),
        }


@dataclass
class Figure:
    metric: str
    org: str
    period: str
    name: str = ""
    org_name: str = ""
    period_label: str = ""
    unit: str = ""
    decimals: int = 2
    value: Decimal | None = None
    prior_value: Decimal | None = None
    prior_basis: str = "published"  # or "comparable" (同口径)
    growth_pct: Decimal | None = None
    growth_basis: str = "computed"
    prior_growth_pct: Decimal | None = None
    pp_change: Decimal | None = None
    change: Decimal | None = None  # value − prior value, for counts (比去年增加11家)
    share_pct: Decimal | None = None
    reference_org: str = ""
    rank_by_value: int | None = None
    rank_by_growth: int | None = None
    peer_count: int | None = None
    gap_pp: Decimal | None = None
    target: Decimal | None = None
    progress_pct: Decimal | None = None
    time_progress_gap_pp: Decimal | None = None
    parts: list[Part] = field(default_factory=list)
    status: str | None = None
    text: str = ""
    missing: list[dict[str, str]] = field(default_factory=list)
    formula: str = ""
    inputs: list[Input] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable id: names a bookmark in a report and a figure page's URL."""
        return f"{self.metric}.{self.org}.{self.period}".replace("/", "_")

    @property
    def status_label(self) -> str:
        return status_words(self.status)

    @property
    def prior_basis_label(self) -> str:
        return str(PRIOR_BASES.get(self.prior_basis, self.prior_basis))

    @property
    def growth_basis_label(self) -> str:
        basis = self.growth_basis
        return str(GrowthBasis(basis).label) if basis in GrowthBasis.values else basis

    def lack(self, field_name: str, reason: str) -> None:
        self.missing.append({"field": field_name, "reason": str(reason)})

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metric": self.metric,
            "name": self.name,
            "org": self.org,
            "org_name": self.org_name,
            "period": self.period,
            "period_label": self.period_label,
            "value": _num(self.value),
            "unit": self.unit,
            "decimals": self.decimals,
            "prior_value": _num(self.prior_value),
            "prior_basis": self.prior_basis,
            "growth_pct": _num(self.growth_pct),
            "growth_basis": self.growth_basis,
            "prior_growth_pct": _num(self.prior_growth_pct),
            "pp_change": _num(self.pp_change),
            "change": _num(self.change),
            "share_pct": _num(self.share_pct),
            "reference_org": self.reference_org,
            "rank_by_value": self.rank_by_value,
            "rank_by_growth": self.rank_by_growth,
            "peer_count": self.peer_count,
            "gap_pp": _num(self.gap_pp),
            "target": _num(self.target),
            "progress_pct": _num(self.progress_pct),
            "time_progress_gap_pp": _num(self.time_progress_gap_pp),
            "parts": [p.as_json() for p in self.parts],
            "status": self.status,
            "text": self.text,
            "missing": list(self.missing),
            "provenance": {
                "formula": self.formula,
                "inputs": [i.as_json() for i in self.inputs],
            },
        }


_JSON_PLACES = Decimal("1e-10")


def _num(value: Decimal | None) -> str | None:
    """Numbers travel as text, unrounded for display (to 10 places), with no float on the way."""
    if value is None:
        return None
    text = format(value.quantize(_JSON_PLACES), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
