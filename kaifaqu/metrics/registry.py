"""The metric registry: every computable quantity, from a data element or a ledger function.

A metric from a data element is read from the catalogue on each batch (it is data: staff add
elements). A ledger metric is code: a ledger package registers it when it starts, with a
function that answers a whole batch of (org unit, months) questions at once. ``metrics``
never imports a ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: (first month, last month), each as yyyymm
Window = tuple[int, int]


@dataclass(frozen=True)
class LedgerRecord:
    """One ledger record a ledger figure counted or summed; provenance lists them."""

    label: str
    url: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class LedgerValue:
    value: Decimal
    records: tuple[LedgerRecord, ...] = ()
    formula: str = ""


#: Given the org unit ids and windows asked for, the values the ledger has. A unit the ledger
#: does not cover is simply absent (its imported values, if any, are used instead).
LedgerFunction = Callable[[Iterable[int], Iterable[Window]], dict[tuple[int, Window], LedgerValue]]


@dataclass(frozen=True)
class Metric:
    code: str
    name_zh: str
    name_en: str
    unit: str
    decimals: int
    time_aggregation: str = "sum"
    unit_aggregation: str = "sum"
    growth_basis: str = "computed"
    parts: tuple[str, ...] = ()
    whole: str | None = None
    element_id: int | None = None
    ledger: LedgerFunction | None = field(default=None, compare=False, repr=False)
    department_id: int | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def source(self) -> str:
        return "ledger" if self.ledger is not None else "element"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "decimals": self.decimals,
            "source": self.source,
            "parts": list(self.parts),
        }


_ledger_metrics: dict[str, Metric] = {}


def register_ledger_metric(metric: Metric) -> None:
    if metric.ledger is None:
        raise ValueError(f"ledger metric {metric.code} has no ledger function")
    _ledger_metrics[metric.code] = metric


def unregister_ledger_metric(code: str) -> None:
    _ledger_metrics.pop(code, None)


def ledger_metrics() -> dict[str, Metric]:
    return dict(_ledger_metrics)


def ledger_target_codes() -> dict[str, int | None]:
    """The ledger metrics and their owning departments, for targets in the workbook."""
    return {code: metric.department_id for code, metric in _ledger_metrics.items()}
