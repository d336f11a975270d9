"""The stored values the figure engine reads, as the database driver returns them.

The value rows are kept as fetched and turned into Python values (Decimals, aware datetimes:
by Django's own converters, so exactly what the ORM would give) when they are read: their
numbers when the arithmetic reads them, their provenance when a figure shows them. Most rows
fetched are never read (the months of the towns below a district with values of its own), and
most rows read are never shown (a district's peers, read to rank it). On SQLite, converting
every row of a large batch costs more than fetching it (bench/bench_figures.py).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

#: The columns of a stored value the engine reads, in this order.
STORED_COLUMNS = (
    "id",
    "element_id",
    "org_unit_id",
    "period",
    "month_from",
    "month_to",
    "value",
    "status",
    "reported_growth_pct",
    "comparable_prior",
    "source",
    "entered_at",
    "entered_by__username",
)
ELEMENT, ORG, FROM, TO = (
    STORED_COLUMNS.index(c) for c in ("element_id", "org_unit_id", "month_from", "month_to")
)
#: What the arithmetic reads, and what a figure's provenance shows, of a stored value.
AMOUNT_COLUMNS = tuple(
    STORED_COLUMNS.index(c) for c in ("value", "reported_growth_pct", "comparable_prior")
)
INPUT_COLUMNS = tuple(
    STORED_COLUMNS.index(c)
    for c in (
        "id",
        "org_unit_id",
        "period",
        "status",
        "source",
        "entered_at",
        "entered_by__username",
    )
)

#: A row of STORED_COLUMNS as the database driver returned it, before Django's converters.
RawRow = tuple
#: Converts the columns at these positions of a row, as iterating the queryset would.
Converter = Callable[[RawRow, tuple[int, ...]], list]


class Amounts(NamedTuple):
    """The numbers of a stored value: all the arithmetic reads of it."""

    value: Decimal
    reported_growth_pct: Decimal | None
    comparable_prior: Decimal | None


def unconverted(queryset: QuerySet) -> tuple[list[RawRow], Converter]:
    """The rows of a ``values_list`` queryset as the driver returns them, and the function that
    converts some columns of a row exactly as iterating the queryset would (Django's own
    converters: on SQLite, Decimals from the stored floats and aware datetimes from text; on
    PostgreSQL, none).

    The query is the queryset's own, run once and counted like any other.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    rows = [row for chunk in compiler.execute_sql(MULTI) for row in chunk]
    if not rows:
        return rows, as_fetched
    connection = compiler.connection
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    if not converters:
        return rows, as_fetched
    plans: dict[tuple[int, ...], list[tuple[int, list, Any]]] = {}

    def convert(row: RawRow, positions: tuple[int, ...]) -> list:
        plan = plans.get(positions)
        if plan is None:
            plan = plans[positions] = [(p, *converters.get(p, ((), None))) for p in positions]
        out = []
        for pos, functions, expression in plan:
            value = row[pos]
            for function in functions:
                value = function(value, expression, connection)
            out.append(value)
        return out

    return rows, convert


def as_fetched(row: RawRow, positions: tuple[int, ...]) -> list:
    return [row[pos] for pos in positions]
