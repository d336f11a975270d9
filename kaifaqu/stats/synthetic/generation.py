"""Generating the synthetic data: the layout of units and elements, and the deterministic
stream of values and targets. Nothing here touches the database."""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaifaqu.orgs.models import OrgUnitKind

from ..services import period_months

CITY_CODE = "SYN"
ELEMENT_PREFIX = "syn_"
DEPARTMENT_NAME = "经济发展局"
DEPARTMENT_CODE = "SYN"
YEARS = (2015, 2016, 2017)
WINDOW_ENDS = (2, 8, 9)  # 1—2月, 1—8月, 1—9月 of each year, as a bureau publishes them
TOWNS_PER_UNIT = 6
TARGET_YEAR = 2017
GROUP = 10
MAX_ORGS = 99
MAX_VALUES = 50_000_000
BATCH_SIZE = 2000
#: Elements after the real catalogue in every list.
ORDER_OFFSET = 100_000

# kind of the element at each position of a group of ten
WHOLE, PART, STOCK, RATE, WINDOWED, FLOW = "whole", "part", "stock", "rate", "windowed", "flow"
KINDS = (WHOLE, PART, PART, STOCK, RATE, WINDOWED, FLOW, FLOW, FLOW, FLOW)
TARGETED = {1, 5, 6}  # positions in the group whose elements get annual targets

KIND_NAMES = {
    WHOLE: ("总量", "total"),
    PART: ("分项", "part"),
    STOCK: ("存量", "stock"),
    RATE: ("比率", "rate"),
    WINDOWED: ("累计", "published cumulative flow"),
    FLOW: ("流量", "flow"),
}


def element_kind(index: int) -> str:
    return KINDS[index % GROUP]


def element_code(index: int) -> str:
    return f"{ELEMENT_PREFIX}{index:04d}"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElementSpec:
    index: int
    code: str
    kind: str
    name_zh: str
    name_en: str
    unit: str
    time_aggregation: str
    unit_aggregation: str
    decimals: int
    whole: str | None = None
    part_order: int = 0


@dataclass(frozen=True)
class ValueRow:
    element: str
    org: str
    period: str
    month_from: int
    month_to: int
    value: Decimal
    status: str

    def line(self) -> str:
        return f"{self.element}\t{self.org}\t{self.period}\t{self.value}\t{self.status}\n"


@dataclass(frozen=True)
class TargetRow:
    metric_code: str
    org: str
    year: int
    value: Decimal


@dataclass
class SyntheticResult:
    values: int = 0
    elements: int = 0
    org_units: int = 0
    targets: int = 0
    seed: int = 0
    orgs: int = 0
    checksum: str = ""
    deleted: dict[str, int] = field(default_factory=dict)


class SyntheticDataExists(ValidationError):
    """Synthetic data is in the database already and replacing it was not asked for."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        super().__init__(
            _(
                "Synthetic data exists already (%(units)d org units, %(elements)d elements, "
                "%(values)d values); nothing was written."
            )
            % counts
        )


# -- the layout -----------------------------------------------------------------------------


def synthetic_units(orgs: int) -> list[UnitSpec]:
    """The synthetic tree, parents first: the city, then each district and its towns."""
    districts = [f"{CITY_CODE}{k:02d}" for k in range(1, orgs + 1)]
    units = [
        UnitSpec(
            CITY_CODE, "合成测试市", "Synthetic test city", OrgUnitKind.CITY, None, tuple(districts)
        ),
    ]
    for k, district in enumerate(districts, start=1):
        towns = tuple(f"{district}{t:02d}" for t in range(1, TOWNS_PER_UNIT + 1))
        units.append(
            UnitSpec(
                district,
                f"合成区{k:02d}",
                f"Synthetic district {k:02d}",
                OrgUnitKind.DISTRICT,
                CITY_CODE,
                towns,
            )
        )
        units += [
            UnitSpec(
                town,
                f"合成镇{k:02d}{t:02d}",
                f"Synthetic town {k:02d}{t:02d}",
                OrgUnitKind.TOWN,
                district,
            )
            for t, town in enumerate(towns, start=1)
        ]
    return units


def _post_order(units: list[UnitSpec]) -> list[UnitSpec]:
    """Children before their parent: a parent's sum is known when it is written."""
    by_code = {u.code: u for u in units}
    out: list[UnitSpec] = []

    def visit(unit: UnitSpec) -> None:
        for child in unit.children:
            visit(by_code[child])
        out.append(unit)

    visit(by_code[CITY_CODE])
    return out


class _Names(TypedDict):
    """What an element spec has whatever its kind."""

    index: int
    code: str
    kind: str
    name_zh: str
    name_en: str


def _element_spec(index: int) -> ElementSpec:
    kind = element_kind(index)
    zh, en = KIND_NAMES[kind]
    common: _Names = {
        "index": index,
        "code": element_code(index),
        "kind": kind,
        "name_zh": f"合成{zh}{index:04d}号指标",
        "name_en": f"Synthetic {en} {index:04d}",
    }
    if kind in (WHOLE, PART):
        position = index % GROUP
        whole = element_code(index - position) if kind == PART else None
        part_order = position if whole else 0
        return ElementSpec(
            **common,
            unit="亿元",
            time_aggregation="sum",
            unit_aggregation="sum",
            decimals=2,
            whole=whole,
            part_order=part_order,
        )
    if kind == STOCK:
        return ElementSpec(
            **common, unit="家", time_aggregation="last", unit_aggregation="sum", decimals=0
        )
    if kind == RATE:
        return ElementSpec(
            **common, unit="%", time_aggregation="none", unit_aggregation="none", decimals=2
        )
    return ElementSpec(
        **common, unit="万元", time_aggregation="sum", unit_aggregation="sum", decimals=2
    )


# -- the values -----------------------------------------------------------------------------

_PERIODS: dict[tuple[int, int, int], tuple[str, int, int]] = {}


def _period(year: int, first: int, last: int) -> tuple[str, int, int]:
    """Written form and months exactly as ``services.period_months`` gives them."""
    key = (year, first, last)
    if key not in _PERIODS:
        text = f"{year}-{first:02d}" if first == last else f"{year}-{first:02d}/{year}-{last:02d}"
        _PERIODS[key] = period_months(text)
    return _PERIODS[key]


def _status(year: int, last_month: int, window: bool) -> str:
    """The latest figures are not final yet: 2017's windows estimated, Q4's months preliminary."""
    if year == TARGET_YEAR and window:
        return "estimate"
    if year == TARGET_YEAR and last_month >= 10:
        return "preliminary"
    return "final"


def _amount(cents: int, decimals: int) -> Decimal:
    return Decimal(cents).scaleb(-decimals)


def _draw_element(
    rng: random.Random, spec: ElementSpec, units: list[UnitSpec], post: list[UnitSpec]
) -> tuple[list[ValueRow], list[TargetRow]]:
    """Every value and target of one element, drawn in a fixed order."""
    if spec.kind == WHOLE:
        return [], []
    months = [(y, m) for y in YEARS for m in range(1, 13)]
    leaves = [u.code for u in units if not u.children]
    monthly: dict[tuple[str, int, int], int] = {}
    windows: dict[tuple[str, int, int], int] = {}
    if spec.kind == RATE:
        for unit in units:
            base = rng.randint(500, 9500)
            for y, m in months:
                monthly[(unit.code, y, m)] = min(10_000, max(0, base + rng.randint(-300, 300)))
            for y in YEARS:
                for end in WINDOW_ENDS:
                    windows[(unit.code, y, end)] = min(
                        10_000, max(0, base + rng.randint(-200, 200))
                    )
    else:
        for leaf in leaves:
            if spec.kind == STOCK:
                count = rng.randint(5, 300)
                for y, m in months:
                    count = max(0, count + rng.randint(-2, 4))
                    monthly[(leaf, y, m)] = count
                continue
            low, high = (50, 2000) if spec.unit == "亿元" else (10_000, 5_000_000)
            base, growth = rng.randint(low, high), rng.randint(-5, 20)
            for y, m in months:
                k = y - YEARS[0]
                season, noise = 90 + 2 * m, rng.randint(85, 115)
                monthly[(leaf, y, m)] = (
                    base * (100 + growth) ** k * season * noise // (100**k * 100 * 100)
                )
            if spec.kind == WINDOWED:  # a published window differs a little from its months
                for y in YEARS:
                    for end in WINDOW_ENDS:
                        months_sum = sum(monthly[(leaf, y, m)] for m in range(1, end + 1))
                        revision = rng.randint(-months_sum // 200, months_sum // 200)
                        windows[(leaf, y, end)] = months_sum + revision
        for unit in post:  # parents add up their children
            if unit.children:
                for y, m in months:
                    monthly[(unit.code, y, m)] = sum(monthly[(c, y, m)] for c in unit.children)
                if spec.kind == WINDOWED:
                    for y in YEARS:
                        for end in WINDOW_ENDS:
                            windows[(unit.code, y, end)] = sum(
                                windows[(c, y, end)] for c in unit.children
                            )
    rows: list[ValueRow] = []
    for y in YEARS:
        for m in range(1, 13):
            period, first, last = _period(y, m, m)
            status = _status(y, m, window=False)
            rows += [
                ValueRow(
                    spec.code,
                    u.code,
                    period,
                    first,
                    last,
                    _amount(monthly[(u.code, y, m)], spec.decimals),
                    status,
                )
                for u in post
            ]
        if windows:
            for end in WINDOW_ENDS:
                period, first, last = _period(y, 1, end)
                status = _status(y, end, window=True)
                rows += [
                    ValueRow(
                        spec.code,
                        u.code,
                        period,
                        first,
                        last,
                        _amount(windows[(u.code, y, end)], spec.decimals),
                        status,
                    )
                    for u in post
                ]
    targets: list[TargetRow] = []
    if spec.index % GROUP in TARGETED:
        for u in post:
            prior = sum(monthly[(u.code, TARGET_YEAR - 1, m)] for m in range(1, 13))
            factor = 100 + rng.randint(5, 12)
            targets.append(
                TargetRow(
                    spec.code, u.code, TARGET_YEAR, _amount(prior * factor // 100, spec.decimals)
                )
            )
    return rows, targets


def synthetic_plan(
    *, seed: int, orgs: int
) -> Iterator[tuple[ElementSpec, list[ValueRow], list[TargetRow]]]:
    """Element after element, without end: each with its values and targets."""
    rng = random.Random(seed)
    units = synthetic_units(orgs)
    post = _post_order(units)
    for index in itertools.count():
        spec = _element_spec(index)
        rows, targets = _draw_element(rng, spec, units, post)
        yield spec, rows, targets


def synthetic_rows(*, values: int, seed: int = 2017, orgs: int = 12) -> Iterator[ValueRow]:
    """The first ``values`` rows of the stream, as ``synthetic_generate`` writes them."""
    left = values
    for _spec, rows, _targets in synthetic_plan(seed=seed, orgs=orgs):
        if left <= 0:
            return
        yield from rows[:left]
        left -= min(left, len(rows))


def checksum(rows: Iterable[ValueRow]) -> str:
    """SHA-256 over the rows' text, in stream order: equal checksums, identical values."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.line().encode())
    return digest.hexdigest()
