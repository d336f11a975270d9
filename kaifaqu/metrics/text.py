"""How a figure is worded, in Chinese or English: the one place for it.

"预计地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点" is the phrase a work report
states; the figure page, the API and the command show it, and the portal shows its value and
change clauses. Report templates pick the parts they need (value, growth, 百分点, share, rank,
progress, structure) from the figure itself, through the same value wording. The numbers
inside each clause are formatted by ``core.numbers``; this module only joins them into
clauses. ``lang`` is ``"zh"`` or ``"en"`` (``core.numbers.LANGS``), as in ``core.numbers``:
the wording never depends on the language active in the request, so a report drafted from an
English page is still Chinese.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kaifaqu.core import numbers

from .registry import Metric

if TYPE_CHECKING:
    from .figures import Figure

#: Units of things counted: their change is worded by how many more (增加11家), not in %.
COUNT_UNITS = frozenset({"个", "家", "人", "名", "户", "所", "项", "期"})

#: The words around the numbers, per language; ``{phrase}`` is a ``core.numbers`` phrase.
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "estimate": "预计",
        "head": "{estimate}{name}{value}",
        "year_on_year": "同比{phrase}",
        "against_last_year": "比去年同期{phrase}",
        # 比…持平 is not said.
        "flat_against_last_year": "与去年同期{phrase}",
        "separator": "，",
    },
    "en": {
        "estimate": " (estimate)",
        "head": "{name} {value}{estimate}",
        "year_on_year": "{phrase} year on year",
        "against_last_year": "{phrase} on the same period last year",
        "flat_against_last_year": "{phrase} on the same period last year",
        "separator": ", ",
    },
}


def _words(lang: str) -> dict[str, str]:
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {numbers.LANGS}, not {lang!r}")
    return WORDS[lang]


def rate_text(value: Decimal, decimals: int) -> str:
    """33.70 -> "33.7%", 5.00 -> "5.0%": trailing zeros go, but one decimal stays (NBS usage).
    The same in either language."""
    shown = numbers.round_half_up(value, decimals)
    text = format(shown, "f")
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0").ljust(1, "0")
        text = f"{whole}.{frac}"
    return f"{text}%"


def value_text(value: Decimal, metric: Metric, *, lang: str = "zh") -> str:
    """The value at the metric's decimals with its unit: 185亿元 / 18.5 billion yuan, 33.7%."""
    _words(lang)
    if metric.is_rate:
        return rate_text(value, metric.decimals)
    shown = numbers.round_half_up(value, metric.decimals)
    if metric.unit in numbers.UNITS:
        return numbers.format_amount(shown, metric.unit, lang=lang)
    return f"{shown}{metric.unit}"


def metric_name(metric: Metric, *, lang: str = "zh") -> str:
    """The metric's name in ``lang``; the Chinese one where no English name is kept."""
    _words(lang)
    return metric.name_en if lang == "en" and metric.name_en else metric.name_zh


def estimate_word(status: str | None, *, lang: str = "zh") -> str:
    """预计 before a figure one of whose inputs is an estimate, else nothing."""
    return _words(lang)["estimate"] if status == "estimate" else ""


def against_last_year(phrase: str, *, lang: str = "zh") -> str:
    """比去年同期增加11家 / 比去年同期提高0.6个百分点, but 与去年同期持平."""
    words = _words(lang)
    flat = phrase == numbers.WORDS[lang]["flat"]
    return words["flat_against_last_year" if flat else "against_last_year"].format(phrase=phrase)


def _change_kind(fig: Figure, metric: Metric) -> str | None:
    """How the figure's change on last year is stated: a rate by its 百分点 change, a count by
    how many more, anything else by its growth."""
    if metric.is_rate:
        return "pp" if fig.pp_change is not None else None
    if metric.unit in COUNT_UNITS and fig.change is not None:
        return "count"
    return "growth" if fig.growth_pct is not None else None


def change_text(fig: Figure, metric: Metric, *, lang: str = "zh") -> str:
    """The figure's change on the same period last year: 同比增长8.0% / up 8.0% year on year;
    比去年同期提高1.98个百分点 for rates; 比去年同期增加14个 for counts; "" when unknown."""
    words = _words(lang)
    kind = _change_kind(fig, metric)
    if kind == "pp":
        phrase = numbers.pp_phrase(fig.pp_change, metric.decimals, lang=lang)
        return against_last_year(phrase, lang=lang)
    if kind == "count":
        phrase = numbers.count_change_phrase(fig.change, metric.unit, lang=lang)
        return against_last_year(phrase, lang=lang)
    if kind == "growth":
        phrase = numbers.growth_phrase(fig.growth_pct, lang=lang)
        return words["year_on_year"].format(phrase=phrase)
    return ""


def figure_text(fig: Figure, metric: Metric, *, lang: str = "zh") -> str:
    """The whole phrase: value, change, the change of the growth rate, share, rank, progress;
    "" for a figure without a value."""
    if fig.value is None:
        return ""
    words = _words(lang)
    head = words["head"].format(
        estimate=estimate_word(fig.status, lang=lang),
        name=metric_name(metric, lang=lang),
        value=value_text(fig.value, metric, lang=lang),
    )
    clauses = [head]
    change = change_text(fig, metric, lang=lang)
    if change:
        clauses.append(change)
    if _change_kind(fig, metric) == "growth" and fig.pp_change is not None:
        clauses.append(against_last_year(numbers.pp_phrase(fig.pp_change, lang=lang), lang=lang))
    if fig.share_pct is not None:
        clauses.append(numbers.share_phrase(fig.share_pct, lang=lang))
    if fig.rank_by_value is not None:
        clauses.append(
            numbers.rank_phrase(fig.rank_by_value, arabic=True, first_word="首位", lang=lang)
        )
    if fig.progress_pct is not None:
        clauses.append(numbers.progress_phrase(fig.progress_pct, lang=lang))
    return words["separator"].join(clauses)
