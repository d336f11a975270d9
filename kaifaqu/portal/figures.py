"""The home page's key figures: the zone's key metrics (``metrics.KeyMetric``, chosen by its
administrator), each for the latest window that has it, taken from the figure engine (never
from a ledger or the values table: the portal states what the reports state)."""

from __future__ import annotations

from kaifaqu.core.numbers import active_lang
from kaifaqu.metrics import keyfigures
from kaifaqu.metrics.keyfigures import KeyFigure, key_figure_requests

__all__ = ["KeyFigure", "key_figure_requests", "key_figures"]


def key_figures(org: str, codes: list[str] | tuple[str, ...] | None = None) -> list[KeyFigure]:
    """The zone's key figures that have a value, in the visitor's language."""
    return keyfigures.key_figures(org, codes, lang=active_lang())
