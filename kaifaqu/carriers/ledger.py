"""The carriers' metric for the figure engine: idle floor area of building units (万平方米).

A stock: its value for a window is the idle area at the window's end, read from the carriers'
status history (a unit counts from its entry row on, with the status of its last move on or
before that day), so a past window shows what was idle then, not what is idle now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.core.periods import last_day_of
from kaifaqu.metrics.registry import LedgerRecord, LedgerValue, Metric, Window
from kaifaqu.orgs.tree import org_tree

from .models import BuildingUnit, CarrierKind, CarrierStatus, CarrierStatusChange

CODE = "carriers_idle_area"
M2_PER_WAN = Decimal(10000)


def idle_area(
    org_ids: Iterable[int], windows: Iterable[Window]
) -> dict[tuple[int, Window], LedgerValue]:
    """The idle area of each unit asked (the zone and units below it) at each window's end.

    Three queries whatever the batch: the org tree, the status history up to the last day
    asked, and the units that history names.
    """
    windows = sorted(set(windows))
    if not windows:
        return {}
    covered = org_tree().scopes(set(org_ids))
    if not covered:
        return {}
    ends = {w: last_day_of(w[1]) for w in windows}
    asked = CarrierStatusChange.objects.filter(
        kind=CarrierKind.BUILDING_UNIT, at__lte=max(ends.values())
    )
    moves = list(asked.order_by("at", "pk").values_list("carrier_id", "at", "to_status"))
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for unit_id, at, status in moves:
        history[unit_id].append((at, status))
    units = {
        u["pk"]: u
        for u in BuildingUnit.objects.filter(pk__in=asked.values("carrier_id")).values(
            "pk", "code", "floor_area_m2", "building_id", "building__name", "building__org_unit_id"
        )
    }
    formula = _(
        "Idle floor area: the floor area of the building units idle at the end of the period, "
        "in m² divided by 10,000"
    )
    out: dict[tuple[int, Window], LedgerValue] = {}
    for window, end in ends.items():
        idle = []
        for unit_id, moves_of_unit in history.items():
            status = None
            for at, to_status in moves_of_unit:
                if at > end:
                    break
                status = to_status
            if status == CarrierStatus.IDLE and unit_id in units:
                idle.append(units[unit_id])
        idle.sort(key=lambda u: (u["building__name"], u["code"]))
        for org, mine in covered.items():
            counted = [u for u in idle if u["building__org_unit_id"] in mine]
            records = tuple(
                LedgerRecord(_label(u), _unit_url(u), u["floor_area_m2"] / M2_PER_WAN)
                for u in counted
            )
            total = sum((u["floor_area_m2"] for u in counted), Decimal(0)) / M2_PER_WAN
            out[(org, window)] = LedgerValue(total, records, formula)
    return out


def _label(unit: dict) -> str:
    area = f"{unit['floor_area_m2'].normalize():f}"
    return f"{unit['building__name']} {unit['code']}（{area}平方米）"


def _unit_url(unit: dict) -> str:
    return reverse("carriers:building", args=[unit["building_id"]]) + f"#unit-{unit['pk']}"


METRIC = Metric(
    code=CODE,
    name_zh="闲置楼宇面积",
    name_en="Idle floor area of buildings",
    unit="万平方米",
    decimals=2,
    time_aggregation="last",
    unit_aggregation="sum",
    ledger=idle_area,
)
