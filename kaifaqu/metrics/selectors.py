"""Reads of figures: the one entry point for reports, the portal, the API and the command."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import F, Max
from django.utils.translation import gettext as _

from kaifaqu.core.periods import MIN_YEAR, Period, PeriodError, parse
from kaifaqu.core.selectors import HistoryRow, audit_trail
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.stats.models import DataValue
from kaifaqu.stats.selectors import element_list

from .charts import compares_years, series_periods
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


def key_metric_choices(lang: str = "zh") -> list[tuple[str, str]]:
    """Every metric a zone may lead with, (code, its name in ``lang`` beside its code), in
    the order of the figures page's chooser."""
    return [
        (c.code, f"{c.name} ({c.code})" if lang == "en" else f"{c.name}（{c.code}）")
        for group in metric_choices(lang=lang)
        for c in group.metrics
    ]


@dataclass(frozen=True)
class FigureSeries:
    """A figure with the figures of its series (charts.series_periods): this year's periods
    and, beside them, the same periods last year (none for a year, whose series is the
    years)."""

    figure: Figure
    periods: list[Period]
    this_year: list[Figure]
    last_year: list[Figure]


def figure_series(request: FigureRequest) -> FigureSeries:
    """The figure asked and its series, in one batch of the engine (its four queries and one
    call per ledger metric, whatever the number of periods)."""
    try:
        period: Period | None = parse(request.period)
    except PeriodError:
        period = None
    periods = series_periods(period) if period is not None else []
    prior = (
        [p.shift_years(-1) for p in periods]
        if period is not None and compares_years(period) and period.year > MIN_YEAR
        else []
    )
    asked = [FigureRequest(request.metric, request.org, str(p)) for p in (*periods, *prior)]
    figure, *rest = figure_batch([request, *asked])
    return FigureSeries(figure, periods, rest[: len(periods)], rest[len(periods) :])


_RANKS = ("rank_by_value", "rank_by_growth")


@dataclass(frozen=True)
class FigureNotes:
    """What the figures of a page lack, each thing said once: ``page`` holds the notes every
    figure with a value shares (said once above them), ``by_figure`` each figure's own, by
    figure id."""

    page: list[str] = field(default_factory=list)
    by_figure: dict[str, list[str]] = field(default_factory=dict)

    def of(self, fig: Figure) -> list[str]:
        return self.by_figure.get(fig.id, [])


def org_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of the org units named by code, in one query (none asked: no query)."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))


def figure_notes(figs: Sequence[Figure], names: dict[str, str] | None = None) -> FigureNotes:
    """The engine's gaps (``Figure.missing``) as a reader takes them: a city without data is
    one note for its shares and ranks ("德州市 has no data for this period — shares and
    ranks are not shown"), a rank missing by value and by growth one note, and a note every
    figure with a value shares goes above them all, once. ``names``: the org units' names
    by code (``org_names``), read here when not given."""
    if names is None:
        names = org_names(f.reference_org for f in figs if _lacks(f, "share_pct"))
    own = {f.id: _notes_of(f, names) for f in figs}
    with_value = [f for f in figs if f.value is not None]
    without = [f for f in figs if f.value is None and _lacks(f, "value")]
    shared: list[str] = []
    group = with_value or list(figs)
    if len(group) > 1:
        first, *others = (own[f.id] for f in group)
        shared = [n for n in first if all(n in o for o in others)]
    if with_value and len(without) > 1:
        # One line for the figures without a value, rather than the same sentence on each.
        shared.append(
            _("No data for this period: %(names)s.")
            % {"names": _(", ").join(f.name or f.metric for f in without)}
        )
        for f in without:
            own[f.id] = [n for n in own[f.id] if not _is_value_gap(f, n)]
    return FigureNotes(
        page=shared,
        by_figure={key: [n for n in notes if n not in shared] for key, notes in own.items()},
    )


def _is_value_gap(fig: Figure, note: str) -> bool:
    return any(m["field"] == "value" and m["reason"] == note for m in fig.missing)


def _lacks(fig: Figure, field_name: str) -> bool:
    return any(m["field"] == field_name for m in fig.missing)


def _notes_of(fig: Figure, names: dict[str, str]) -> list[str]:
    lacking = {m["field"] for m in fig.missing}
    city_lacks = "share_pct" in lacking and bool(fig.reference_org)
    notes: list[str] = []
    for gap in fig.missing:
        name, reason = gap["field"], gap["reason"]
        if name == "share_pct" and city_lacks:
            city = names.get(fig.reference_org, fig.reference_org)
            if lacking & set(_RANKS):
                reason = _(
                    "%(city)s has no data for this period — shares and ranks are not shown."
                ) % {"city": city}
            else:
                reason = _("%(city)s has no data for this period — shares are not shown.") % {
                    "city": city
                }
        elif name in _RANKS and city_lacks:
            continue  # said with the city's note
        elif name == "rank_by_growth" and "rank_by_value" in lacking:
            continue  # one rank note: the first says why there is none
        if reason not in notes:
            notes.append(reason)
    return notes


@dataclass(frozen=True)
class MetricChoice:
    code: str
    name: str
    unit: str
    part_of: str = ""  # the whole's name, for a part
    default: bool = False  # chosen when the page is opened without a choice
    search: str = ""  # what the chooser's search matches: both names and the code


@dataclass(frozen=True)
class MetricGroup:
    """The metrics a department keeps, for the figures page's chooser."""

    name: str
    metrics: list[MetricChoice]


def metric_choices(*, lang: str = "zh") -> list[MetricGroup]:
    """Every metric, the catalogue's elements and the ledgers', grouped by the department
    that keeps it, in two queries. Elements that are not parts are chosen by default."""
    groups: dict[int | None, tuple[str, list[MetricChoice]]] = {}
    english = lang == "en"

    def group(department_id: int | None, name: str) -> list[MetricChoice]:
        if department_id not in groups:
            groups[department_id] = (name, [])
        return groups[department_id][1]

    def named(zh: str, en: str) -> str:
        return en if english and en else zh

    for e in element_list():
        dept = e.department
        group(e.department_id, named(dept.name, dept.name_en) if dept else "").append(
            MetricChoice(
                code=e.code,
                name=named(e.name_zh, e.name_en),
                unit=e.unit,
                part_of=named(e.whole.name_zh, e.whole.name_en) if e.whole else "",
                default=e.whole_id is None,
                search=" ".join((e.name_zh, e.name_en, e.code)),
            )
        )
    ledgers = sorted(ledger_metrics().values(), key=lambda m: m.code)
    wanted = {m.department_id for m in ledgers if m.department_id}
    departments = {d.pk: d for d in Department.objects.filter(pk__in=wanted)} if wanted else {}
    for m in ledgers:
        owner = departments.get(m.department_id) if m.department_id else None
        group(m.department_id, named(owner.name, owner.name_en) if owner else "").append(
            MetricChoice(
                code=m.code,
                name=named(m.name_zh, m.name_en),
                unit=m.unit,
                search=" ".join((m.name_zh, m.name_en, m.code)),
            )
        )
    return [
        MetricGroup(name or _("Counted from the ledgers"), metrics)
        for name, metrics in groups.values()
    ]
