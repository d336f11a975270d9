"""A figure's default Chinese phrase, as a work report would state it.

"预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点". Report templates pick the
parts they need (value, growth, 百分点, share, rank, progress, structure) from the figure
itself; this is the phrase the figure page, the API and the command show.
"""

from __future__ import annotations

from decimal import Decimal

from kaifaqu.core import numbers

from .registry import Metric

COUNT_UNITS = frozenset({"个", "家", "人", "名", "户", "所", "项", "期"})


def rate_text(value: Decimal, decimals: int) -> str:
    """33.70 -> "33.7%", 5.00 -> "5.0%": trailing zeros go, but one decimal stays (NBS usage)."""
    shown = numbers.round_half_up(value, decimals)
    text = format(shown, "f")
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0").ljust(1, "0")
        text = f"{whole}.{frac}"
    return f"{text}%"


def value_text(value: Decimal, metric: Metric) -> str:
    if metric.is_rate:
        return rate_text(value, metric.decimals)
    if metric.unit in numbers.UNITS:
        shown = numbers.round_half_up(value, metric.decimals)
        return numbers.format_amount(shown, metric.unit)
    return f"{numbers.round_half_up(value, metric.decimals)}{metric.unit}"


def _against_last_year(change: str) -> str:
    """比去年同期增加11家 / 提高0.6个百分点, but 与去年同期持平 (比…持平 is not said)."""
    return ("与去年同期" if change == numbers.WORDS["zh"]["flat"] else "比去年同期") + change


def figure_text(fig, metric: Metric) -> str:
    if fig.value is None:
        return ""
    head = "预计" if fig.status == "estimate" else ""
    clauses = [f"{head}{metric.name_zh}{value_text(fig.value, metric)}"]
    if metric.is_rate:
        if fig.pp_change is not None:
            clauses.append(_against_last_year(numbers.pp_phrase(fig.pp_change, metric.decimals)))
    elif metric.unit in COUNT_UNITS and fig.change is not None:
        clauses.append(_against_last_year(numbers.count_change_phrase(fig.change, metric.unit)))
    elif fig.growth_pct is not None:
        clauses.append("同比" + numbers.growth_phrase(fig.growth_pct))
        if fig.pp_change is not None:
            clauses.append(_against_last_year(numbers.pp_phrase(fig.pp_change)))
    if fig.share_pct is not None:
        clauses.append(numbers.share_phrase(fig.share_pct))
    if fig.rank_by_value is not None:
        clauses.append(numbers.rank_phrase(fig.rank_by_value, arabic=True, first_word="首位"))
    if fig.progress_pct is not None:
        clauses.append(numbers.progress_phrase(fig.progress_pct))
    return "，".join(clauses)
