"""Synthetic statistics for benchmarks: a made-up city, its units, elements, values and targets.

The generator is deterministic: the same number of values, seed and number of units give
byte-identical rows (one ``random.Random(seed)`` drawn in a fixed order, integer arithmetic,
``Decimal`` values). Its rows are a stream: element after element, each year's months and
then that year's published cumulative windows, the units of a month in post-order (towns,
then their district; the districts, then the city). The stream is cut after exactly N values,
so the last element may be incomplete; every earlier one is complete.

What it makes, so that every path of the figure engine has something to do:

- a city ``SYN`` (合成测试市) with K districts ``SYN01``… and six towns each ``SYN0101``…;
  nothing else in the tree is touched;
- elements ``syn_0000``…, owned by 经济发展局 (or a department ``SYN`` where that does not
  exist), in groups of ten: a whole with no values of its own (the sum of its parts), two
  parts, a stock (家), a rate (%), a flow with published cumulative windows (1—2月, 1—8月,
  1—9月, which win over the sum of the months), and four plain flows;
- monthly values 2015-01…2017-12 for every unit: a district's flow or stock is the sum of its
  towns', the city's the sum of its districts' (so shares and ranks add up); rates are drawn
  for each unit;
- annual targets for 2017 (the year before's total plus 5–12 %) for the first part, the
  window flow and the first plain flow of each group.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.periods import last_day_of
from kaifaqu.orgs.models import Department, OrgUnit, OrgUnitKind
from kaifaqu.orgs.tree import org_tree

from .models import DataElement, DataValue, Target
from .services import period_months

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


# -- reading what is there ------------------------------------------------------------------


def synthetic_unit_ids() -> list[int]:
    """The synthetic city and everything below it, deepest first (the order to delete in)."""
    tree = org_tree()
    root = tree.by_code.get(CITY_CODE)
    if root is None or tree.parent[root] is not None:
        return []
    below = tree.below(root)
    listed = [(pk, depth) for pk, depth in tree.depth_first() if pk in below]
    return [pk for pk, _depth in sorted(listed, key=lambda unit: -unit[1])]


def synthetic_element_ids() -> list[int]:
    return [
        pk
        for pk, code in DataElement.objects.filter(code__startswith=ELEMENT_PREFIX).values_list(
            "id", "code"
        )
        if code.startswith(ELEMENT_PREFIX)  # SQLite's LIKE ignores case
    ]


def synthetic_counts() -> dict[str, int]:
    """How much synthetic data there is: org units, elements, and values on either."""
    unit_ids, element_ids = synthetic_unit_ids(), synthetic_element_ids()
    values = DataValue.objects.filter(element_id__in=element_ids).count()
    values += (
        DataValue.objects.filter(org_unit_id__in=unit_ids).exclude(element_id__in=element_ids)
    ).count()
    return {"units": len(unit_ids), "elements": len(element_ids), "values": values}


def figure_request_mix(count: int = 150, *, orgs: int = 12) -> list[tuple[str, str, str]]:
    """``count`` distinct (metric, org, period) over the first thirty synthetic elements.

    A mix a report would ask for: wholes with parts, stocks, rates, published windows and
    flows; months, quarters, a half, the year and cumulative windows (each also compared
    with the year before); districts (share of the city and rank among their peers), a town
    and the city itself. In a fixed order, so 10 of them are the first 10 of 150.
    """
    units = [f"{CITY_CODE}{k:02d}" for k in range(1, min(orgs, 4) + 1)]
    units += [f"{CITY_CODE}0101", CITY_CODE]
    windows = ["2017-08", "2017-01/2017-08", "2017Q3", "2017H1", "2017-01/2017-09", "2017"]
    periods = {
        STOCK: ["2017-08", "2017Q3", "2017H1", "2017"],
        RATE: ["2017-08", "2017-01/2017-02", "2017-01/2017-08", "2017-01/2017-09"],
    }
    combos = [
        (element_code(i), unit, period)
        for i in range(3 * GROUP)
        for unit in units
        for period in periods.get(element_kind(i), windows)
    ]
    random.Random(0).shuffle(combos)
    if count > len(combos):
        raise ValueError(f"the mix has {len(combos)} requests, not {count}")
    return combos[:count]


# -- writing --------------------------------------------------------------------------------


def _delete_synthetic() -> dict[str, int]:
    unit_ids, element_ids = synthetic_unit_ids(), synthetic_element_ids()
    codes = list(DataElement.objects.filter(id__in=element_ids).values_list("code", flat=True))
    deleted = {
        "values": DataValue.objects.filter(element_id__in=element_ids).delete()[0]
        + DataValue.objects.filter(org_unit_id__in=unit_ids).delete()[0],
        "targets": Target.objects.filter(metric_code__in=codes).delete()[0]
        + Target.objects.filter(org_unit_id__in=unit_ids).delete()[0],
    }
    parts = DataElement.objects.filter(id__in=element_ids, whole__isnull=False).delete()[0]
    deleted["elements"] = parts + DataElement.objects.filter(id__in=element_ids).delete()[0]
    try:
        for pk in unit_ids:  # deepest first: a unit's parent is protected while it has children
            OrgUnit.objects.filter(pk=pk).delete()
    except ProtectedError as error:
        # str(): a model's verbose name is a lazy string, which join() does not take.
        users = sorted({str(o._meta.verbose_name) for o in error.protected_objects})
        raise ValidationError(
            _("The synthetic org units are used by other data (%(what)s); nothing was changed.")
            % {"what": ", ".join(users)}
        ) from None
    deleted["units"] = len(unit_ids)
    return deleted


def _department() -> Department:
    department = Department.objects.filter(name=DEPARTMENT_NAME).first()
    if department is None:
        department = Department.objects.filter(code=DEPARTMENT_CODE).first()
    if department is None:
        department = Department(
            code=DEPARTMENT_CODE,
            name="合成数据 (SYN)",
            name_en="Synthetic data (SYN)",
            order=ORDER_OFFSET,
        )
        department.full_clean()
        department.save()
    return department


def _create_units(orgs: int) -> dict[str, OrgUnit]:
    created: dict[str, OrgUnit] = {}
    for order, spec in enumerate(synthetic_units(orgs), start=1):
        unit = OrgUnit(
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            parent=created.get(spec.parent) if spec.parent else None,
            order=ORDER_OFFSET + order,
            source="synthetic",
        )
        unit.full_clean()
        unit.save()
        created[spec.code] = unit
    return created


def _create_element(
    spec: ElementSpec, department: Department, wholes: dict[str, DataElement]
) -> DataElement:
    element = DataElement(
        code=spec.code,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        unit=spec.unit,
        time_aggregation=spec.time_aggregation,
        unit_aggregation=spec.unit_aggregation,
        growth_basis="computed",
        decimals=spec.decimals,
        department=department,
        whole=wholes.get(spec.whole) if spec.whole else None,
        part_order=spec.part_order,
        order=ORDER_OFFSET + spec.index,
    )
    element.full_clean()
    element.save()
    return element


_ENTERED_AT: dict[int, datetime] = {}


def _entered_at(month_to: int) -> datetime:
    """The 10th of the month after the period (when a bureau would have it), fixed."""
    if month_to not in _ENTERED_AT:
        following = last_day_of(month_to) + timedelta(days=1)
        _ENTERED_AT[month_to] = datetime(following.year, following.month, 10, 1, 0, tzinfo=UTC)
    return _ENTERED_AT[month_to]


def _check(actor: User | None, values: int, orgs: int) -> None:
    if actor is not None and access.editable_department_ids(actor) is not None:
        raise PermissionDenied(_("Only a zone administrator may generate synthetic data."))
    if not 1 <= values <= MAX_VALUES:
        raise ValidationError(
            {"values": _("The number of values must be from 1 to %(max)s.") % {"max": MAX_VALUES}}
        )
    if not 1 <= orgs <= MAX_ORGS:
        raise ValidationError(
            {"orgs": _("The number of districts must be from 1 to %(max)s.") % {"max": MAX_ORGS}}
        )


@transaction.atomic
def synthetic_generate(
    *,
    actor: User | None,
    values: int,
    seed: int = 2017,
    orgs: int = 12,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SyntheticResult:
    """Write exactly ``values`` synthetic values (with their units, elements and targets).

    Refused, writing nothing, when synthetic data exists, unless ``replace`` (then that is
    deleted first, in the same transaction). Rows are written with ``bulk_create`` in
    batches and not audited one by one: a million audit rows, each appended under the audit
    chain's lock, would take hours and bury the log in rows nobody reads, for data that is
    made up and reproducible from its seed. One audit row records the generation instead:
    how many rows of each kind, the seed, and the checksum of the values, which identifies
    them exactly.
    """
    _check(actor, values, orgs)
    counts = synthetic_counts()
    deleted: dict[str, int] = {}
    if any(counts.values()):
        if not replace:
            raise SyntheticDataExists(counts)
        deleted = _delete_synthetic()
    department = _department()
    units = _create_units(orgs)
    result = SyntheticResult(seed=seed, orgs=orgs, org_units=len(units), deleted=deleted)
    digest = hashlib.sha256()
    wholes: dict[str, DataElement] = {}
    batch: list[DataValue] = []
    source = f"synthetic (seed {seed})"

    def flush() -> None:
        DataValue.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        result.values += len(batch)
        batch.clear()
        if progress is not None:
            progress(result.values, values)

    for spec, rows, targets in synthetic_plan(seed=seed, orgs=orgs):
        if result.values + len(batch) >= values:
            break
        element = _create_element(spec, department, wholes)
        result.elements += 1
        if spec.kind == WHOLE:
            wholes[spec.code] = element
        for row in rows[: values - result.values - len(batch)]:
            digest.update(row.line().encode())
            batch.append(
                DataValue(
                    element_id=element.pk,
                    org_unit_id=units[row.org].pk,
                    period=row.period,
                    month_from=row.month_from,
                    month_to=row.month_to,
                    value=row.value,
                    status=row.status,
                    source=source,
                    entered_at=_entered_at(row.month_to),
                )
            )
            if len(batch) >= BATCH_SIZE:
                flush()
        Target.objects.bulk_create(
            Target(
                metric_code=t.metric_code,
                org_unit_id=units[t.org].pk,
                year=t.year,
                value=t.value,
                source=source,
            )
            for t in targets
        )
        result.targets += len(targets)
    if batch:
        flush()
    result.checksum = digest.hexdigest()
    audit.record(
        AuditAction.IMPORT,
        actor=actor,
        object_type="stats.synthetic",
        object_repr=f"synthetic data: {result.values} values (seed {seed})",
        after={
            "values": result.values,
            "elements": result.elements,
            "org_units": result.org_units,
            "targets": result.targets,
            "seed": seed,
            "orgs": orgs,
            "checksum_sha256": result.checksum,
            "replaced": deleted,
            "note": "rows written in bulk, not audited one by one",
        },
    )
    return result
