"""What each placeholder of a template prints for an org unit and a period.

All figures come from the engine in one batch (``metrics.selectors.figure_batch``); a
placeholder whose figure lacks what it shows prints 〔缺数：…〕 and is listed with the
engine's reason. Each value carries the figure behind it (metric, org, period, status), so
the page links it to its figure page and Word bookmarks it.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core import numbers
from kaifaqu.core.periods import Period, label_zh, parse
from kaifaqu.metrics.figures import Figure, FigureRequest
from kaifaqu.metrics.registry import Metric
from kaifaqu.metrics.selectors import figure_batch
from kaifaqu.metrics.text import estimate_word, rate_text, value_text

from .vocabulary import UNIT_KINDS, Call

GAP = "〔缺数：{name}〕"
BLOCK_GAP = "〔待填写：{key}〕"
BOOKMARK_MAX = 40


def lagged(period: Period, lag: int) -> str:
    """The period text of the same window ending ``lag`` months earlier (1—9月 → 1—8月)."""
    if not lag:
        return str(period)
    last = period.last_month - lag
    if last < period.first_month:
        last = period.first_month
    if last == period.first_month:
        return f"{period.year}-{last:02d}"
    return f"{period.year}-{period.first_month:02d}/{period.year}-{last:02d}"


def bookmark_name(text: str) -> str:
    """A Word bookmark name for a figure id: a letter first, then letters, digits and _, at
    most 40 characters (Word drops longer names); a long id keeps a hash of the whole."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if not name[:1].isalpha():
        name = f"f_{name}"
    if len(name) > BOOKMARK_MAX:
        digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:8]
        name = f"{name[: BOOKMARK_MAX - 9]}_{digest}"
    return name


def _metric_of(fig: Figure) -> Metric:
    return Metric(fig.metric, fig.name, "", fig.unit, fig.decimals)


def _reason(fig: Figure, *fields: str) -> str:
    for item in fig.missing:
        if not fields or item["field"] in fields:
            return item["reason"]
    if fig.missing:
        return fig.missing[0]["reason"]
    return _("Not computed for this figure.")


def _part(fig: Figure, code: str):
    return next((p for p in fig.parts if p.metric == code), None)


def show_figure(fig: Figure, call: Call) -> tuple[str | None, str]:
    """The text a figure placeholder prints, or None and why not."""
    show, o = call.show, call.options
    if fig.value is None:
        return None, _reason(fig)
    metric = _metric_of(fig)
    decimals = o.get("decimals")
    scope = o.get("scope", "全市")
    if show == "value":
        return value_text(fig.value, metric), ""
    if show == "number":
        return value_text(fig.value, metric).removesuffix(fig.unit), ""
    if show == "est":
        return estimate_word(fig.status), ""
    if show == "name":
        return fig.name, ""
    if show == "growth":
        if fig.growth_pct is None:
            return None, _reason(fig, "growth_pct")
        return numbers.growth_phrase(fig.growth_pct, 1 if decimals is None else decimals), ""
    if show == "pp":
        if fig.pp_change is None:
            return None, _reason(fig, "pp_change", "prior_growth_pct", "growth_pct")
        places = fig.decimals if metric.is_rate else 1
        return numbers.pp_phrase(fig.pp_change, places if decimals is None else decimals), ""
    if show == "change":
        if fig.change is None:
            return None, _("No value for the same period last year.")
        return numbers.count_change_phrase(fig.change, fig.unit), ""
    if show in ("share", "share_pct"):
        if fig.share_pct is None:
            return None, _reason(fig, "share_pct")
        places = 1 if decimals is None else decimals
        if show == "share":
            return numbers.share_phrase(fig.share_pct, places, whole=scope), ""
        return numbers.percent(fig.share_pct, places), ""
    if show in ("rank", "growth_rank"):
        rank = fig.rank_by_value if show == "rank" else fig.rank_by_growth
        if rank is None:
            return None, _reason(fig, "rank_by_value" if show == "rank" else "rank_by_growth")
        return numbers.rank_phrase(rank, scope, first_word="首位", arabic=True), ""
    if show in ("progress", "progress_pct"):
        if fig.progress_pct is None:
            return None, _("No target for %(year)s.") % {"year": fig.period[:4]}
        places = 0 if decimals is None else decimals
        if show == "progress":
            word = o.get("target", "年度任务")
            return numbers.progress_phrase(fig.progress_pct, places, target_word=word), ""
        return numbers.percent(fig.progress_pct, places), ""
    if show == "structure":
        shares = [p.share_pct for p in fig.parts]
        if not shares or any(s is None for s in shares):
            return None, _("Not every part has a value.")
        places = 1 if decimals is None else decimals
        return numbers.structure_ratio(shares, places, strip_zeros=True), ""
    part = _part(fig, o.get("part", ""))
    if part is None or part.share_pct is None:
        return None, _("The part has no value.")
    if show == "part_share":
        return rate_text(part.share_pct, 1 if decimals is None else decimals), ""
    if part.share_pp_change is None:
        return None, _("The part has no value for the same period last year.")
    return numbers.pp_phrase(part.share_pp_change, 1 if decimals is None else decimals), ""


def shared_rank(whole: Figure, parts: list[Figure], call: Call) -> tuple[str | None, str]:
    """The rank the whole and all its parts hold, or None and the ranks that differ."""
    field = "rank_by_value" if call.show == "rank" else "rank_by_growth"
    texts = [show_figure(f, call) for f in (whole, *parts)]
    for text, reason in texts:
        if text is None:
            return None, reason
    ranks = [getattr(f, field) for f in (whole, *parts)]
    if len(set(ranks)) > 1:
        return None, _("The parts do not share the whole's rank: %(ranks)s.") % {
            "ranks": "、".join(
                f"{f.name}{text}" for f, (text, _r) in zip((whole, *parts), texts, strict=True)
            )
        }
    return texts[0]


def chart_spec(fig: Figure, call: Call) -> dict[str, Any] | None:
    """One chart spec (ECharts options) for the page and the PNG in Word."""
    # The report is Chinese whatever the language of the page that drafted it.
    title = f"{fig.name}（{label_zh(parse(fig.period))}）"
    if call.show == "structure":
        data = [
            {"name": p.name, "value": float(numbers.round_half_up(p.share_pct, 1))}
            for p in fig.parts
            if p.share_pct is not None
        ]
        if len(data) != len(fig.parts) or not data:
            return None
        return {
            "title": {"text": title, "left": "center"},
            "tooltip": {"trigger": "item", "formatter": "{b}：{c}%"},
            "series": [
                {"type": "pie", "radius": "60%", "data": data, "label": {"formatter": "{b}\n{c}%"}}
            ],
        }
    parts = [p for p in fig.parts if p.value is not None and p.prior_value is not None]
    if len(parts) != len(fig.parts) or not parts:
        return None
    places = fig.decimals

    def series(name: str, values: list[Decimal]) -> dict[str, Any]:
        return {
            "name": name,
            "type": "bar",
            "data": [float(numbers.round_half_up(v, places)) for v in values],
        }

    return {
        "title": {"text": title, "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": [p.name for p in parts]},
        "yAxis": {"type": "value", "name": fig.unit},
        "series": [
            series("本期", [p.value for p in parts]),
            series("上年同期", [p.prior_value for p in parts]),
        ],
    }


def compute_values(
    calls: list[Call], org, period: Period, blocks: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, str]]]:
    """Each call's printed value, by key, and the list of what could not be printed."""
    from kaifaqu.orgs.selectors import current_profile_facts, towns_and_subdistricts

    wanted: dict[tuple[str, int], FigureRequest] = {}
    for call in calls:
        if call.name in ("f", "chart"):
            request = FigureRequest(call.args[0], org.code, lagged(period, call.lag))
            wanted.setdefault((call.args[0], call.lag), request)
    figures = dict(zip(wanted, figure_batch(list(wanted.values())), strict=True))
    # Ranks "with parts" need the parts' own figures: one more batch, only when asked.
    more: dict[tuple[str, int], FigureRequest] = {}
    for call in calls:
        if call.name == "f" and call.options.get("with_parts"):
            for part in figures[(call.args[0], call.lag)].parts:
                if (part.metric, call.lag) not in figures:
                    more[(part.metric, call.lag)] = FigureRequest(
                        part.metric, org.code, lagged(period, call.lag)
                    )
    if more:
        figures.update(zip(more, figure_batch(list(more.values())), strict=True))
    facts = None
    values: dict[str, dict[str, Any]] = {}
    for call in calls:
        if call.key in values:
            continue
        entry: dict[str, Any] = {"call": call.name, "source": call.source, "text": ""}
        if call.name in ("f", "chart"):
            fig = figures[(call.args[0], call.lag)]
            entry.update(
                metric=fig.metric,
                org=fig.org,
                period=fig.period,
                show=call.show,
                name=fig.name or fig.metric,
                status=fig.status or "",
                bookmark=bookmark_name(f"{fig.id}_{call.show}"),
            )
            if call.name == "chart":
                spec = chart_spec(fig, call) if fig.value is not None else None
                entry["chart"] = spec
                reason = "" if spec else _reason(fig)
            else:
                if call.options.get("with_parts"):
                    parts = [figures[(p.metric, call.lag)] for p in fig.parts]
                    text, reason = shared_rank(fig, parts, call)
                else:
                    text, reason = show_figure(fig, call)
                entry["text"] = GAP.format(name=fig.name or fig.metric) if text is None else text
        elif call.name == "fact":
            if facts is None:
                facts = {f.key: f for f in current_profile_facts(org)}
            text, reason = _fact_text(facts.get(call.args[0]), call)
            entry["text"] = text or GAP.format(name=call.args[0])
        elif call.name == "units":
            entry["text"], reason = _units_text(towns_and_subdistricts(org), call.args[0]), ""
        elif call.name == "period":
            shown = parse(lagged(period, call.lag))
            entry["text"], reason = label_zh(shown, short=bool(call.options.get("short"))), ""
        elif call.name == "org":
            entry["text"], reason = org.name, ""
        else:  # block
            entry["key"] = call.args[0]
            entry["text"], reason = block_text(call.args[0], blocks)
        if reason:
            entry["missing"] = reason
        values[call.key] = entry
    return values, missing_of(values)


def block_text(key: str, blocks: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """What a block placeholder prints: the block's text, or the gap and why."""
    block = blocks.get(key)
    if block and block["text"].strip():
        return block["text"], ""
    return BLOCK_GAP.format(key=key), _("The block is empty.")


def missing_of(values: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """What could not be printed, in the template's order."""
    return [
        {"placeholder": e["source"], "name": e.get("name", ""), "reason": e["missing"]}
        for e in values.values()
        if e.get("missing")
    ]


def with_blocks(
    values: dict[str, dict[str, Any]], blocks: dict[str, dict[str, Any]], keys: set[str]
) -> dict[str, dict[str, Any]]:
    """The draft's values with the blocks of ``keys`` printing ``blocks``' texts; figures and
    everything else as they were printed."""
    out = {}
    for call, entry in values.items():
        if entry.get("call") == "block" and entry.get("key") in keys:
            entry = {k: v for k, v in entry.items() if k != "missing"}
            entry["text"], reason = block_text(entry["key"], blocks)
            if reason:
                entry["missing"] = reason
        out[call] = entry
    return out


def _fact_text(fact, call: Call) -> tuple[str, str]:
    from kaifaqu.orgs.models import PROFILE_FACT_UNITS

    if fact is None:
        return "", _("The profile has no such fact.")
    unit = PROFILE_FACT_UNITS.get(fact.key, "")
    value = fact.value
    if call.show == "wan":
        value, unit = value / 10000, f"万{unit}"
    shown = numbers.round_half_up(value, 2).normalize()
    text = f"{format(shown, 'f')}{unit}"
    return ("约" if fact.approximate else "") + text, ""


def _units_text(units, kind: str) -> str:
    suffix = UNIT_KINDS[kind]
    names = [u.name.removesuffix(suffix) for u in units if u.kind == kind]
    return f"{'、'.join(names)}{len(names)}个{suffix}"
