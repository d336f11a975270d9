"""Writing many rows of one model at once: one statement run for every row (``executemany``).

An import writes a hundred thousand rows in one transaction. ``bulk_create`` compiles each
field of each row through the ORM's insert compiler (most of its time, about 60 µs a row
here), and ``bulk_update`` writes a CASE over the batch for each field, which SQLite
evaluates row by row (10,000 changed values took 40 s). One prepared statement run for every
row writes the same rows in a fraction of that, on SQLite and PostgreSQL alike. Values are
prepared by each field (``get_db_prep_save``), as the ORM would; only the model's own table
and column names are written into the statement.

None of them runs ``save()``, signals or ``full_clean()``: the caller has checked the
rows (for values, ``stats.value_rules``). ``insert_many`` does not set primary keys.
``insert_rows`` takes rows already as the database's parameters, for a writer that makes
many rows of an append-only table (the audit's change log) and need not build a model
instance for each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.fields import AutoFieldMixin

#: Rows per ``executemany`` call.
BATCH = 2000


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The model's fields of these names, each with a column of the model's table."""
    fields = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete:
            raise ValueError(f"{model._meta.label}.{name} has no column")
        fields.append(field)
    return fields


def _column(field: models.Field[Any, Any]) -> str:
    """The field's column, quoted for the statement."""
    return str(connection.ops.quote_name(str(field.column)))


def _run(
    sql: str,
    fields: Sequence[models.Field[Any, Any]],
    objects: Sequence[models.Model],
    batch: int,
    key: bool,
) -> None:
    """Run ``sql`` for every object, its fields' values (and its key) as the parameters."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it looks the connection up each time
    with db.cursor() as cursor:
        for start in range(0, len(objects), batch):
            rows = []
            for obj in objects[start : start + batch]:
                row = [f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields]
                rows.append([*row, obj.pk] if key else row)
            cursor.executemany(sql, rows)


def insert_many(
    model: type[models.Model], objects: Sequence[models.Model], *, batch: int = BATCH
) -> None:
    """INSERT the objects (new, unsaved), every concrete field but an automatic key."""
    if not objects:
        return
    ops = connection.ops
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    columns = ", ".join(_column(f) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names only)
    _run(sql, fields, objects, batch, key=False)


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    batch: int = BATCH,
) -> None:
    """INSERT rows of the fields ``names``, each row its values already prepared for the
    database (as ``get_db_prep_save`` would make them: see ``json_parameter``)."""
    if not rows:
        return
    ops = connection.ops
    columns = ", ".join(_column(f) for f in _fields(model, names))
    marks = ", ".join(["%s"] * len(names))
    table = ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names only)
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def json_stored_as_text() -> bool:
    """Whether the database keeps a JSON field as its text (SQLite, MySQL): then any JSON
    text of a value is its parameter, and a writer that has made it need not make it again.
    PostgreSQL adapts it itself (jsonb)."""
    adapt = type(connections[DEFAULT_DB_ALIAS].ops).adapt_json_value
    return adapt is BaseDatabaseOperations.adapt_json_value


def json_parameter(value: Any) -> Any:
    """A JSON field's parameter for a value that is not None, as the field would make it."""
    return connections[DEFAULT_DB_ALIAS].ops.adapt_json_value(value, None)


def update_many(
    model: type[models.Model],
    objects: Sequence[models.Model],
    names: Sequence[str],
    *,
    batch: int = BATCH,
) -> None:
    """UPDATE the fields ``names`` of stored objects, by primary key."""
    if not objects:
        return
    ops = connection.ops
    fields = _fields(model, names)
    assignments = ", ".join(f"{_column(f)} = %s" for f in fields)
    table, key = ops.quote_name(model._meta.db_table), _column(model._meta.pk)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 (names only)
    _run(sql, fields, objects, batch, key=True)
