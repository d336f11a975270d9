"""A figure as its pages show it: every number at the metric's decimals with its unit, and
statuses, bases and who entered a value in the reader's words (the labels of ``figures``
and ``core``), never the stored codes ("185.000000", "estimate", "comparable",
"system:load_demo").

The wording of the numbers is ``metrics.text``'s and ``core.numbers``'; this module only
picks, for each field of a figure page, which of them says it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from kaifaqu.core import numbers
from kaifaqu.core.periods import PeriodError, label, parse
from kaifaqu.core.selectors import HistoryRow

from .engine import load_metrics
from .figures import Figure, Input
from .registry import Metric
from .text import figure_text, metric_name, rate_text, value_text

GROWTH_DECIMALS = 1


def localise(figs: list[Figure]) -> None:
    """Word the figures (their names, their parts' and their phrases) in the page's language.
    The engine words them in Chinese, as reports need; an English page reads the metrics'
    English names once (one query) and words each figure again. Changes the figures given,
    which belong to the request."""
    if numbers.active_lang() == "zh" or not figs:
        return
    metrics = load_metrics({f.metric for f in figs})
    for fig in figs:
        metric = metrics.get(fig.metric)
        if metric is None:
            continue
        fig.name = metric_name(metric, lang="en")
        for part in fig.parts:
            if part.metric in metrics:
                part.name = metric_name(metrics[part.metric], lang="en")
        if fig.value is not None:
            fig.text = figure_text(fig, metric, lang="en")


def _metric_of(fig: Figure) -> Metric:
    # Only what the wording reads (unit and decimals): no catalogue query for a page.
    return Metric(
        code=fig.metric, name_zh=fig.name, name_en="", unit=fig.unit, decimals=fig.decimals
    )


def amount(fig: Figure, value: Decimal | None) -> str:
    """A value of the figure's metric, at its decimals, with its unit: 185亿元, 33.7%."""
    if value is None:
        return "—"
    return value_text(value, _metric_of(fig), lang=numbers.active_lang())


def pct(value: Decimal | None, decimals: int = GROWTH_DECIMALS) -> str:
    return "—" if value is None else rate_text(value, decimals)


def points(value: Decimal | None, decimals: int = GROWTH_DECIMALS) -> str:
    """A difference in percentage points, signed (+0.6, -2.3; the label names the unit)."""
    if value is None:
        return "—"
    shown = numbers.round_half_up(value, decimals)
    return f"+{shown}" if shown > 0 else str(shown)


def _rank(rank: int | None, peers: int | None) -> str:
    if rank is None:
        return "—"
    return f"{rank} / {peers}" if peers else str(rank)


def figure_fields(fig: Figure) -> dict[str, str]:
    """The fields of a figure page's table, each in words (the template labels them)."""
    has_prior, has_growth = fig.prior_value is not None, fig.growth_pct is not None
    return {
        "value": amount(fig, fig.value),
        "prior_value": amount(fig, fig.prior_value),
        "prior_basis": fig.prior_basis_label if has_prior else "",
        "growth": pct(fig.growth_pct),
        "growth_basis": fig.growth_basis_label if has_growth else "",
        "prior_growth": pct(fig.prior_growth_pct),
        "pp_change": points(fig.pp_change, fig.decimals if fig.unit == "%" else GROWTH_DECIMALS),
        "share": pct(fig.share_pct),
        "rank_by_value": _rank(fig.rank_by_value, fig.peer_count),
        "rank_by_growth": _rank(fig.rank_by_growth, fig.peer_count),
        "gap": points(fig.gap_pp),
        "target": amount(fig, fig.target),
        "progress": pct(fig.progress_pct),
        "time_gap": points(fig.time_progress_gap_pp),
        "status": fig.status_label or "—",
    }


@dataclass(frozen=True)
class PartRow:
    name: str
    value: str
    share: str
    pull: str
    contribution: str


def part_rows(fig: Figure) -> list[PartRow]:
    return [
        PartRow(
            name=p.name,
            value=amount(fig, p.value),
            share=pct(p.share_pct),
            pull=points(p.pull_pp, 2),
            contribution=pct(p.contribution_pct),
        )
        for p in fig.parts
    ]


@dataclass(frozen=True)
class HistoryLine:
    at: Any
    who: str
    action: str
    change: str


@dataclass(frozen=True)
class InputRow:
    what: str
    value: str
    status: str
    source: str
    history: list[HistoryLine] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def _stored(fig: Figure, raw: Any) -> str:
    """A value as an audit row keeps it (text), at the metric's decimals."""
    if raw is None or raw == "":
        return "—"
    try:
        return amount(fig, Decimal(str(raw)))
    except (InvalidOperation, ValueError):
        return str(raw)


def _history_line(fig: Figure, entry: HistoryRow) -> HistoryLine:
    change = ""
    if isinstance(entry.before, dict) and isinstance(entry.after, dict):
        before, after = entry.before.get("value"), entry.after.get("value")
        change = f"{_stored(fig, before)} → {_stored(fig, after)}"
    return HistoryLine(
        at=entry.created_at,
        who=entry.actor_name,
        action=entry.get_action_display(),
        change=change,
    )


def _period_words(text: str) -> str:
    try:
        return label(parse(text))
    except PeriodError:
        return text


def input_rows(
    fig: Figure, inputs: list[tuple[Input, list[HistoryRow]]], names: dict[str, str]
) -> list[InputRow]:
    """Each input of the figure in words: what it is (metric, unit and period by name), its
    value at the metric's decimals, its status and source, and its history."""
    metric_names = {fig.metric: fig.name, **{p.metric: p.name for p in fig.parts}}
    return [
        InputRow(
            what=" · ".join(
                (
                    metric_names.get(i.metric, i.metric),
                    names.get(i.org, i.org),
                    _period_words(i.period),
                )
            ),
            value=amount(fig, i.value),
            status=i.status_label,
            source=i.source,
            history=[_history_line(fig, e) for e in history],
            records=list(i.records[:20]),
        )
        for i, history in inputs
    ]
