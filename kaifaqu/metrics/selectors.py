"""Reads of figures: the one entry point for reports, the portal, the API and the command."""

from __future__ import annotations

from collections.abc import Iterable

from .engine import compute
from .figures import Figure, FigureRequest


def figures(org: str, period: str, metrics: Iterable[str]) -> list[Figure]:
    """The figures of several metrics for one org unit and period, in one batch."""
    return compute(FigureRequest(m, org, period) for m in metrics)


def figure_batch(requests: Iterable[FigureRequest]) -> list[Figure]:
    return compute(requests)
