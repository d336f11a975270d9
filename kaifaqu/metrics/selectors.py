"""Reads of figures: the one entry point for reports, the portal, the API and the command."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Max

from kaifaqu.core.periods import Period
from kaifaqu.core.selectors import HistoryRow, audit_trail
from kaifaqu.stats.models import DataValue

from .engine import compute, load_metrics
from .figures import Figure, FigureRequest, Input
from .registry import Metric
from .text import figure_text, metric_name


def figures(org: str, period: str, metrics: Iterable[str], *, lang: str = "zh") -> list[Figure]:
    """The figures of several metrics for one org unit and period, in one batch."""
    return worded(compute(FigureRequest(m, org, period) for m in metrics), lang)


def figure_batch(requests: Iterable[FigureRequest], *, lang: str = "zh") -> list[Figure]:
    return worded(compute(requests), lang)


def worded(batch: list[Figure], lang: str) -> list[Figure]:
    """The figures with their names and phrases in ``lang``: the engine words them in
    Chinese, the language of reports; a page in English says them in English (one more
    query, for the metrics' definitions)."""
    if lang == "zh" or not batch:
        return batch
    defined = load_metrics({fig.metric for fig in batch})
    for fig in batch:
        metric = defined.get(fig.metric)
        if metric is None:
            continue
        fig.name = metric_name(metric, lang=lang)
        if fig.text:
            fig.text = figure_text(fig, metric, lang=lang)
    return batch


def input_histories(figure: Figure) -> list[tuple[Input, list[HistoryRow]]]:
    """Each input of a figure with the history of the value it was read from (its own audit
    rows and the change rows of the imports that wrote it)."""
    history: dict[int | None, list[HistoryRow]] = defaultdict(list)
    value_ids = [i.value_id for i in figure.inputs if i.value_id]
    for entry in audit_trail("stats.datavalue", value_ids):
        history[int(entry.object_id)].append(entry)
    return [(i, history.get(i.value_id, [])) for i in figure.inputs]


def latest_periods(org: str, metrics: Iterable[str]) -> dict[str, str]:
    """For each metric with values stored for the org unit, the latest window counted from
    January (累计: 2017-01/2017-09, 2017H1, 2017) that has one, in one query.

    A public page shows "the latest figures" without knowing when each was last entered:
    GDP may be out for the third quarter while trade is only out to August. Metrics without
    stored values (ledger metrics) are absent: the caller picks their window.
    """
    rows = (
        DataValue.objects.filter(org_unit__code=org, element__code__in=list(metrics))
        .annotate(first_month=F("month_from") % 100)
        .filter(first_month=1)
        .values("element__code")
        .annotate(last=Max("month_to"))
    )
    return {
        row["element__code"]: str(
            Period.from_keys(row["last"], row["last"]).cumulative().canonical()
        )
        for row in rows
    }


def metric_definitions(codes: Iterable[str]) -> dict[str, Metric]:
    """The metrics named and their parts (with both names, unit and decimals), for pages that
    label figures in the reader's language and for checks of the codes a template names."""
    return load_metrics(codes)
