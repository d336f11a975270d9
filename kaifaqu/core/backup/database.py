"""What a backup and its restore share: the layout of a backup, and reading the state of a
database (its migrations, row counts and audit head) that the manifest records."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.migrations.recorder import MigrationRecorder

from ..models import AuditEntry

#: The manifest's layout; a restore refuses a manifest of a layout it does not know.
FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
PREFIX = "kaifaqu-backup-"

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused, with the reason; a refused restore has changed nothing."""


class _Cursor(Protocol):
    def execute(self, sql: str, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


@dataclass(frozen=True)
class DatabaseState:
    """What a manifest records of a database: read from one consistent view of it."""

    migrations: list[list[str]]
    tables: dict[str, int]
    audit_head: dict[str, Any] | None


def _ignore(message: str) -> None:
    pass


# Reading a database -------------------------------------------------------------------------


def read_state(
    cursor: _Cursor, tables: Sequence[str], quote: Callable[[str], str]
) -> DatabaseState:
    """Migrations, row counts and the audit head, read through one cursor (so one snapshot)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    recorder = MigrationRecorder.Migration._meta.db_table
    migrations: list[list[str]] = []
    if recorder in counts:
        cursor.execute(f"SELECT app, name FROM {quote(recorder)} ORDER BY app, name")  # noqa: S608
        migrations = [[app, name] for app, name in cursor.fetchall()]
    head = None
    entries = AuditEntry._meta.db_table
    if counts.get(entries):
        cursor.execute(
            f"SELECT id, seq, hash FROM {quote(entries)} ORDER BY seq DESC LIMIT 1"  # noqa: S608
        )
        entry_id, seq, digest = cursor.fetchone()
        head = {"id": int(entry_id), "seq": int(seq), "hash": digest}
    return DatabaseState(migrations=migrations, tables=counts, audit_head=head)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor: _Cursor) -> list[str]:
    # SQLite's own tables (sqlite_sequence, sqlite_stat1 after an ANALYZE) are not data.
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]


def _sqlite_file_state(path: Path) -> tuple[str, DatabaseState]:
    """The integrity check's answer and the state of a SQLite file, opened read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        cursor = db.cursor()
        cursor.execute("PRAGMA integrity_check")
        integrity = "; ".join(row[0] for row in cursor.fetchall())
        return integrity, read_state(cursor, _sqlite_tables(cursor), _sqlite_quote)


def live_state() -> DatabaseState:
    """The configured database's state, as a manifest would record it."""
    with connection.cursor() as cursor:
        return read_state(cursor, _live_tables(cursor), connection.ops.quote_name)


def _live_tables(cursor: CursorWrapper) -> list[str]:
    if connection.vendor == "sqlite":
        return _sqlite_tables(cursor)
    return list(connection.introspection.table_names(cursor))


# PostgreSQL's tools -----------------------------------------------------------------------


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return path


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database, so no password shows in ``ps``."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if value := db.get("OPTIONS", {}).get(option):
            env[variable] = str(value)
    return env


def _run(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own tools, arguments built here)
        args, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


# Files -------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    """Regular files only: a symbolic link could point anywhere, a socket is no upload."""
    if not root.is_dir():
        return
    for directory, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    return connection.vendor
