"""A zone's key figures: the metrics its administrator chose (``KeyMetric``), each for the
latest window that has it, from the figure engine. The portal's home page shows them to
investors; the dashboard adds each one's trend and the city's figure beside it.

One batch of the engine whatever the number of figures: the key figures, their trend (the
same window in earlier years) and the city's figures are asked for together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from kaifaqu.core.periods import Period, label, parse
from kaifaqu.orgs.tree import org_tree
from kaifaqu.stats.selectors import latest_period

from . import selectors, text
from .figures import Figure, FigureRequest
from .registry import Metric

#: How many years a key figure's trend covers, this one included.
TREND_YEARS = 5


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class KeyFigure:
    figure: Figure
    metric: Metric
    name: str
    value: str
    change: str
    status_label: str
    #: The same window in earlier years, oldest first, this one last (dashboard only).
    trend: tuple[TrendPoint, ...] = ()
    #: The same metric for the city (dashboard only).
    city: Figure | None = None

    @property
    def url(self) -> str:
        """The figure's page."""
        query = {"metric": self.figure.metric, "org": self.figure.org, "period": self.figure.period}
        return f"{reverse('metrics:detail')}?{urlencode(query)}"


def key_figure_requests(
    org: str, codes: list[str] | tuple[str, ...] | None = None
) -> tuple[list[FigureRequest], dict[str, Metric]]:
    """The requests for the latest figures of ``codes`` (by default the unit's key metrics)
    and the metrics' definitions. A metric with values stored is asked for its latest window;
    one without (a ledger's) for the latest window of anything stored for the unit."""
    codes = selectors.key_metric_codes(org) if codes is None else list(codes)
    if not codes:
        return [], {}
    defined = selectors.metric_definitions(codes)
    latest = selectors.latest_periods(org, codes)
    newest = latest_period(org)
    requests = []
    for code in codes:
        period = latest.get(code) or (str(newest) if newest else None)
        if code in defined and period:
            requests.append(FigureRequest(code, org, period))
    return requests, defined


def _key_figure(fig: Figure, metric: Metric, lang: str, **extra: object) -> KeyFigure:
    return KeyFigure(
        figure=fig,
        metric=metric,
        name=text.metric_name(metric, lang=lang),
        value=text.value_text(fig.value, metric, lang=lang) if fig.value is not None else "",
        change=text.change_text(fig, metric, lang=lang),
        status_label=fig.status_label,
        **extra,  # type: ignore[arg-type]  # trend and city, typed on the dataclass
    )


def key_figures(
    org: str, codes: list[str] | tuple[str, ...] | None = None, *, lang: str = "zh"
) -> list[KeyFigure]:
    """The unit's key figures that have a value, in their order."""
    requests, defined = key_figure_requests(org, codes)
    return [
        _key_figure(fig, defined[fig.metric], lang)
        for fig in selectors.figure_batch(requests)
        if fig.value is not None
    ]


def _trend_periods(period: str) -> list[Period]:
    p = parse(period)
    return [p.shift_years(-back) for back in range(TREND_YEARS - 1, -1, -1)]


def dashboard_figures(
    org: str, *, lang: str = "zh", departments: frozenset[int] | None = None
) -> list[KeyFigure]:
    """The unit's key figures with their trend and the city's figure, in one engine batch
    (plus the org tree, read once for the unit's city). With ``departments``, only the
    figures of the metrics those departments keep (a department's part of the dashboard)."""
    requests, defined = key_figure_requests(org)
    if departments is not None:
        requests = [r for r in requests if defined[r.metric].department_id in departments]
    if not requests:
        return []
    tree = org_tree()
    unit = tree.by_code.get(org)
    city_pk = tree.city_of(unit) if unit is not None else None
    city = tree.code[city_pk] if city_pk is not None and city_pk != unit else None
    batch: list[FigureRequest] = []
    for req in requests:
        batch += [FigureRequest(req.metric, org, str(p)) for p in _trend_periods(req.period)]
        if city:
            batch.append(FigureRequest(req.metric, city, req.period))
    found = {(f.metric, f.org, f.period): f for f in selectors.figure_batch(batch)}
    out = []
    for req in requests:
        fig = found[(req.metric, org, req.period)]
        if fig.value is None:
            continue
        trend = tuple(
            TrendPoint(str(p), label(p), found[(req.metric, org, str(p))].value)
            for p in _trend_periods(req.period)
        )
        city_fig = found.get((req.metric, city, req.period)) if city else None
        out.append(_key_figure(fig, defined[req.metric], lang, trend=trend, city=city_fig))
    return out
