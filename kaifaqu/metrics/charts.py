"""Chart specs (ECharts options) of the figure pages, built from the engine's figures.

The dashboard's charts of key figures (the zone's growth beside the city's, a key figure's
trend) are here too.

One spec per chart (specs/report-format.md, "Charts"): the page hands it to ECharts
(static/kaifaqu/charts.js) as JSON, and the same dict could be drawn for Word by
``reports.charts.png``. Numbers travel rounded to the metric's decimals, as floats (what
ECharts reads); a period without a value is ``None`` (a gap, never a zero).

Which periods a figure's series shows is decided here too (``series_periods``), so the page's
one batch of figure requests (``selectors.figure_series``) and its chart agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from kaifaqu.core import numbers
from kaifaqu.core.periods import Kind, Period, label

from .figures import Figure

if TYPE_CHECKING:
    from .keyfigures import KeyFigure

#: A year's figure is shown beside the years before it, this many in all.
YEARS_SHOWN = 5


def series_periods(period: Period) -> list[Period]:
    """The periods of this year a figure's series shows, of the same kind as its own, ending
    with it: for 1—9月 the cumulative windows 1—2月 … 1—9月; for a month the months from
    January; for a quarter or half those from the first; for a year the last five years.
    A window not starting in January is shown with the months it covers."""
    year, last = period.year, period.last_month
    if period.kind is Kind.YEAR:
        first_year = max(year - YEARS_SHOWN + 1, 1900)
        return [Period.of_year(y) for y in range(first_year, year + 1)]
    if period.kind is Kind.QUARTER:
        return [Period.of_quarter(year, q) for q in range(1, last // 3 + 1)]
    if period.kind is Kind.HALF:
        return [Period.of_half(year, h) for h in range(1, last // 6 + 1)]
    if period.kind is Kind.MONTH:
        return [Period.of_month(year, m) for m in range(1, last + 1)]
    if period.first_month == 1:
        return [Period.of_window(year, 1, m) for m in range(2, last + 1)]
    return [Period.of_month(year, m) for m in range(period.first_month, last + 1)]


def compares_years(period: Period) -> bool:
    """Whether the series is this year beside last year (every kind but a year, whose
    series is the years themselves)."""
    return period.kind is not Kind.YEAR


def _number(value: Decimal | None, decimals: int) -> float | None:
    return None if value is None else float(numbers.round_half_up(value, decimals))


def _toolbox(name: str) -> dict[str, Any]:
    """Every chart saves as PNG; charts.js draws the file on a canvas, whatever renderer
    shows the chart on the page."""
    return {
        "right": 8,
        "top": 0,
        "feature": {
            "saveAsImage": {
                "type": "png",
                "name": name,
                "title": _("Save as PNG"),
                "pixelRatio": 2,
                "backgroundColor": "#ffffff",
            }
        },
    }


def _file_name(*parts: str) -> str:
    return "-".join(p.replace("/", "_") for p in parts if p)


def series_chart(
    fig: Figure,
    periods: Sequence[Period],
    this_year: Sequence[Figure],
    last_year: Sequence[Figure] = (),
) -> dict[str, Any] | None:
    """The figure's values over ``periods`` (``series_periods``): this year's beside last
    year's, or, without last year's, the years in a row; ``None`` when no period has a
    value."""
    if not periods or all(f.value is None for f in (*this_year, *last_year)):
        return None
    decimals = fig.decimals
    if last_year:
        year = periods[-1].year
        categories = [label(p, style="months", short=True) for p in periods]
        series = [
            {
                "name": label(Period.of_year(y)),
                "type": "bar",
                "data": [_number(f.value, decimals) for f in figs],
            }
            for y, figs in ((year, this_year), (year - 1, last_year))
        ]
    else:
        categories = [label(p) for p in periods]
        series = [
            {
                "name": fig.name,
                "type": "bar",
                "data": [_number(f.value, decimals) for f in this_year],
            }
        ]
    return {
        "title": {
            "text": _("%(name)s by period") % {"name": fig.name},
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 16, "top": 48, "bottom": 36},
        "toolbox": _toolbox(_file_name(fig.name, fig.org_name, fig.period)),
        "xAxis": {"type": "category", "data": categories},
        "yAxis": {"type": "value", "name": fig.unit},
        "series": series,
    }


def structure_chart(fig: Figure) -> dict[str, Any] | None:
    """The parts' shares of the whole (三次产业结构), as a ring; ``None`` unless every part
    has its share."""
    shares = [(p.name, p.share_pct) for p in fig.parts]
    if not shares or any(s is None for _n, s in shares):
        return None
    data = [{"name": name, "value": _number(share, 1)} for name, share in shares]
    return {
        "title": {
            "text": _("Structure of %(name)s (%%)") % {"name": fig.name},
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}%"},
        "legend": {"bottom": 0},
        "toolbox": _toolbox(_file_name(fig.name, _("structure"), fig.org_name, fig.period)),
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "62%"],
                "label": {"formatter": "{b}\n{c}%", "overflow": "none"},
                "data": data,
            }
        ],
    }


def _figures_bars(
    rows: Sequence[Figure], title: str, file_word: str, series: list[dict[str, Any]]
) -> dict[str, Any]:
    """A bar chart of several figures (one category each, by name), in percent."""
    first = rows[0]
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 16, "top": 48, "bottom": 36},
        "toolbox": _toolbox(_file_name(file_word, first.org_name, first.period)),
        "xAxis": {
            "type": "category",
            "data": [f.name for f in rows],
            "axisLabel": {"interval": 0, "rotate": 30 if len(rows) > 4 else 0},
        },
        "yAxis": {"type": "value", "name": "%"},
        "series": series,
    }


def growth_chart(figs: Sequence[Figure]) -> dict[str, Any] | None:
    """The chosen figures' growth on the same period last year (%), beside last year's
    growth: the one comparison every figure of different units shares. Figures without a
    growth (rates, a missing year) are left out; ``None`` when none has one."""
    rows = [f for f in figs if f.growth_pct is not None]
    if not rows:
        return None
    last = [_number(f.prior_growth_pct, 1) for f in rows]
    series: list[dict[str, Any]] = [
        {
            "name": _("This year"),
            "type": "bar",
            "label": {"show": True, "position": "top"},
            "data": [_number(f.growth_pct, 1) for f in rows],
        }
    ]
    if any(v is not None for v in last):
        series.append({"name": _("Last year"), "type": "bar", "data": last})
    return _figures_bars(rows, _("Growth on the same period last year (%)"), _("growth"), series)


def progress_chart(figs: Sequence[Figure]) -> dict[str, Any] | None:
    """The chosen figures' progress against their annual targets (%), with the time elapsed
    as a line; ``None`` when no figure has a target."""
    rows = [f for f in figs if f.progress_pct is not None]
    if not rows:
        return None
    elapsed = [
        _number(f.progress_pct - f.time_progress_gap_pp, 1)
        if f.progress_pct is not None and f.time_progress_gap_pp is not None
        else None
        for f in rows
    ]
    series: list[dict[str, Any]] = [
        {
            "name": _("Progress"),
            "type": "bar",
            "label": {"show": True, "position": "top"},
            "data": [_number(f.progress_pct, 1) for f in rows],
        },
        {"name": _("Time elapsed"), "type": "line", "data": elapsed},
    ]
    return _figures_bars(rows, _("Progress against the annual target (%)"), _("progress"), series)


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(numbers.round_half_up(value, 1))


def growth_against_city_chart(key_figures: Sequence[KeyFigure]) -> dict[str, Any] | None:
    """The zone's growth on the same period last year beside the city's, for the key figures
    with a growth (rates have a 百分点 change, not a growth, and are left out); the city's bar
    is missing where the city has no growth for the period. None without any city."""
    rows = [k for k in key_figures if k.figure.growth_pct is not None and k.city is not None]
    if not rows:
        return None
    zone = rows[0].figure.org_name
    city = next((k.city.org_name for k in rows if k.city and k.city.org_name), "")
    return {
        "title": {"text": _("Growth against the city (%)"), "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 8, "bottom": 40},
        "xAxis": {"type": "category", "data": [k.name for k in rows], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "name": "%"},
        "series": [
            {
                "name": zone,
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [_pct(k.figure.growth_pct) for k in rows],
            },
            {
                "name": city,
                "type": "bar",
                "label": {"show": True, "position": "top"},
                "data": [_pct(k.city.growth_pct if k.city else None) for k in rows],
            },
        ],
    }


def trend_chart(key_figure: KeyFigure) -> dict[str, Any] | None:
    """A sparkline: the key figure's value in the same window of earlier years, at the
    metric's decimals (a year without a value is a gap). None with fewer than two values."""
    points = key_figure.trend
    if sum(1 for p in points if p.value is not None) < 2:
        return None
    decimals = key_figure.metric.decimals
    return {
        "grid": {"left": 2, "right": 2, "top": 4, "bottom": 4},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "show": False, "data": [p.label for p in points]},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "series": [
            {
                "type": "line",
                "name": key_figure.name,
                "symbolSize": 4,
                "connectNulls": False,
                "data": [
                    None if p.value is None else float(numbers.round_half_up(p.value, decimals))
                    for p in points
                ],
            }
        ],
    }
