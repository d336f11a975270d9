"""The figure engine: a batch of (metric, org unit, period) requests in a bounded number of
SQL queries, each answer with every comparison a work report states and its provenance.

Queries, whatever the number of figures: the catalogue (1), the org tree (1), the values of
every element, unit and month the batch touches (1), the targets (1), and one call per
ledger metric involved. Everything else is arithmetic on what those returned. The value rows
are converted only as far as they are read (rows.py).

Values are combined unrounded (Decimal); rounding is for display only. A figure whose inputs
are missing says what is missing instead of showing a number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from kaifaqu.core import numbers
from kaifaqu.core.periods import (
    MIN_YEAR,
    Period,
    PeriodError,
    keys_between,
    label,
    parse,
    shift_keys,
)
from kaifaqu.orgs.tree import org_tree
from kaifaqu.stats.models import STATUS_STRENGTH, DataElement, DataValue, Target

from .figures import Figure, FigureRequest, Input, Part
from .registry import LedgerValue, Metric, Window, ledger_metrics
from .rows import (
    AMOUNT_COLUMNS,
    ELEMENT,
    FROM,
    INPUT_COLUMNS,
    ORG,
    STORED_COLUMNS,
    TO,
    Amounts,
    Converter,
    RawRow,
    as_fetched,
    unconverted,
)
from .text import figure_text

HUNDRED = Decimal(100)
GROWTH_DECIMALS = 1


#: What a value was computed from: a ledger's Input, or a stored value's row, made an Input
#: (its provenance converted) only when a figure shows it (Batch.inputs).
Source = Input | RawRow


@dataclass
class Resolved:
    value: Decimal
    sources: list[Source] = field(default_factory=list)
    how: str = ""
    reported_growth: Decimal | None = None
    comparable_prior: Decimal | None = None


#: STATUS_STRENGTH by the status as stored (a ValueStatus equals and hashes as its value).
_STRENGTH: dict[str, int] = {status.value: n for status, n in STATUS_STRENGTH.items()}


def _weakest(inputs: list[Input]) -> str | None:
    statuses = [i.status for i in inputs if i.status]
    return min(statuses, key=lambda s: _STRENGTH.get(s, 0)) if statuses else None


def load_metrics(codes: Iterable[str]) -> dict[str, Metric]:
    """The metrics named, and their parts, from the catalogue and the ledger registry."""
    codes = set(codes)
    ledgers = ledger_metrics()
    found: dict[str, Metric] = {}
    elements = DataElement.objects.filter(Q(code__in=codes) | Q(whole__code__in=codes)).values(
        "id",
        "code",
        "name_zh",
        "name_en",
        "unit",
        "decimals",
        "time_aggregation",
        "unit_aggregation",
        "growth_basis",
        "whole__code",
        "part_order",
        "department_id",
    )
    rows = list(elements)
    parts_of: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        if row["whole__code"]:
            parts_of[row["whole__code"]].append((row["part_order"], row["code"]))
    for row in rows:
        found[row["code"]] = Metric(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            unit=row["unit"],
            decimals=row["decimals"],
            time_aggregation=row["time_aggregation"],
            unit_aggregation=row["unit_aggregation"],
            growth_basis=row["growth_basis"],
            parts=tuple(code for _o, code in sorted(parts_of.get(row["code"], []))),
            whole=row["whole__code"],
            element_id=row["id"],
            department_id=row["department_id"],
            ledger=ledgers[row["code"]].ledger if row["code"] in ledgers else None,
        )
    for code in codes:
        if code not in found and code in ledgers:
            found[code] = ledgers[code]
    return found


class Batch:
    """The data one batch of requests needs, fetched once, and the arithmetic on it."""

    def __init__(self, requests: list[FigureRequest]):
        self.requests = requests
        self.periods: dict[str, Period | None] = {}
        for r in requests:
            if r.period not in self.periods:
                try:
                    self.periods[r.period] = parse(r.period)
                except PeriodError:
                    self.periods[r.period] = None
        self.metrics = load_metrics({r.metric for r in requests})
        for m in list(self.metrics.values()):
            for part in m.parts:
                if part not in self.metrics:  # a ledger metric's parts
                    self.metrics.update(load_metrics([part]))
        self._load_orgs()
        self._load_values()
        self._load_targets()
        self._call_ledgers()
        self._memo: dict[tuple[str, int, Window], Resolved | None] = {}
        self._growth: dict[tuple[str, int, Window], tuple[Decimal | None, str]] = {}
        self._inputs: dict[int, Input] = {}
        self.element_code = {m.element_id: m.code for m in self.metrics.values() if m.element_id}

    # -- loading ---------------------------------------------------------------------------

    def _load_orgs(self) -> None:
        self.tree = tree = org_tree()
        self.org_by_code, self.org_code, self.org_name = tree.by_code, tree.code, tree.name
        self.children = tree.children
        self.city_of = tree.city_of

    def _windows(self) -> set[Window]:
        """The windows asked and the same windows one and two years earlier (last year's
        growth), none before the first year a value may be stored for."""
        out: set[Window] = set()
        for period in self.periods.values():
            if period is not None:
                back = [n for n in (0, -1, -2) if period.year + n >= MIN_YEAR]
                out.update(shift_keys(period.key_range, n) for n in back)
        return out

    def _orgs_needed(self) -> set[int]:
        orgs: set[int] = set()
        for r in self.requests:
            org = self.org_by_code.get(r.org)
            if org is None:
                continue
            orgs.add(org)
            orgs.update(self.children.get(org, []))
            city = self.city_of(org)
            if city is not None:
                orgs.add(city)
                orgs.update(self.children.get(city, []))
        return orgs

    def _load_values(self) -> None:
        self.windows = self._windows()
        self.orgs = self._orgs_needed()
        element_ids = [m.element_id for m in self.metrics.values() if m.element_id]
        #: (element, unit, first month, last month) → the row as fetched, converted when read
        #: (_amounts, _input). One flat dict: a key per row is all the index allocates.
        self.values: dict[tuple[int, int, int, int], RawRow] = {}
        self._amounts_of: dict[int, Amounts] = {}
        self._convert: Converter = as_fetched
        if not (self.windows and self.orgs and element_ids):
            return
        low = min(w[0] for w in self.windows)
        high = max(w[1] for w in self.windows)
        # Plain tuples in no order: model instances, and the model's default ordering (which
        # joins the element and org tables to sort), cost several times the fetch itself on a
        # batch of tens of thousands of rows (bench/bench_figures.py).
        rows, self._convert = unconverted(
            DataValue.objects.filter(
                element_id__in=element_ids,
                org_unit_id__in=self.orgs,
                month_from__gte=low,
                month_to__lte=high,
            )
            .order_by()
            .values_list(*STORED_COLUMNS)
        )
        self.values = {(r[ELEMENT], r[ORG], r[FROM], r[TO]): r for r in rows}

    def _amounts(self, row: RawRow) -> Amounts:
        """The numbers of a fetched row, converted the first time they are read."""
        amounts = self._amounts_of.get(row[0])
        if amounts is None:
            amounts = Amounts._make(self._convert(row, AMOUNT_COLUMNS))
            self._amounts_of[row[0]] = amounts
        return amounts

    def _load_targets(self) -> None:
        years = {p.year for p in self.periods.values() if p is not None}
        orgs = {self.org_by_code[r.org] for r in self.requests if r.org in self.org_by_code}
        self.targets: dict[tuple[str, int, int], Target] = {}
        if not years or not orgs:
            return
        for t in Target.objects.filter(
            metric_code__in=list(self.metrics), org_unit_id__in=orgs, year__in=years
        ):
            self.targets[(t.metric_code, t.org_unit_id, t.year)] = t

    def _call_ledgers(self) -> None:
        self.ledger_values: dict[str, dict[tuple[int, Window], LedgerValue]] = {}
        for code, metric in self.metrics.items():
            if metric.ledger is not None:
                self.ledger_values[code] = metric.ledger(sorted(self.orgs), sorted(self.windows))

    # -- resolving one value ---------------------------------------------------------------

    def inputs(self, resolved: Resolved) -> list[Input]:
        """What a value was computed from, with its provenance: the inputs a figure shows."""
        return [s if isinstance(s, Input) else self._input(s) for s in resolved.sources]

    def _input(self, row: RawRow) -> Input:
        # One Input per stored value, shared by every figure that shows it (it is frozen).
        made = self._inputs.get(row[0])
        if made is None:
            pk, org, period, status, source, entered_at, entered_by = self._convert(
                row, INPUT_COLUMNS
            )
            made = self._inputs[pk] = Input(
                metric=self.element_code[row[ELEMENT]],
                org=self.org_code[org],
                period=period,
                value=self._amounts(row).value,
                status=status,
                source=source,
                value_id=pk,
                entered_by=entered_by or "",
                entered_at=entered_at,
            )
        return made

    def resolve(self, code: str, org: int, window: Window) -> Resolved | None:
        key = (code, org, window)
        if key not in self._memo:
            self._memo[key] = None  # guards against a cycle through parts or children
            self._memo[key] = self._resolve(self.metrics[code], org, window)
        return self._memo[key]

    def _resolve(self, metric: Metric, org: int, window: Window) -> Resolved | None:
        ledger = self.ledger_values.get(metric.code, {}).get((org, window))
        if ledger is not None:
            records = tuple(
                {"label": r.label, "url": r.url, "value": None if r.value is None else str(r.value)}
                for r in ledger.records
            )
            return Resolved(
                ledger.value,
                [
                    Input(
                        metric=metric.code,
                        org=self.org_code[org],
                        period=str(Period.from_keys(*window)),
                        value=ledger.value,
                        status="final",
                        source=ledger.formula or _("counted from the ledger"),
                        kind="ledger",
                        records=records,
                    )
                ],
                how="ledger",
            )
        element, values = metric.element_id, self.values
        direct = values.get((element, org, *window)) if element else None
        if direct is not None:
            amounts = self._amounts(direct)
            return Resolved(
                amounts.value,
                [direct],
                how="entered",
                reported_growth=amounts.reported_growth_pct,
                comparable_prior=amounts.comparable_prior,
            )
        # Below, all(... is not None) rules out None, which mypy cannot see through; a cast
        # would be a call on the engine's hot path, hence the ignores.
        months = keys_between(*window)
        if element and metric.time_aggregation == "sum" and len(months) > 1:
            monthly = [values.get((element, org, m, m)) for m in months]
            if all(row is not None for row in monthly):
                return Resolved(
                    sum((self._amounts(row).value for row in monthly), Decimal(0)),  # type: ignore[arg-type]
                    monthly,  # type: ignore[arg-type]
                    how="months",
                )
        if element and metric.time_aggregation == "last":
            # The value ending with the window that starts latest (a month's before a
            # quarter's); a stored window lies within one year, so it starts in one of these.
            for first in reversed(months):
                row = values.get((element, org, first, window[1]))
                if row is not None:
                    return Resolved(self._amounts(row).value, [row], how="stock")
        if metric.parts:
            parts = [self.resolve(p, org, window) for p in metric.parts]
            if all(p is not None for p in parts):
                return Resolved(
                    sum((p.value for p in parts), Decimal(0)),  # type: ignore[union-attr]
                    [s for p in parts for s in p.sources],  # type: ignore[union-attr]
                    how="parts",
                )
        if metric.unit_aggregation == "sum" and not metric.is_rate and self.children.get(org):
            kids = [self.resolve(metric.code, c, window) for c in self.children[org]]
            if all(k is not None for k in kids):
                return Resolved(
                    sum((k.value for k in kids), Decimal(0)),  # type: ignore[union-attr]
                    [s for k in kids for s in k.sources],  # type: ignore[union-attr]
                    how="units",
                )
        return None

    def growth(self, code: str, org: int, window: Window) -> tuple[Decimal | None, str]:
        """Growth % against the same window a year earlier, and the prior base used."""
        key = (code, org, window)
        if key not in self._growth:  # asked again for every figure ranking these peers
            self._growth[key] = self._growth_of(self.metrics[code], org, window)
        return self._growth[key]

    def _growth_of(self, metric: Metric, org: int, window: Window) -> tuple[Decimal | None, str]:
        code = metric.code
        current = self.resolve(code, org, window)
        if current is None:
            return None, "published"
        if metric.growth_basis == "reported":
            return current.reported_growth, "published"
        if current.comparable_prior is not None and current.comparable_prior != 0:
            return (current.value / current.comparable_prior - 1) * HUNDRED, "comparable"
        prior = self.resolve(code, org, shift_keys(window, -1))
        if prior is None or prior.value == 0:
            return None, "published"
        return (current.value / prior.value - 1) * HUNDRED, "published"

    # -- the figure ------------------------------------------------------------------------

    def figure(self, request: FigureRequest) -> Figure:
        fig = Figure(metric=request.metric, org=request.org, period=request.period)
        metric = self.metrics.get(request.metric)
        period = self.periods.get(request.period)
        org = self.org_by_code.get(request.org)
        if metric is None:
            fig.lack("metric", _("There is no metric %(code)s.") % {"code": request.metric})
        if org is None:
            fig.lack("org", _("There is no org unit %(code)s.") % {"code": request.org})
        if period is None:
            fig.lack("period", _("%(text)s is not a period.") % {"text": request.period})
        if metric is None or org is None or period is None:  # said in fig.missing
            return fig
        window = period.key_range
        fig.name, fig.unit, fig.decimals = metric.name_zh, metric.unit, metric.decimals
        fig.org_name, fig.period_label = self.org_name[org], label(period)
        fig.growth_basis = metric.growth_basis
        current = self.resolve(metric.code, org, window)
        if current is None:
            fig.lack(
                "value",
                _("No value for %(org)s in %(period)s.")
                % {"org": self.org_name[org], "period": fig.period_label},
            )
            return fig
        fig.value, fig.inputs = current.value, self.inputs(current)
        fig.status = _weakest(fig.inputs)
        fig.formula = _formula(metric, current.how)
        self._compare_with_prior(fig, metric, org, window, current)
        self._compare_with_city(fig, metric, org, window, current)
        self._target(fig, metric, org, period, current)
        if metric.parts:
            self._parts(fig, metric, org, window, current)
        fig.text = figure_text(fig, metric)
        return fig

    def _compare_with_prior(
        self, fig: Figure, metric: Metric, org: int, window: Window, current: Resolved
    ) -> None:
        prior = self.resolve(metric.code, org, shift_keys(window, -1))
        if prior is not None:
            fig.prior_value = prior.value
            fig.change = current.value - prior.value
            fig.inputs += self.inputs(prior)
        if current.comparable_prior is not None:
            fig.prior_value, fig.prior_basis = current.comparable_prior, "comparable"
            fig.change = current.value - current.comparable_prior
        if metric.is_rate:
            if prior is None:
                fig.lack("pp_change", _("No value for the same period last year."))
            else:
                d = metric.decimals
                fig.pp_change = numbers.round_half_up(current.value, d) - numbers.round_half_up(
                    prior.value, d
                )
            return
        fig.growth_pct, fig.prior_basis = self.growth(metric.code, org, window)
        if fig.growth_pct is None:
            fig.lack("growth_pct", _growth_gap(metric, prior))
            return
        fig.prior_growth_pct, _basis = self.growth(metric.code, org, shift_keys(window, -1))
        if fig.prior_growth_pct is None:
            fig.lack("prior_growth_pct", _("No growth for the same period last year."))
        else:
            fig.pp_change = _displayed(fig.growth_pct) - _displayed(fig.prior_growth_pct)

    def _compare_with_city(
        self, fig: Figure, metric: Metric, org: int, window: Window, current: Resolved
    ) -> None:
        city = self.city_of(org)
        if city is None:
            return
        fig.reference_org = self.org_code[city]
        whole = self.resolve(metric.code, city, window)
        if metric.is_rate:
            pass
        elif whole is None or whole.value == 0:
            fig.lack("share_pct", _("No value for %(city)s.") % {"city": self.org_name[city]})
        else:
            fig.share_pct = current.value / whole.value * HUNDRED
            fig.inputs += self.inputs(whole)
        peers = self.children.get(city, [])
        if org in peers:
            fig.peer_count = len(peers)
            by_value = {p: r.value for p in peers if (r := self.resolve(metric.code, p, window))}
            by_growth = {
                p: g for p in peers if (g := self.growth(metric.code, p, window)[0]) is not None
            }
            # A rank among some of the peers would mislead: it needs every one of them.
            if len(by_value) == len(peers):
                fig.rank_by_value = _rank(by_value, org)
            else:
                fig.lack("rank_by_value", _lacking(self, peers, by_value))
            if len(by_growth) == len(peers):
                fig.rank_by_growth = _rank(by_growth, org)
            elif not metric.is_rate:
                fig.lack("rank_by_growth", _lacking(self, peers, by_growth))
        if fig.growth_pct is not None:
            city_growth, _b = self.growth(metric.code, city, window)
            if city_growth is not None:
                fig.gap_pp = _displayed(fig.growth_pct) - _displayed(city_growth)

    def _target(
        self, fig: Figure, metric: Metric, org: int, period: Period, current: Resolved
    ) -> None:
        target = self.targets.get((metric.code, org, period.year))
        if target is None or target.value == 0:
            return
        fig.target = target.value
        fig.progress_pct = current.value / target.value * HUNDRED
        fig.time_progress_gap_pp = fig.progress_pct - period.months_elapsed_share() * HUNDRED

    def _parts(
        self, fig: Figure, metric: Metric, org: int, window: Window, whole: Resolved
    ) -> None:
        prior_window = shift_keys(window, -1)
        whole_prior = self.resolve(metric.code, org, prior_window)
        for code in metric.parts:
            part_metric = self.metrics[code]
            part = Part(metric=code, name=part_metric.name_zh)
            current = self.resolve(code, org, window)
            prior = self.resolve(code, org, prior_window)
            if current is not None:
                part.value = current.value
                if whole.value:
                    part.share_pct = current.value / whole.value * HUNDRED
            if prior is not None:
                part.prior_value = prior.value
                if whole_prior is not None and whole_prior.value:
                    part.prior_share_pct = prior.value / whole_prior.value * HUNDRED
            if part.share_pct is not None and part.prior_share_pct is not None:
                part.share_pp_change = _displayed(part.share_pct) - _displayed(part.prior_share_pct)
            if current is not None and prior is not None and whole_prior is not None:
                increase = current.value - prior.value
                if whole_prior.value:
                    part.pull_pp = increase / whole_prior.value * HUNDRED
                whole_increase = whole.value - whole_prior.value
                if whole_increase:
                    part.contribution_pct = increase / whole_increase * HUNDRED
            fig.parts.append(part)


def _displayed(rate: Decimal) -> Decimal:
    return numbers.round_half_up(rate, GROWTH_DECIMALS)


def _rank(values: dict[int, Decimal], org: int) -> int | None:
    """Competition ranking, largest first: ties share a rank and the next rank skips."""
    if org not in values:
        return None
    mine = values[org]
    return 1 + sum(1 for v in values.values() if v > mine)


def _lacking(batch: Batch, peers: list[int], have: dict[int, Decimal]) -> str:
    names = [batch.org_name[p] for p in peers if p not in have]
    shown = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
    return _("No rank: %(count)d of %(total)d units have no figure (%(names)s).") % {
        "count": len(names),
        "total": len(peers),
        "names": shown,
    }


def _growth_gap(metric: Metric, prior: Resolved | None) -> str:
    if metric.growth_basis == "reported":
        return _("Growth at comparable prices is reported with the value, and none was.")
    if prior is None:
        return _("No value for the same period last year.")
    return _("The value for the same period last year is zero.")


def _formula(metric: Metric, how: str) -> str:
    return {
        "entered": _("%(name)s as entered") % {"name": metric.name_zh},
        "months": _("%(name)s: the sum of the months") % {"name": metric.name_zh},
        "stock": _("%(name)s at the end of the period") % {"name": metric.name_zh},
        "parts": " + ".join(metric.parts),
        "units": _("%(name)s: the sum of the units below") % {"name": metric.name_zh},
        "ledger": _("%(name)s counted from the ledger") % {"name": metric.name_zh},
    }.get(how, "")


def compute(requests: Iterable[FigureRequest]) -> list[Figure]:
    """The figures for a batch of requests, in the order asked."""
    requests = list(requests)
    if not requests:
        return []
    batch = Batch(requests)
    return [batch.figure(r) for r in requests]
