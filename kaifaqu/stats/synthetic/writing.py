"""Reading and writing the synthetic data: what of it is in the database, and replacing it
with a newly generated set, audited."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from kaifaqu.core import access, audit
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.periods import last_day_of
from kaifaqu.orgs.models import Department, OrgUnit
from kaifaqu.orgs.tree import org_tree

from ..models import DataElement, DataValue, Target
from .generation import (
    BATCH_SIZE,
    CITY_CODE,
    DEPARTMENT_CODE,
    DEPARTMENT_NAME,
    ELEMENT_PREFIX,
    GROUP,
    MAX_ORGS,
    MAX_VALUES,
    ORDER_OFFSET,
    RATE,
    STOCK,
    WHOLE,
    ElementSpec,
    SyntheticDataExists,
    SyntheticResult,
    element_code,
    element_kind,
    synthetic_plan,
    synthetic_units,
)

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
