"""The home page's key figures: a few of the zone's headline numbers, each for the latest
window that has it, taken from the figure engine (never from a ledger or the values table:
the portal states what the reports state)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaifaqu.core.periods import parse
from kaifaqu.metrics import selectors as metrics
from kaifaqu.metrics import text
from kaifaqu.metrics.figures import Figure, FigureRequest
from kaifaqu.metrics.registry import Metric

#: What an investor looks at first. Metrics without stored values (the ledger's) are shown
#: for the latest window of the others.
KEY_METRICS = (
    "gdp",
    "industrial_va",
    "trade",
    "hightech_share",
    "projects_signed",
    "contract_investment_signed",
)


@dataclass(frozen=True)
class KeyFigure:
    figure: Figure
    name: str
    value: str
    change: str
    status_label: str


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def status_label(status: str | None) -> str:
    return {
        "estimate": _("Estimate"),
        "preliminary": _("Preliminary"),
        "final": _("Final"),
    }.get(status or "", "")


def key_figure_requests(
    org: str, codes: tuple[str, ...] = KEY_METRICS
) -> tuple[list[FigureRequest], dict[str, Metric]]:
    """The requests for the latest figures of ``codes`` and the metrics' definitions."""
    defined = metrics.metric_definitions(codes)
    latest = metrics.latest_periods(org, codes)
    if not latest:
        return [], defined
    newest = max(latest.values(), key=lambda p: (parse(p).year, parse(p).last_month))
    requests = [
        FigureRequest(code, org, latest.get(code, newest)) for code in codes if code in defined
    ]
    return requests, defined


def key_figures(org: str, codes: tuple[str, ...] = KEY_METRICS) -> list[KeyFigure]:
    """The zone's key figures that have a value, in the order of ``codes``."""
    requests, defined = key_figure_requests(org, codes)
    lang = _lang()
    out = []
    for fig in metrics.figure_batch(requests):
        if fig.value is None:
            continue
        metric = defined[fig.metric]
        out.append(
            KeyFigure(
                figure=fig,
                name=text.metric_name(metric, lang=lang),
                value=text.value_text(fig.value, metric, lang=lang),
                change=text.change_text(fig, metric, lang=lang),
                status_label=status_label(fig.status),
            )
        )
    return out
