"""Reads of figures: the one entry point for reports, the portal, the API and the command."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kaifaqu.core.selectors import audit_trail

from .engine import compute
from .figures import Figure, FigureRequest


def figures(org: str, period: str, metrics: Iterable[str]) -> list[Figure]:
    """The figures of several metrics for one org unit and period, in one batch."""
    return compute(FigureRequest(m, org, period) for m in metrics)


def figure_batch(requests: Iterable[FigureRequest]) -> list[Figure]:
    return compute(requests)


def input_histories(figure: Figure) -> list[tuple]:
    """Each input of a figure with the audit rows of the value it was read from."""
    history = defaultdict(list)
    value_ids = [i.value_id for i in figure.inputs if i.value_id]
    for entry in audit_trail("stats.datavalue", value_ids):
        history[int(entry.object_id)].append(entry)
    return [(i, history.get(i.value_id, [])) for i in figure.inputs]
