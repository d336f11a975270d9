"""Reads of figures: the one entry point for reports, the portal, the API and the command."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Max

from kaifaqu.core.periods import Period
from kaifaqu.core.selectors import HistoryRow, audit_trail
from kaifaqu.stats.models import DataElement, DataValue

from .engine import compute, load_metrics
from .figures import Figure, FigureRequest, Input
from .models import KeyMetric
from .registry import Metric, ledger_metrics


def figures(org: str, period: str, metrics: Iterable[str]) -> list[Figure]:
    """The figures of several metrics for one org unit and period, in one batch."""
    return compute(FigureRequest(m, org, period) for m in metrics)


def figure_batch(requests: Iterable[FigureRequest]) -> list[Figure]:
    return compute(requests)


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


def key_metric_codes(org: str) -> list[str]:
    """The unit's key metrics in their order (the zone administrator's choice), one query;
    empty until some are chosen."""
    return list(
        KeyMetric.objects.filter(org_unit__code=org)
        .order_by("position")
        .values_list("metric", flat=True)
    )


def metric_choices(lang: str = "zh") -> list[tuple[str, str]]:
    """Every metric a zone may lead with, (code, its name in ``lang`` and its code): the
    catalogue's elements in their order, then the ledgers' metrics. One query."""
    rows = DataElement.objects.order_by("order", "code").values_list("code", "name_zh", "name_en")
    named = [(code, zh, en) for code, zh, en in rows] + [
        (m.code, m.name_zh, m.name_en)
        for m in sorted(ledger_metrics().values(), key=lambda m: m.code)
    ]
    if lang == "en":
        return [(code, f"{en or zh} ({code})") for code, zh, en in named]
    return [(code, f"{zh}（{code}）") for code, zh, _en in named]
