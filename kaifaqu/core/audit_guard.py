"""The database's own refusal to change the audit log: triggers on the audit tables.

The rows of ``AuditEntry`` and ``AuditChange`` may be inserted, never updated; TRUNCATE is
refused (PostgreSQL); a DELETE only by the retention purge (``audit.purge``), and only of
rows the database itself finds older than ``RETENTION_FLOOR_DAYS`` by its own clock:

- an entry whose ``created_at`` is older than the floor, while the purge's flag is on in
  the deleting transaction (PostgreSQL: ``SET LOCAL kaifaqu.audit_purge = 'on'``; SQLite: a
  row in ``PURGE_FLAG_TABLE``, written and removed inside the purge's transaction);
- a change row whose entry (the one naming its batch) is already gone, under the same flag.

The triggers bind every role, the table's owner and a superuser included, until someone
with the right to change the schema drops them (``uninstall``): they stop the application,
a mistaken ``kaifaqu flush`` or a stray SQL session, not a database administrator. On
PostgreSQL the application's role should also lack the privileges (docs/deploy.md).
The SQL is here once, for the migration that installs it and the tests that remove it.

On SQLite a migration that rebuilds an audit table (Django's ``_remake_table``: most column
changes) drops its triggers with the old table: such a migration must end with
``migrations.RunPython(lambda apps, editor: audit_guard.install(editor.connection))``
after uninstalling first. PostgreSQL keeps triggers through ``ALTER TABLE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

#: Rows younger than this are never deleted, whatever the settings (the database checks it).
RETENTION_FLOOR_DAYS = 180
ENTRIES = "core_auditentry"
CHANGES = "core_auditchange"
#: SQLite's purge flag: a table empty except inside a purge's transaction.
PURGE_FLAG_TABLE = "core_auditpurgeflag"
#: PostgreSQL's purge flag: a setting local to the purge's transaction.
PURGE_SETTING = "kaifaqu.audit_purge"
MESSAGE = "the audit log is insert-only"

# The batch an entry's change rows carry, as an indexed expression (the change rows' trigger
# looks their entry up by it).
_PG_BATCH = "(after -> 'changes' ->> 'batch')"
_SQLITE_BATCH = "json_extract(after, '$.changes.batch')"


class _Executor(Protocol):
    def execute(self, sql: str, /) -> object: ...


def _postgresql_install() -> list[str]:
    floor = f"interval '{RETENTION_FLOOR_DAYS} days'"
    flag = f"coalesce(current_setting('{PURGE_SETTING}', true), '') = 'on'"
    return [
        f"CREATE INDEX IF NOT EXISTS core_auditentry_changes_batch ON {ENTRIES} ({_PG_BATCH})",
        f"""CREATE OR REPLACE FUNCTION {ENTRIES}_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND {flag} AND OLD.created_at < now() - {floor} THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$""",
        f"""CREATE OR REPLACE FUNCTION {CHANGES}_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND {flag} AND NOT EXISTS (
    SELECT 1 FROM {ENTRIES} WHERE {_PG_BATCH} = OLD.batch
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$""",  # noqa: S608 (fixed names)
        *(
            sql
            for table in (ENTRIES, CHANGES)
            for sql in (
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_insert_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_insert_only()",
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC",
            )
        ),
    ]


def _postgresql_uninstall() -> list[str]:
    return [
        *(
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
            for table in (ENTRIES, CHANGES)
            for name in ("no_change", "no_truncate")
        ),
        f"DROP FUNCTION IF EXISTS {ENTRIES}_insert_only()",
        f"DROP FUNCTION IF EXISTS {CHANGES}_insert_only()",
    ]


def _sqlite_install() -> list[str]:
    flag = f"EXISTS (SELECT 1 FROM {PURGE_FLAG_TABLE})"  # noqa: S608 (fixed names)
    refuse = "SELECT RAISE(ABORT, '{message}: {op} on {table} refused')"
    deletable = {
        ENTRIES: f"{flag} AND OLD.created_at < datetime('now', '-{RETENTION_FLOOR_DAYS} days')",
        CHANGES: f"{flag} AND NOT EXISTS "  # noqa: S608 (fixed names)
        f"(SELECT 1 FROM {ENTRIES} WHERE {_SQLITE_BATCH} = OLD.batch)",
    }
    statements = [
        f"CREATE TABLE IF NOT EXISTS {PURGE_FLAG_TABLE} (purging integer NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS core_auditentry_changes_batch ON {ENTRIES} ({_SQLITE_BATCH})",
    ]
    for table in (ENTRIES, CHANGES):
        statements += [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
            + refuse.format(message=MESSAGE, op="UPDATE", table=table)
            + "; END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN NOT ({deletable[table]}) BEGIN "
            + refuse.format(message=MESSAGE, op="DELETE", table=table)
            + "; END",
        ]
    return statements


def _sqlite_uninstall() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_{name}"
        for table in (ENTRIES, CHANGES)
        for name in ("no_update", "no_delete")
    ]


def install_sql(vendor: str) -> list[str]:
    """The statements that install the triggers (none on another database)."""
    return {"postgresql": _postgresql_install, "sqlite": _sqlite_install}.get(vendor, list)()


def uninstall_sql(vendor: str) -> list[str]:
    """The statements that drop the triggers (the index and SQLite's flag table stay)."""
    return {"postgresql": _postgresql_uninstall, "sqlite": _sqlite_uninstall}.get(vendor, list)()


def run(executor: _Executor, statements: list[str]) -> None:
    for sql in statements:
        executor.execute(sql)


def install(connection: BaseDatabaseWrapper = default_connection) -> None:
    with connection.cursor() as cursor:
        run(cursor, install_sql(connection.vendor))


def uninstall(connection: BaseDatabaseWrapper = default_connection) -> None:
    with connection.cursor() as cursor:
        run(cursor, uninstall_sql(connection.vendor))


@contextmanager
def removed(connection: BaseDatabaseWrapper = default_connection) -> Iterator[None]:
    """The triggers dropped for the block and put back after it: what someone with the
    right to change the schema can do (the tests that simulate such an attacker, and the
    test runner's flush between transactional tests)."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)


@contextmanager
def purging(connection: BaseDatabaseWrapper = default_connection) -> Iterator[None]:
    """The purge's flag on for the block, which must be inside the purge's transaction: the
    flag goes off after the block, or with the transaction when an error rolls it back."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"SET LOCAL {PURGE_SETTING} = 'on'")
        else:
            cursor.execute(f"INSERT INTO {PURGE_FLAG_TABLE} (purging) VALUES (1)")  # noqa: S608 (fixed names)
    yield
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"SET LOCAL {PURGE_SETTING} = 'off'")
        else:
            cursor.execute(f"DELETE FROM {PURGE_FLAG_TABLE}")  # noqa: S608 (fixed names)
